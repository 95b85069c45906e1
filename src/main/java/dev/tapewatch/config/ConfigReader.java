package dev.tapewatch.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Reads variables from the environment over the defaults in {@code conf/tapewatch.properties}, each parsed strictly:
 * a bad value throws a {@link ConfigException} naming the variable, the value and the accepted form.
 */
final class ConfigReader {
  static final String DEFAULTS_RESOURCE = "/conf/tapewatch.properties";
  private static final Set<String> SECRET_VARIABLES = Set.of("DATABASE_URL", "ALERT_WEBHOOK_URL", "OPENAI_API_KEY", "ADMIN_TOKEN",
      CdpKey.NAME, CdpKey.PRIVATE_KEY);
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private final Map<String, String> values;

  ConfigReader(Map<String, String> defaults, Map<String, String> env) {
    Map<String, String> merged = new HashMap<>(defaults);
    env.forEach((k, v) -> {
      if (defaults.containsKey(k)) {
        merged.put(k, v);
      }
    });
    this.values = merged;
  }

  static Map<String, String> loadDefaults() {
    Properties p = new Properties();
    try (InputStream in = ConfigReader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " missing from the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> out = new HashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  String raw(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalStateException("no default for " + name + " in " + DEFAULTS_RESOURCE);
    }
    return v.trim();
  }

  ConfigException invalid(String name, String accepted) {
    String shown = SECRET_VARIABLES.contains(name) ? "<redacted>" : ConfigException.quote(values.get(name));
    return new ConfigException(name, shown, accepted);
  }

  String string(String name) {
    String v = raw(name);
    if (v.isEmpty()) {
      throw invalid(name, "a non-empty value");
    }
    return v;
  }

  /** An optional secret URL: empty, or absolute with one of the schemes. */
  Optional<Secret> optionalSecretUri(String name, List<String> schemes) {
    if (raw(name).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Secret(uri(name, schemes).toString()));
  }

  Optional<Secret> optionalSecret(String name) {
    String v = raw(name);
    return v.isEmpty() ? Optional.empty() : Optional.of(new Secret(v));
  }

  int integer(String name, int min, int max) {
    try {
      int v = Integer.parseInt(raw(name));
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the accepted range
    }
    throw invalid(name, "a whole number from " + min + " to " + max);
  }

  Optional<Long> optionalLong(String name) {
    String v = raw(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw invalid(name, "a whole number, or empty");
    }
  }

  double decimal(String name, double min, double max) {
    Double v = parseFinite(raw(name));
    if (v != null && v >= min && v <= max) {
      return v;
    }
    throw invalid(name, "a number from " + min + " to " + max);
  }

  boolean bool(String name) {
    switch (raw(name).toLowerCase()) {
      case "true", "1", "yes", "on" -> {
        return true;
      }
      case "false", "0", "no", "off" -> {
        return false;
      }
      default -> throw invalid(name, "true or false");
    }
  }

  URI uri(String name, List<String> schemes) {
    String accepted = "an absolute URL with scheme " + String.join(" or ", schemes);
    try {
      URI u = new URI(string(name));
      boolean portOk = u.getPort() == -1 || u.getPort() >= 1 && u.getPort() <= 65535;
      if (u.getScheme() != null && schemes.contains(u.getScheme().toLowerCase()) && u.getHost() != null && portOk) {
        return u;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    throw invalid(name, accepted);
  }

  /** {@code key=number,...} with exactly the given keys, each once, each a finite number ≥ 0. */
  Map<String, Double> weights(String name, List<String> keys) {
    String accepted = "comma list of " + String.join(",", keys.stream().map(k -> k + "=<number ≥ 0>").toList())
        + " with each key exactly once";
    Map<String, Double> out = keyedNumbers(name, keys::contains, accepted);
    if (out.size() != keys.size()) {
      throw invalid(name, accepted);
    }
    return out;
  }

  /**
   * {@code key=number,...} with lower-case keys, each at most once, each a finite number ≥ 0; may be empty. Which
   * keys are known is for the reader of the map to check (ALERT_MIN_SCORES: the agents, which declare themselves).
   */
  Map<String, Double> keyedNumbers(String name) {
    if (raw(name).isEmpty()) {
      return Map.of();
    }
    return keyedNumbers(name, key -> KEY.matcher(key).matches(),
        "comma list of key=<number ≥ 0> with lower-case keys, each at most once");
  }

  private Map<String, Double> keyedNumbers(String name, Predicate<String> knownKey, String accepted) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String part : raw(name).split(",", -1)) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? "" : part.substring(0, eq).trim();
      Double w = eq < 0 ? null : parseFinite(part.substring(eq + 1).trim());
      if (!knownKey.test(key) || out.containsKey(key) || w == null || w < 0) {
        throw invalid(name, accepted);
      }
      out.put(key, w);
    }
    return Collections.unmodifiableMap(out);
  }

  List<String> list(String name) {
    String v = raw(name);
    if (v.isEmpty()) {
      return List.of();
    }
    return List.of(v.split("\\s*,\\s*"));
  }

  private static Double parseFinite(String s) {
    if (s.isEmpty() || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'
        || c == 'e' || c == 'E')) {
      return null;
    }
    try {
      double d = Double.parseDouble(s);
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
