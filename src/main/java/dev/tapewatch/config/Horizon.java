package dev.tapewatch.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A forward horizon at which a finding's outcome is measured: its label as configured ({@code 15m}) and its length. */
public record Horizon(String label, long millis) {
  private static final Pattern FORM = Pattern.compile("([1-9][0-9]{0,5})([smh])");

  /** {@code <n>s|m|h}; null when {@code spec} is not of that form. */
  public static Horizon parse(String spec) {
    Matcher m = FORM.matcher(spec);
    if (!m.matches()) {
      return null;
    }
    long unit = switch (m.group(2)) {
      case "s" -> 1_000L;
      case "m" -> 60_000L;
      default -> 3_600_000L;
    };
    return new Horizon(spec, Long.parseLong(m.group(1)) * unit);
  }
}
