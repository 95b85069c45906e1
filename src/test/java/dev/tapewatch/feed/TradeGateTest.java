package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gate's decisions, one scenario each, with the default limits (300 s, 1,000,000 ids). Every decision is
 * recorded as one line, in the order the gate made it.
 */
class TradeGateTest {
  private static final long SKEW_MS = 300_000;
  private static final long JUMP = 1_000_000;
  private static final long T = Instant.parse("2026-11-24T06:00:00Z").toEpochMilli();
  private static final long YEAR_9999 = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

  private final List<String> log = new ArrayList<>();
  private final TradeGate.Listener listener = new TradeGate.Listener() {
    @Override
    public void trade(Trade t) {
      log.add("trade " + t.symbol() + " " + t.tradeId());
    }

    @Override
    public void quote(Quote q) {
      log.add("quote " + q.symbol() + " " + q.bid());
    }

    @Override
    public void gap(TradeGap gap) {
      log.add("gap " + gap.symbol() + " " + gap.afterId() + ".." + gap.beforeId());
    }

    @Override
    public void duplicate(String symbol) {
      log.add("duplicate " + symbol);
    }

    @Override
    public void dropped(String symbol, MalformedReason reason) {
      log.add("dropped " + symbol + " " + reason.key());
    }

    @Override
    public void holding(String symbol, boolean holding) {
      log.add((holding ? "holding " : "not holding ") + symbol);
    }
  };
  private final TradeGate replay = new TradeGate(SKEW_MS, JUMP, false, listener);
  private final TradeGate live = new TradeGate(SKEW_MS, JUMP, true, listener);

  private static Trade trade(String symbol, long id, long timeMs) {
    return new Trade(symbol, timeMs, 100.0, 0.5, Side.BUY, id);
  }

  private static Trade trade(long id, long timeMs) {
    return trade("BTC-USD", id, timeMs);
  }

  /** Offers {@code trades} to the replay gate in turn; what it decided. */
  private List<String> replayed(Trade... trades) {
    for (Trade t : trades) {
      replay.trade(t, 0);
    }
    return taken();
  }

  private List<String> taken() {
    List<String> out = List.copyOf(log);
    log.clear();
    return out;
  }

  @Test
  void aTradeAfterATenMinuteSilenceIsHeldUntilTheNextOneLandsNearItThenBothAreAccepted() {
    replay.trade(trade(1, T), 0);
    replay.trade(trade(2, T + 600_000), 0);
    assertEquals(List.of("trade BTC-USD 1", "holding BTC-USD"), taken());
    assertEquals(T, replay.newestTradeMs(), "a held trade does not move the clock");
    replay.trade(trade(3, T + 600_000 + 1_500), 0);
    assertEquals(List.of("not holding BTC-USD", "trade BTC-USD 2", "trade BTC-USD 3"), taken());
    assertEquals(T + 601_500, replay.newestTradeMs());
  }

  @Test
  void aGenuineTradeIdJumpIsHeldThenAcceptedAsAGap() {
    replay.trade(trade(100, T), 0);
    replay.trade(trade(5_000_100, T + 1_000), 0);
    assertEquals(List.of("trade BTC-USD 100", "holding BTC-USD"), taken());
    replay.trade(trade(5_000_101, T + 2_000), 0);
    assertEquals(List.of("not holding BTC-USD", "gap BTC-USD 100..5000100", "trade BTC-USD 5000100",
        "trade BTC-USD 5000101"), taken());
  }

  @Test
  void exactlyTheLimitsAreNotOutliers() {
    replay.trade(trade(1, T), 0);
    replay.trade(trade(1 + JUMP, T + SKEW_MS), 0);
    assertEquals(List.of("trade BTC-USD 1", "gap BTC-USD 1..1000001", "trade BTC-USD 1000001"), taken());
    replay.trade(trade(2 + 2 * JUMP, T + SKEW_MS + 1), 0);
    assertEquals(List.of("holding BTC-USD"), taken(), "one id past the jump");
  }

  @Test
  void aTradeStampedInTheYear9999IsDroppedWhenTheNextContinuesTheOldClock() {
    assertEquals(List.of("trade BTC-USD 1", "holding BTC-USD", "not holding BTC-USD", "dropped BTC-USD future_time",
        "trade BTC-USD 2", "trade BTC-USD 3"),
        replayed(trade(1, T), trade(2, YEAR_9999), trade(2, T + 1_000), trade(3, T + 2_000)));
    assertEquals(T + 2_000, replay.newestTradeMs());
  }

  @Test
  void aTradeIdNearTwoToTheSixtyThreeIsDroppedAndTheProductIsNotSilenced() {
    assertEquals(List.of("trade BTC-USD 1", "holding BTC-USD", "not holding BTC-USD", "dropped BTC-USD trade_id_jump",
        "trade BTC-USD 2", "trade BTC-USD 3"),
        replayed(trade(1, T), trade(Long.MAX_VALUE, T + 500), trade(2, T + 1_000), trade(3, T + 2_000)));
  }

  @Test
  void twoAgreeingBadPrintsAreAcceptedButTheRealIdsTakeOverAgainAfterTwoOfTheirTrades() {
    assertEquals(List.of("trade BTC-USD 1", "holding BTC-USD", "not holding BTC-USD",
        "gap BTC-USD 1..9223372036854775806", "trade BTC-USD 9223372036854775806",
        "trade BTC-USD 9223372036854775807"),
        replayed(trade(1, T), trade(Long.MAX_VALUE - 1, T + 100), trade(Long.MAX_VALUE, T + 200)),
        "by the rule: the second lands near the first");
    assertEquals(List.of("holding BTC-USD", "not holding BTC-USD", "trade BTC-USD 2", "trade BTC-USD 3",
        "duplicate BTC-USD"), replayed(trade(2, T + 300), trade(3, T + 400), trade(3, T + 400)),
        "far below the last is held, not a duplicate");
  }

  @Test
  void aHeldTradeFollowedByAnotherOutlierIsDroppedAndTheOutlierHeldInItsPlace() {
    assertEquals(List.of("trade BTC-USD 1", "holding BTC-USD", "not holding BTC-USD", "dropped BTC-USD future_time",
        "holding BTC-USD"), replayed(trade(1, T), trade(2, YEAR_9999), trade(3, T + 86_400_000)));
    assertEquals(List.of("not holding BTC-USD", "gap BTC-USD 1..3", "trade BTC-USD 3", "trade BTC-USD 4"),
        replayed(trade(4, T + 86_401_000)), "a day-long outage: the second outlier was genuine");
  }

  @Test
  void timeIsJudgedBeforeTheId() {
    assertEquals(List.of("trade BTC-USD 1", "holding BTC-USD", "not holding BTC-USD", "dropped BTC-USD future_time",
        "trade BTC-USD 2"), replayed(trade(1, T), trade(5_000_000, YEAR_9999), trade(2, T)));
  }

  @Test
  void duplicatesWhileHoldingLeaveTheHeldTradeWaiting() {
    assertEquals(List.of("trade BTC-USD 5", "holding BTC-USD", "duplicate BTC-USD", "duplicate BTC-USD"),
        replayed(trade(5, T), trade(6, T + 600_000), trade(5, T), trade(6, T + 600_000)),
        "an old id, then the held one resent");
    assertEquals(List.of("not holding BTC-USD", "trade BTC-USD 6", "trade BTC-USD 7"),
        replayed(trade(7, T + 600_100)));
  }

  @Test
  void theHeldIdWithTheOldClocksTimeIsTheRealTradeAndTheHeldOneADroppedBadPrint() {
    assertEquals(List.of("trade BTC-USD 5", "holding BTC-USD", "not holding BTC-USD", "dropped BTC-USD future_time",
        "trade BTC-USD 6"), replayed(trade(5, T), trade(6, YEAR_9999), trade(6, T + 100)));
  }

  @Test
  void aHeartbeatNearTheHeldTradeVouchesForIt() {
    live.trade(trade(1, T), T);
    live.trade(trade(2, T + 600_000), T + 600_000);
    assertEquals(List.of("trade BTC-USD 1", "holding BTC-USD"), taken());
    live.heartbeat("BTC-USD", 2, YEAR_9999);
    live.heartbeat("BTC-USD", 1, T + 600_500);
    live.heartbeat("BTC-USD", 2 + JUMP + 1, T + 600_500);
    live.heartbeat("BTC-USD", 2, IsoTime.INVALID);
    live.heartbeat("ETH-USD", 2, T + 600_500);
    assertEquals(List.of(), taken(), "far in time, behind the held id, too far past it, no time, another product");
    live.heartbeat("BTC-USD", 2, T + 600_500);
    assertEquals(List.of("not holding BTC-USD", "trade BTC-USD 2"), taken());
  }

  @Test
  void liveTheLocalClockIsAReferenceEvenForAProductsFirstTrade() {
    long now = T;
    live.trade(trade(1, now + SKEW_MS + 1), now);
    assertEquals(List.of("holding BTC-USD"), taken());
    live.trade(trade(2, now - 5_000), now);
    assertEquals(List.of("not holding BTC-USD", "dropped BTC-USD future_time", "trade BTC-USD 2"), taken());
    live.trade(trade("ETH-USD", 9, now + SKEW_MS), now);
    assertEquals(List.of("trade ETH-USD 9"), taken(), "exactly the skew ahead of the local clock");
  }

  @Test
  void aReplaysFirstTradeHasNothingToBeFarFromButLaterProductsHaveTheRecordingsClock() {
    replay.trade(trade(1, YEAR_9999 - 1), 0);
    assertEquals(List.of("trade BTC-USD 1"), taken());
    TradeGate fresh = new TradeGate(SKEW_MS, JUMP, false, listener);
    fresh.trade(trade(1, T), 0);
    fresh.trade(trade("ETH-USD", 700, T + 10 * SKEW_MS), 0);
    fresh.trade(trade("ETH-USD", 701, T + 1_000), 0);
    assertEquals(List.of("trade BTC-USD 1", "holding ETH-USD", "not holding ETH-USD", "dropped ETH-USD future_time",
        "trade ETH-USD 701"), taken());
  }

  @Test
  void pricesSizesAndNotionalsThatCouldOverflowASumAreDropped() {
    double max = TradeGate.MAX_MAGNITUDE;
    assertEquals(Double.MAX_VALUE, Math.scalb(max, 40), "2^40 of the largest allowed values still sum to a double");
    replay.trade(new Trade("BTC-USD", T, max, 1.0, Side.BUY, 1), 0);
    replay.trade(new Trade("BTC-USD", T, 1.0, max, Side.SELL, 2), 0);
    assertEquals(List.of("trade BTC-USD 1", "trade BTC-USD 2"), taken());
    for (double[] ps : new double[][] {{Double.NaN, 1}, {1, Double.NaN}, {Double.POSITIVE_INFINITY, 1},
        {1, Double.POSITIVE_INFINITY}, {Math.nextUp(max), 1}, {1, Math.nextUp(max)}, {1e200, 1e200}, {1e160, 1e160},
        {1e-200, 1e-200}, {0, 1}, {-1, 1}, {1, -0.0}}) {
      replay.trade(new Trade("BTC-USD", T, ps[0], ps[1], Side.BUY, 3), 0);
      assertEquals(List.of("dropped BTC-USD non_finite"), taken(), ps[0] + " x " + ps[1]);
    }
    replay.trade(new Trade("BTC-USD", T, 1e148, 1e148, Side.BUY, 3), 0);
    assertEquals(List.of("trade BTC-USD 3"), taken(), "a notional of 1e296 is below the limit");
  }

  @Test
  void aQuoteAheadOfTheClockWaitsWithAHeldTradeNearItAndSharesItsFate() {
    replay.trade(trade(1, T), 0);
    replay.quote(new Quote("BTC-USD", T + 1_000, 99.0, 101.0), 0);
    replay.quote(new Quote("BTC-USD", YEAR_9999, 98.0, 102.0), 0);
    assertEquals(List.of("trade BTC-USD 1", "quote BTC-USD 99.0", "dropped BTC-USD future_time"), taken());

    replay.trade(trade(2, T + 600_000), 0);
    replay.quote(new Quote("BTC-USD", T + 600_000, 97.0, 103.0), 0);
    replay.quote(new Quote("BTC-USD", T + 600_010, 96.0, 104.0), 0);
    replay.quote(new Quote("BTC-USD", T + 600_005, 95.0, 105.0), 0);
    assertEquals(List.of("holding BTC-USD"), taken(), "the newest of the quotes near the held trade waits with it");
    replay.trade(trade(3, T + 600_020), 0);
    assertEquals(List.of("not holding BTC-USD", "trade BTC-USD 2", "quote BTC-USD 96.0", "trade BTC-USD 3"), taken());

    replay.trade(trade(4, YEAR_9999), 0);
    replay.quote(new Quote("BTC-USD", YEAR_9999, 94.0, 106.0), 0);
    replay.trade(trade(4, T + 600_030), 0);
    assertEquals(List.of("holding BTC-USD", "not holding BTC-USD", "dropped BTC-USD future_time",
        "dropped BTC-USD future_time", "trade BTC-USD 4"), taken(), "the bad print and the quote that fitted it");

    replay.quote(new Quote("BTC-USD", T, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY), 0);
    replay.quote(new Quote("BTC-USD", T, 1.0, Math.nextUp(TradeGate.MAX_MAGNITUDE)), 0);
    assertEquals(List.of("dropped BTC-USD non_finite", "dropped BTC-USD non_finite"), taken());
  }

  @Test
  void backfilledTradesFillInBehindTheClockAndMoveNothing() {
    live.trade(trade(1, T), T);
    live.trade(trade(50, T + 10_000), T + 10_000);
    taken();
    assertTrue(live.backfill(trade(20, T + 5_000), T + 10_000));
    assertFalse(live.backfill(trade(21, T + 10_000 + SKEW_MS + 1), T + 10_000));
    assertFalse(live.backfill(new Trade("BTC-USD", T + 5_000, 1e200, 1e200, Side.BUY, 22), T + 10_000));
    assertEquals(List.of("dropped BTC-USD future_time", "dropped BTC-USD non_finite"), taken());
    live.trade(trade(51, T + 11_000), T + 11_000);
    assertEquals(List.of("trade BTC-USD 51"), taken(), "the id sequence and clock are where the feed left them");
  }

  @Test
  void aForgottenProductStartsAfreshAndItsHeldTradeGoesUncounted() {
    live.trade(trade(100, T), T);
    live.trade(trade(200, T + 600_000), T + 600_000);
    live.forget("BTC-USD");
    live.trade(trade(7, T + 700_000), T + 700_000);
    assertEquals(List.of("trade BTC-USD 100", "holding BTC-USD", "not holding BTC-USD", "trade BTC-USD 7"), taken());
  }
}
