package dev.tapewatch.config;

import java.util.List;
import java.util.Locale;

/** {@code LOG_FORMAT} (text or json) and {@code LOG_LEVEL} (TRACE, DEBUG, INFO, WARN or ERROR). */
public record LogSettings(boolean json, String level) {
  static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  static LogSettings read(ConfigReader r) {
    String format = r.raw("LOG_FORMAT").toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("LOG_FORMAT", ConfigException.quote(r.raw("LOG_FORMAT")), "text or json");
    }
    String level = r.raw("LOG_LEVEL").toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      throw new ConfigException("LOG_LEVEL", ConfigException.quote(r.raw("LOG_LEVEL")), String.join(", ", LEVELS));
    }
    return new LogSettings(format.equals("json"), level);
  }
}
