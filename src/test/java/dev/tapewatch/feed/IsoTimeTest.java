package dev.tapewatch.feed;

import dev.tapewatch.tape.Trade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IsoTime#parseMillis} against {@link Instant#parse}, the reference it must agree with on what it accepts. */
class IsoTimeTest {

  private static long reference(String s) {
    return Instant.parse(s).toEpochMilli();
  }

  /** {@code epochSecond}+{@code nanos} in ISO form with exactly {@code digits} fraction digits (truncated). */
  private static String format(long epochSecond, int nanos, int digits, boolean zulu) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(),
        t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
    if (digits > 0) {
      sb.append('.').append(String.format("%09d", nanos), 0, digits);
    }
    return sb.append(zulu ? "Z" : "+00:00").toString();
  }

  @Test
  void knownValues() {
    assertEquals(0L, IsoTime.parseMillis("1970-01-01T00:00:00Z"));
    assertEquals(0L, IsoTime.parseMillis("1970-01-01T00:00:00.000000000Z"));
    assertEquals(999L, IsoTime.parseMillis("1970-01-01T00:00:00.999999999Z"));
    assertEquals(1618677810244L, IsoTime.parseMillis("2021-04-17T16:43:30.244075Z"));
    assertEquals(1618677810244L, IsoTime.parseMillis("2021-04-17T16:43:30.244075+00:00"));
    assertEquals(1618677810244L, IsoTime.parseMillis(new StringBuilder("2021-04-17T16:43:30.244075Z")));
    assertEquals(1618677810200L, IsoTime.parseMillis("2021-04-17T16:43:30.2Z"));
    assertEquals(1618677810240L, IsoTime.parseMillis("2021-04-17T16:43:30.24Z"));
    assertEquals(951868799999L, IsoTime.parseMillis("2000-02-29T23:59:59.999Z"));
    assertEquals(reference("9999-12-31T23:59:59.999999999Z"), IsoTime.parseMillis("9999-12-31T23:59:59.999999999Z"));
  }

  @Test
  void randomTimestampsAcrossYearsAndFractionLengthsAgreeWithInstantParse() {
    Random random = new Random(20210417);
    long from = Instant.parse("1970-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2400-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 20_000; i++) {
      long sec = from + (long) (random.nextDouble() * (to - from));
      int nanos = random.nextInt(1_000_000_000);
      int digits = i % 10;
      String s = format(sec, nanos, digits, random.nextBoolean());
      assertEquals(reference(s), IsoTime.parseMillis(s), s);
    }
  }

  @Test
  void everyDayBoundaryOfRecentYearsAgreesWithInstantParse() {
    for (LocalDate d = LocalDate.of(2019, 1, 1); d.isBefore(LocalDate.of(2031, 1, 1)); d = d.plusDays(1)) {
      for (String time : List.of("T00:00:00Z", "T23:59:59.999999Z", "T12:30:00.5+00:00")) {
        String s = d + time;
        assertEquals(reference(s), IsoTime.parseMillis(s), s);
      }
    }
  }

  @Test
  void leapDaysExactlyWhenJavaTimeSaysSo() {
    for (int year = 1970; year <= 2400; year++) {
      String s = String.format("%04d-02-29T12:00:00Z", year);
      if (Year.isLeap(year)) {
        assertEquals(reference(s), IsoTime.parseMillis(s), s);
      } else {
        assertThrows(DateTimeParseException.class, () -> Instant.parse(s), s);
        assertEquals(IsoTime.INVALID, IsoTime.parseMillis(s), s);
      }
    }
  }

  @Test
  void dayAfterTheLastOfEveryMonthIsInvalid() {
    for (int year : new int[] {1970, 2000, 2021, 2023, 2024, 2100}) {
      for (int month = 1; month <= 12; month++) {
        int last = LocalDate.of(year, month, 1).lengthOfMonth();
        String ok = String.format("%04d-%02d-%02dT00:00:00Z", year, month, last);
        String bad = String.format("%04d-%02d-%02dT00:00:00Z", year, month, last + 1);
        assertEquals(reference(ok), IsoTime.parseMillis(ok), ok);
        assertEquals(IsoTime.INVALID, IsoTime.parseMillis(bad), bad);
      }
    }
  }

  private static final Pattern CAPTURED_TIME = Pattern.compile("\"(?:time|timestamp)\\\\?\":\\s*\\\\?\"([^\"\\\\]+)");

  /** Every timestamp of the three real captures (Exchange 6-digit, Advanced Trade up to 9-digit fractions). */
  @Test
  void everyTimestampOfTheRealCapturesAgreesWithInstantParse() throws IOException {
    Set<String> times = new LinkedHashSet<>();
    Path data = Path.of("..", "shared", "data");
    List<String> lines = new java.util.ArrayList<>();
    lines.addAll(CoinbaseMessageParserTest.gunzipLines(data.resolve("coinbase_exchange_wsfeed_capture_2021-04-17.log.gz")));
    lines.addAll(CoinbaseMessageParserTest.gunzipLines(data.resolve("coinbase_advtrade_ws_capture_2026-08-09.jsonl.gz")));
    lines.addAll(Files.readAllLines(data.resolve("coinbase_advtrade_trades_btc_eth_2026-08-09.ndjson")));
    for (String line : lines) {
      Matcher m = CAPTURED_TIME.matcher(line);
      while (m.find()) {
        times.add(m.group(1));
      }
    }
    assertTrue(times.size() > 1000, "distinct timestamps found: " + times.size());
    assertTrue(times.stream().anyMatch(t -> t.matches(".*\\.\\d{9}Z")), "9-digit fractions present");
    assertTrue(times.stream().anyMatch(t -> t.matches(".*\\.\\d{4}Z")), "4-digit fractions present");
    for (String t : times) {
      assertEquals(reference(t), IsoTime.parseMillis(t), t);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // calendar
      "2021-13-01T00:00:00Z", "2021-00-10T00:00:00Z", "2021-04-00T00:00:00Z", "2021-04-31T00:00:00Z",
      "2021-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2021-04-32T00:00:00Z",
      "2021-04-17T24:00:00Z", "2021-04-17T23:60:00Z", "2021-04-17T23:59:60Z", "2021-04-17T99:99:99Z",
      // zone
      "2021-04-17T16:43:30.244075", "2021-04-17T16:43:30", "2021-04-17T16:43:30.244075+01:00",
      "2021-04-17T16:43:30.244075-05:00", "2021-04-17T16:43:30-00:00", "2021-04-17T16:43:30+0000",
      "2021-04-17T16:43:30+00", "2021-04-17T16:43:30z", "2021-04-17T16:43:30ZZ", "2021-04-17T16:43:30Z ",
      "2021-04-17T16:43:30.244075Z[UTC]", "2021-04-17T16:43:30 UTC",
      // fraction
      "2021-04-17T16:43:30.Z", "2021-04-17T16:43:30.1234567890Z", "2021-04-17T16:43:30,244Z",
      "2021-04-17T16:43:30.24a5Z",
      // shape
      "", "Z", "2021-04-17", "2021-04-17T16:43Z", " 2021-04-17T16:43:30Z", "2021-04-17 16:43:30Z",
      "2021/04/17T16:43:30Z", "21-04-17T16:43:30.244075Z", "2021-4-17T16:43:30.244075Z",
      "not a timestamp at all", "1618677810.244075", "2021-04-17T16:43:30.244075Zgarbage",
      "+2021-04-17T16:43:30Z",
      // non-digits where digits belong
      "2O21-04-17T16:43:30Z", "2021-O4-17T16:43:30Z", "2021-04-1xT16:43:30Z", "٢٠٢١-04-17T16:43:30Z",
      "2021-04-17T1a:43:30Z", "2021-04-17Tab:43:30Z", "2021-04-17T16:4x:43Z", "2021-04-17T16:43:3xZ",
      "2021-04-17T-1:43:30Z", "2021-04-17T16:-1:30Z", "2021-04-17T16:43:-1Z", "2021-04-17T+1:43:30Z",
      "2021-04-17T  :  :  Z",
      // before the epoch: out of range for market data
      "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z"})
  void invalid(String s) {
    assertEquals(IsoTime.INVALID, IsoTime.parseMillis(s), s);
  }

  @Test
  void invalidRejectedByInstantParseToo() {
    // The reference agrees these are not instants (leap seconds and lenient forms aside, which IsoTime rejects).
    for (String s : List.of("2021-13-01T00:00:00Z", "2021-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
        "2021-04-17T16:43:30.244075", "2021-04-17T1a:43:30Z", "2021-04-17T16:4x:43Z", "2021-04-17T16:43:-1Z",
        "2021-04-17T16:43:30.1234567890Z", "garbage")) {
      assertThrows(DateTimeParseException.class, () -> Instant.parse(s), s);
      assertEquals(IsoTime.INVALID, IsoTime.parseMillis(s), s);
    }
  }
}
