package dev.tapewatch.http;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
    String raw = params.get("symbol");
    if (raw == null) {
      return symbols.get(0);
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
}
