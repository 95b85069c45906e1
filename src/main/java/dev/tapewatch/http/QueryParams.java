package dev.tapewatch.http;

import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** Strict reading of query parameters: unknown or repeated names and bad values are a {@link BadRequest}. */
final class QueryParams {
  private final MultiMap params;

  /** A 400 (or, with {@code status} 404, an unknown symbol) with the message for {@code {"error": ...}}. */
  static final class BadRequest extends RuntimeException {
    final int status;

    BadRequest(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  QueryParams(MultiMap params, Set<String> accepted) {
    this.params = params;
    for (String name : params.names()) {
      if (!accepted.contains(name)) {
        throw new BadRequest(400, "unknown parameter '" + name + "'; accepted: " + String.join(", ",
            accepted.stream().sorted().toList()));
      }
      if (params.getAll(name).size() > 1) {
        throw new BadRequest(400, "parameter '" + name + "' given more than once");
      }
    }
  }

  /** {@code ?symbol=}, case-insensitive; the first configured symbol when absent; 404 when not configured. */
  String symbol(List<String> symbols) {
    String s = optionalSymbol(symbols);
    return s == null ? symbols.get(0) : s;
  }

  /** {@code ?symbol=}, case-insensitive; null when absent; 404 when not configured. */
  String optionalSymbol(List<String> symbols) {
    String raw = params.get("symbol");
    if (raw == null) {
      return null;
    }
    String s = raw.trim().toUpperCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw new BadRequest(400, "parameter 'symbol' is empty; configured symbols: " + String.join(",", symbols));
    }
    if (!symbols.contains(s)) {
      throw new BadRequest(404, "unknown symbol '" + raw + "'; configured symbols: " + String.join(",", symbols));
    }
    return s;
  }

  /** A whole number in [min, max], {@code fallback} when absent. */
  int integer(String name, int fallback, int min, int max) {
    String raw = params.get(name);
    if (raw == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new BadRequest(400, "parameter '" + name + "' must be a whole number from " + min + " to " + max);
  }

  /** An ISO-8601 instant such as 2026-11-24T08:00:00Z; null when absent. */
  Instant instant(String name) {
    String raw = params.get(name);
    if (raw == null) {
      return null;
    }
    try {
      return Instant.parse(raw.trim());
    } catch (DateTimeParseException e) {
      throw new BadRequest(400, "parameter '" + name + "' must be an ISO-8601 UTC time like 2026-11-24T08:00:00Z");
    }
  }

  /** A UUID, in its canonical lower-case form (how finding ids are written and compared); null when absent. */
  String uuid(String name) {
    String raw = params.get(name);
    if (raw == null) {
      return null;
    }
    try {
      String canonical = UUID.fromString(raw.trim()).toString();
      if (canonical.equalsIgnoreCase(raw.trim())) {
        return canonical;
      }
    } catch (IllegalArgumentException ignored) {
      // answered below
    }
    throw new BadRequest(400, "parameter '" + name + "' must be a finding id such as 3f1c9a52-8d4e-4b1a-9c2f-0e5d7b6a4c31");
  }

  boolean bool(String name, boolean fallback) {
    String raw = params.get(name);
    if (raw == null) {
      return fallback;
    }
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new BadRequest(400, "parameter '" + name + "' must be true or false");
    };
  }

  /** One of {@code valid}; null when absent. */
  String oneOf(String name, List<String> valid) {
    String raw = params.get(name);
    if (raw == null) {
      return null;
    }
    if (!valid.contains(raw.trim())) {
      throw new BadRequest(400, "unknown " + name + " '" + raw + "'; valid: " + String.join(",", valid));
    }
    return raw.trim();
  }

  /** A comma list of names from {@code valid}, each once; {@code valid} itself when absent. */
  List<String> names(String name, List<String> valid) {
    String raw = params.get(name);
    if (raw == null) {
      return valid;
    }
    List<String> out = new ArrayList<>();
    for (String part : raw.split(",", -1)) {
      String n = part.trim();
      if (!valid.contains(n)) {
        throw new BadRequest(400, "unknown " + name + " '" + n + "'; valid: " + String.join(",", valid));
      }
      if (!out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }
}
