package dev.tapewatch.config;

import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One macro window of {@code MACRO_WINDOWS}: a daily UTC time {@code HH:MM} or a dated ISO-8601 instant (a CPI or FOMC
 * release). The window is its centre ± {@code MACRO_WINDOW_MINUTES}.
 *
 * @param spec  the entry as configured
 * @param daily minutes after midnight UTC for a daily window, or -1
 * @param at    the centre of a dated window, or null
 */
public record MacroWindow(String spec, int daily, Instant at) {
  static final String ACCEPTED = "a comma list of daily UTC times HH:MM or ISO-8601 instants like 2026-12-10T13:30:00Z";
  private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
  private static final long DAY_MS = 86_400_000L;

  static MacroWindow parse(String entry) {
    String e = entry.trim();
    if (HH_MM.matcher(e).matches()) {
      LocalTime t = LocalTime.parse(e);
      return new MacroWindow(e, t.getHour() * 60 + t.getMinute(), null);
    }
    try {
      return new MacroWindow(e, -1, Instant.parse(e));
    } catch (DateTimeParseException bad) {
      throw new ConfigException("MACRO_WINDOWS", "entry " + ConfigException.quote(entry), ACCEPTED);
    }
  }

  /** The centre of the occurrence of this window that contains {@code nowMs}, if one does. */
  public OptionalLong centreAround(long nowMs, long halfWidthMs) {
    if (at != null) {
      long c = at.toEpochMilli();
      return Math.abs(nowMs - c) <= halfWidthMs ? OptionalLong.of(c) : OptionalLong.empty();
    }
    long today = Math.floorDiv(nowMs, DAY_MS) * DAY_MS + daily * 60_000L;
    for (long c : new long[] {today - DAY_MS, today, today + DAY_MS}) {
      if (Math.abs(nowMs - c) <= halfWidthMs) {
        return OptionalLong.of(c);
      }
    }
    return OptionalLong.empty();
  }

  /** The centre of the current or next occurrence (the first whose end is not past), if any. */
  public OptionalLong nextCentre(long nowMs, long halfWidthMs) {
    if (at != null) {
      long c = at.toEpochMilli();
      return c + halfWidthMs >= nowMs ? OptionalLong.of(c) : OptionalLong.empty();
    }
    long c = Math.floorDiv(nowMs, DAY_MS) * DAY_MS + daily * 60_000L - DAY_MS;
    while (c + halfWidthMs < nowMs) {
      c += DAY_MS;
    }
    return OptionalLong.of(c);
  }
}
