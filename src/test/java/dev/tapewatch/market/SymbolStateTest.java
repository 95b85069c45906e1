package dev.tapewatch.market;

import dev.tapewatch.tape.Timeframe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import org.junit.jupiter.api.Test;

/**
 * One symbol end to end: trades feed the cache and the 1m/5m/15m bars, features use the last trade price, quotes
 * keep the newest by exchange time. Expected values are computed by hand (relative tolerance 1e-9).
 */
class SymbolStateTest {
  private static final String SYM = "BTC-USD";
  private static final long W = 60_000L;
  /** Aligned to 1, 5 and 15 minutes (1_888_888 · 900 000 ms). */
  private static final long T0 = 1_888_888L * 900_000L;

  private static Trade trade(long offsetMs, double price, double size, Side side, long id) {
    return new Trade(SYM, T0 + offsetMs, price, size, side, id);
  }

  private static void assertNear(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.abs(expected) * 1e-9, what);
  }

  private static void assertFeatures(TimeframeFeatures f, double mom, double pxVsVwap, double rvol, double atr,
      double volume, double signedVolume) {
    assertNear(mom, f.momBps(), "mom_bps");
    assertNear(pxVsVwap, f.pxVsVwapBps(), "px_vs_vwap_bps");
    assertNear(rvol, f.rvol(), "rvol");
    assertNear(atr, f.atr(), "atr");
    assertNear(volume, f.volume(), "volume");
    assertNear(signedVolume, f.signedVolume(), "signed volume");
  }

  /** A at 0:10 (100 ×1 buy), B at 1:10 (102 ×2 sell), C at 5:10 (104 ×1 buy). */
  private static SymbolState threeTrades() {
    SymbolState s = new SymbolState(SYM, 100, 1000);
    s.apply(trade(10_000, 100, 1, Side.BUY, 1));
    s.apply(trade(70_000, 102, 2, Side.SELL, 2));
    s.apply(trade(310_000, 104, 1, Side.BUY, 3));
    return s;
  }

  @Test
  void noTradesNoFeatures() {
    SymbolState s = new SymbolState(SYM, 10, 1000);
    assertFalse(s.hasTrades());
    for (Timeframe tf : Timeframe.values()) {
      assertEquals(new TimeframeFeatures(0, 0, 0, 0, 0, 0), s.features(tf));
    }
    assertEquals(new LegacySignals(0, 0, 0, 0, 0), s.legacySignals());
  }

  @Test
  void tradesFeedEveryTimeframe() {
    SymbolState s = threeTrades();
    assertTrue(s.hasTrades());
    assertEquals(104, s.lastPrice());
    // 1m: buckets 0 (A), 1 (B), 2..4 flat at 102, 5 (C); 5m: [0:00, 5:00) with A, B and [5:00, 10:00) with C;
    // 15m: one bar
    assertEquals(6, s.bars(Timeframe.M1).size());
    assertEquals(2, s.bars(Timeframe.M5).size());
    assertEquals(1, s.bars(Timeframe.M15).size());
    assertEquals(T0 + 300_000, s.bars(Timeframe.M5).startMs(1));

    // VWAP of every window = (100 + 204 + 104) / 4 = 102 → (104/102 − 1)·10⁴ = 10⁴/51
    double bps104vs102 = 1e4 / 51;
    // 1m: mom vs flat close 102 → 10⁴/51; rvol = 1 / mean(1, 2, 0, 0, 0) = 5/3;
    //     TRs |102−100| = 2, 0, 0, 0, |104−102| = 2 → ATR 4/5
    assertFeatures(s.features(Timeframe.M1), bps104vs102, bps104vs102, 5.0 / 3, 0.8, 1, 1);
    // 5m: closes 102, 104 → 10⁴/51; rvol = 1/3; TR1 = max(0, |104−102|, |104−102|) = 2
    assertFeatures(s.features(Timeframe.M5), bps104vs102, bps104vs102, 1.0 / 3, 2, 1, 1);
    // 15m: one bar → mom, rvol, atr 0; volume 4; signed 1 − 2 + 1 = 0
    assertFeatures(s.features(Timeframe.M15), 0, bps104vs102, 0, 0, 4, 0);

    // legacy, t = 5:10: t−60 s = 4:10 → B (102) → 10⁴/51; t−300 s = 0:10 → exactly A (100) → 400;
    // volume5m (after 0:10) = 2 + 1 = 3; span 300 s, all volume 4 → rvol 3/4
    LegacySignals l = s.legacySignals();
    assertNear(bps104vs102, l.mom1Bps(), "mom1");
    assertNear(400, l.mom5Bps(), "mom5");
    assertNear(0.75, l.rvolVsRecent(), "rvol_vs_recent");
    assertNear(bps104vs102, l.pxVsVwapBps(), "px_vs_vwap");
    assertNear(3, l.volume5m(), "volume5m");
  }

  @Test
  void lateTradeUpdatesBarsAndCacheButNotTheLastPrice() {
    SymbolState s = threeTrades();
    s.apply(trade(130_000, 90, 1, Side.SELL, 4)); // 2:10, arrives after C (5:10)

    assertEquals(104, s.lastPrice()); // latest by trade time is still C
    BarSeries m1 = s.bars(Timeframe.M1);
    assertEquals(6, m1.size());
    assertEquals(90, m1.close(2));       // the flat 2:00 bar now holds the trade
    assertEquals(1, m1.volume(2));
    assertEquals(90, m1.close(3));       // flat bars after it follow its close
    assertEquals(90, m1.close(4));
    BarSeries m5 = s.bars(Timeframe.M5);
    assertEquals(90, m5.low(0));
    assertEquals(90, m5.close(0));       // 2:10 is later than B (1:10) → new close
    assertEquals(100, m5.open(0));

    // 5m mom = (104/90 − 1)·10⁴ = 14·10⁴/90 = 14000/9
    assertNear(14_000.0 / 9, s.features(Timeframe.M5).momBps(), "5m mom");
    // legacy mom1: last trade at or before 4:10 is now the late one (90) → 14000/9
    assertNear(14_000.0 / 9, s.legacySignals().mom1Bps(), "mom1");
    assertEquals(4, s.trades().size());
  }

  @Test
  void laterArrivalAtTheSameTimeIsTheLastTrade() {
    SymbolState s = new SymbolState(SYM, 10, 1000);
    s.apply(trade(5_000, 100, 1, Side.BUY, 1));
    s.apply(trade(5_000, 101, 1, Side.BUY, 2));
    // same trade time: the later arrival is the close, and P is the same trade's price
    assertEquals(101, s.bars(Timeframe.M1).close(0));
    assertEquals(101, s.lastPrice());
  }

  @Test
  void barsDoNotDependOnTheTradeCacheSize() {
    SymbolState s = new SymbolState(SYM, 2, 1000);
    s.apply(trade(0, 100, 1, Side.BUY, 1));
    s.apply(trade(W, 110, 1, Side.BUY, 2));
    s.apply(trade(2 * W, 121, 1, Side.BUY, 3));
    assertEquals(2, s.trades().size());
    assertEquals(3, s.bars(Timeframe.M1).size());
    // rvol = 1 / mean(1, 1) = 1; ATR = (10 + 11) / 2 = 10.5; mom = (121/110 − 1)·10⁴ = 1000
    TimeframeFeatures f = s.features(Timeframe.M1);
    assertNear(1, f.rvol(), "rvol");
    assertNear(10.5, f.atr(), "atr");
    assertNear(1000, f.momBps(), "mom");
  }

  @Test
  void warmUpCandlesPriceFeaturesAtTheLatestCloseUntilATradeArrives() {
    SymbolState s = new SymbolState(SYM, 10, 1000);
    BarSeries m1 = s.bars(Timeframe.M1);
    m1.seedCandle(T0, 100, 106, 94, 103, 2);     // Σp·s = 2·(106+94+103)/3 = 202
    m1.seedCandle(T0 + W, 103, 110, 100, 105, 2); // Σp·s = 2·(110+100+105)/3 = 210
    assertFalse(s.hasTrades());
    // P = 105 (latest close): mom (105/103 − 1)·10⁴ = 2·10⁴/103; VWAP = 412/4 = 103 → same;
    // rvol 2/2 = 1; TR1 = max(10, |110−103|, |100−103|) = 10; candles have no signed volume
    double bps = 2e4 / 103;
    assertFeatures(s.features(Timeframe.M1), bps, bps, 1, 10, 2, 0);

    s.apply(trade(2 * W, 107, 2, Side.BUY, 1));
    // P = 107: VWAP = (202 + 210 + 214) / 6 = 626/6 → (107·6/626 − 1)·10⁴ = 16·10⁴/626
    assertNear(16e4 / 626, s.features(Timeframe.M1).pxVsVwapBps(), "px vs vwap after the first trade");
  }

  @Test
  void keepsTheNewestQuoteByExchangeTime() {
    SymbolState s = new SymbolState(SYM, 10, 1000);
    assertNull(s.quote());
    Quote q1 = new Quote(SYM, T0 + 1_000, 99.5, 100.5);
    Quote q2 = new Quote(SYM, T0 + 2_000, 99.75, 100.25);
    Quote late = new Quote(SYM, T0 + 1_500, 1, 2);
    s.apply(q1);
    s.apply(q2);
    s.apply(late); // older than the kept one → ignored
    assertSame(q2, s.quote());
  }
}
