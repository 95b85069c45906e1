package dev.tapewatch.agents;

import dev.tapewatch.market.MarketSnapshot;

/** One evaluation's input: the symbol's market snapshot, the clock, and whether the feed is connected. */
public record AgentInput(MarketSnapshot market, long nowMs, boolean feedConnected) {
}
