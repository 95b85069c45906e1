package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code liquidity}: {@code wide_spread} when (ask − bid) / mid ≥ LIQ_SPREAD_BPS (score = spread in bps);
 * {@code stale_tape} when the feed is connected and the last trade is LIQ_STALE_SEC or more old (score = its age in
 * seconds). A symbol that has not traded at all is not judged stale: there is no tape yet to go stale.
 */
public final class LiquidityAgent extends CooldownAgent {
  public static final String NAME = "liquidity";
  private final double maxSpreadBps;
  private final long staleMs;

  public LiquidityAgent(double maxSpreadBps, long staleSec, long cooldownSec) {
    super(NAME, cooldownSec);
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
        hits.add(new Hit("wide_spread", spreadBps, new JsonObject()
            .put("spread_bps", spreadBps).put("best_bid", m.bid()).put("best_ask", m.ask())));
      }
    }
    if (input.feedConnected() && m.lastTradeMs() != null && input.nowMs() - m.lastTradeMs() >= staleMs) {
      double ageS = (input.nowMs() - m.lastTradeMs()) / 1000.0;
      hits.add(new Hit("stale_tape", ageS, new JsonObject()
          .put("last_trade_age_s", ageS).put("last_price", m.lastPrice())));
    }
    return hits;
  }
}
