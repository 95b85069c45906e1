package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapewatch.config.TapewatchConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parsed ahead on several threads, a tape's messages come in the order of its lines, each parsed exactly as one by
 * one, blank lines skipped, whatever the number of chunks; a line whose parsing throws fails the replay as it would.
 */
class TapeArrivalsTest {
  private static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD");

  private static ExchangeTape exchange() {
    TapewatchConfig config = TapewatchConfig.load(Map.of("SYMBOL", String.join(",", SYMBOLS)));
    FeedTape tape = new FeedTape(SYMBOLS, config.feed(), false, new FeedStats("replay", SYMBOLS), null, gap -> {
    });
    return new ExchangeTape(SYMBOLS, tape);
  }

  private static String tape(int lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      switch (i % 7) {
        case 0 -> sb.append("\n");
        case 1 -> sb.append("{\"t\":\"connect\"}\n");
        case 2 -> sb.append("{\"channel\":\"heartbeats\",\"events\":[]}\n");
        case 3 -> sb.append("not json ").append(i).append('\n');
        default -> sb.append("{\"type\":\"match\",\"trade_id\":").append(1 + i)
            .append(",\"side\":\"buy\",\"size\":\"0.").append(i)
            .append("\",\"price\":\"").append(100 + i).append(".5\",\"product_id\":\"").append(SYMBOLS.get(i % 2))
            .append("\",\"time\":\"2026-11-24T07:00:00.").append(String.format(Locale.ROOT, "%06d", i))
            .append("Z\"}\n");
      }
    }
    return sb.toString();
  }

  private static List<String> arrivals(TapeArrivals arrivals) throws IOException {
    List<String> out = new ArrayList<>();
    TapeArrivals.Arrival a;
    while ((a = arrivals.next()) != null) {
      out.add(a.recorded().kind() + " " + a.recorded().message() + " -> " + a.parsed());
    }
    arrivals.close();
    return out;
  }

  private static TapeLines lines(String text) {
    return new TapeLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parsedAheadIsParsedOneByOneInOrder() throws IOException {
    ExchangeTape exchange = exchange();
    for (int n : new int[] {0, 1, TapeArrivals.CHUNK_LINES, 10 * TapeArrivals.CHUNK_LINES + 3}) {
      String text = tape(n);
      List<String> expected = arrivals(TapeArrivals.oneByOne(lines(text), exchange));
      assertEquals(expected, arrivals(TapeArrivals.parsedAhead(lines(text), exchange, 3, "test-parse")));
      assertEquals(n - (n + 6) / 7, expected.size(), "every line but the blank ones");
    }
  }

  @Test
  void whatParsingThrowsIsThrownToTheReader() throws IOException {
    ExchangeTape exchange = exchange();
    TapeArrivals arrivals = TapeArrivals.parsedAhead(lines("{\"type\":\"match\"}\n"), null, 2, "test-parse");
    assertThrows(NullPointerException.class, arrivals::next);
    arrivals.close();
    assertNull(TapeArrivals.parsedAhead(lines(""), exchange, 2, "test-parse").next());
  }
}
