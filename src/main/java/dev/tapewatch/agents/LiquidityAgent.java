package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.agents.LabelSpec.Direction;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code liquidity}: {@code wide_spread} when (ask − bid) / mid ≥ LIQ_SPREAD_BPS (score = spread in bps);
 * {@code stale_tape} when the feed is connected and the last trade is LIQ_STALE_SEC or more old (score = its age in
 * seconds). A symbol that has not traded at all is not judged stale: there is no tape yet to go stale.
 */
public final class LiquidityAgent extends CooldownAgent {
  private static final LabelSpec WIDE_SPREAD = LabelSpec.signal("wide_spread", Direction.NONE,
      "bid-ask spread at or above LIQ_SPREAD_BPS; score = spread in bps",
      (score, d) -> "spread " + LabelSpec.number(score) + " bps");
  private static final LabelSpec STALE_TAPE = LabelSpec.signal("stale_tape", Direction.NONE,
      "no trade for LIQ_STALE_SEC while the feed is connected; score = age in seconds",
      (score, d) -> "no trade for " + LabelSpec.number(score) + " s");
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor("liquidity",
      "a wide spread or a tape gone quiet", List.of(WIDE_SPREAD, STALE_TAPE),
      "LIQ_INTERVAL_SEC", "FEATURE_LIQUIDITY", 0.0, false, false);
  private final double maxSpreadBps;
  private final long staleMs;

  public LiquidityAgent(double maxSpreadBps, long staleSec, long cooldownSec) {
    super(DESCRIPTOR, cooldownSec);
    this.maxSpreadBps = maxSpreadBps;
    this.staleMs = staleSec * 1000;
  }

  @Override
  List<Hit> check(AgentInput input) {
    MarketSnapshot m = input.market();
    List<Hit> hits = new ArrayList<>();
    if (m.bid() != null && m.ask() != null) {
      double spreadBps = (m.ask() - m.bid()) / ((m.ask() + m.bid()) / 2) * 1e4;
      if (spreadBps >= maxSpreadBps) {
        hits.add(new Hit(WIDE_SPREAD.label(), spreadBps, new JsonObject()
            .put("spread_bps", spreadBps).put("best_bid", m.bid()).put("best_ask", m.ask())));
      }
    }
    if (input.feedConnected() && m.lastTradeMs() != null && input.nowMs() - m.lastTradeMs() >= staleMs) {
      double ageS = (input.nowMs() - m.lastTradeMs()) / 1000.0;
      hits.add(new Hit(STALE_TAPE.label(), ageS, new JsonObject()
          .put("last_trade_age_s", ageS).put("last_price", m.lastPrice())));
    }
    return hits;
  }
}
