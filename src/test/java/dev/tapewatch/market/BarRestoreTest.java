package dev.tapewatch.market;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.tape.MinuteBar;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.tape.Trade;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Closed minute bars kept by the store and restored at start give back the baselines a symbol had: every timeframe's
 * bars and features equal those of the node that watched the trades.
 */
class BarRestoreTest {
  /** A multiple of 15 minutes. */
  private static final long T0 = 1_888_888L * 900_000L;

  @Test
  void twoMinuteBarsMergeIntoTheirFiveMinuteBar() {
    BarSeries m5 = new BarSeries(300_000, 10);
    // Minute 0: open 100 at +1 s, high 104, low 99, close 101 at +50 s; 3 trades, volume 2, Σp·s 201, signed +1.
    m5.restore(new MinuteBar("X", T0, 100, 104, 99, 101, 2, 201, 1, 3, T0 + 1_000, T0 + 50_000));
    // Minute 1: open 102, high 103, low 98, close 98 at +110 s; 1 trade of 0.5, Σp·s 49, signed −0.5.
    m5.restore(new MinuteBar("X", T0 + 60_000, 102, 103, 98, 98, 0.5, 49, -0.5, 1, T0 + 61_000, T0 + 110_000));
    assertEquals(1, m5.size());
    MinuteBar merged = m5.minuteBar("X", 0);
    assertEquals(new MinuteBar("X", T0, 100, 104, 98, 98, 2.5, 250, 0.5, 4, T0 + 1_000, T0 + 110_000), merged);
    // A stored bar older than the newest kept bucket is ignored, as a late candle would be.
    m5.restore(new MinuteBar("X", T0 - 300_000, 1, 1, 1, 1, 1, 1, 0, 1, T0 - 300_000, T0 - 300_000));
    assertEquals(1, m5.size());
  }

  @Test
  void restoredBarsGiveTheSameBarsAndFeaturesAsTheTradesThatMadeThem() {
    Random random = new Random(42);
    List<Trade> trades = new ArrayList<>();
    double price = 100;
    // 50 minutes of trades, some minutes empty, then the minute in progress.
    for (long t = T0 + 250; t < T0 + 50 * 60_000 + 30_000; t += 1_000 + random.nextInt(4_000)) {
      if ((t - T0) / 60_000 % 7 == 3) {
        continue;
      }
      // Prices and sizes in eighths: every sum is exact, so the restored bars must equal the watched ones to the
      // last bit, whatever order their trades were added in.
      price += (random.nextInt(5) - 2) * 0.125;
      trades.add(new Trade("X", t, price, 0.125 * (1 + random.nextInt(8)), random.nextBoolean() ? Side.BUY
          : Side.SELL, trades.size() + 1));
    }
    SymbolState watched = new SymbolState("X", 100_000, 10);
    trades.forEach(watched::apply);

    // What the store holds: the closed minute bars with trades, oldest first.
    BarSeries m1 = watched.bars(Timeframe.M1);
    List<MinuteBar> stored = new ArrayList<>();
    for (int i = 0; i < m1.size() - 1; i++) {
      if (m1.trades(i) > 0) {
        stored.add(m1.minuteBar("X", i));
      }
    }
    SymbolState restarted = new SymbolState("X", 100_000, 10);
    for (MinuteBar b : stored) {
      for (Timeframe tf : Timeframe.values()) {
        restarted.bars(tf).restore(b);
      }
    }
    // The restarted node then sees the trades of the minute in progress.
    long current = m1.startMs(m1.size() - 1);
    trades.stream().filter(t -> t.timeMs() >= current).forEach(restarted::apply);

    for (Timeframe tf : Timeframe.values()) {
      BarSeries a = watched.bars(tf);
      BarSeries b = restarted.bars(tf);
      assertEquals(a.size(), b.size(), tf + " bars");
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.minuteBar("X", i), b.minuteBar("X", i), tf + " bar " + i);
      }
      assertEquals(watched.features(tf), restarted.features(tf), tf + " features");
    }
  }
}
