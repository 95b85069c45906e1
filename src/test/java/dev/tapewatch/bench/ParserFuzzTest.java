package dev.tapewatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.feed.MalformedReason;
import org.junit.jupiter.api.Test;

/**
 * The parser fuzz, small enough for the suite (the benchmark runs a million lines): nothing violated, and every
 * outcome it is meant to reach reached, so that a generator that stopped producing some kind of line is noticed.
 */
class ParserFuzzTest {

  @Test
  void twentyThousandSeededLinesViolateNothing() {
    ParserFuzz.Result r = ParserFuzz.run(20_000, 15);
    String report = ParserFuzz.report(r);
    assertEquals(0, r.violationCount(), report);
    assertEquals(20_000, r.count("lines"), report);
    assertTrue(r.count("exact_checked") > 6_000, report);
    for (MalformedReason reason : MalformedReason.values()) {
      assertTrue(r.count("malformed:" + reason.key()) + r.count("gate:dropped:" + reason.key()) > 0,
          reason.key() + " reached: " + report);
    }
    for (String outcome : new String[] {"parsed:trade", "parsed:ticker", "parsed:heartbeat", "parsed:ignored",
        "parsed:bookmessage", "book:applied", "book:resync",
        "parsed:subscriptions", "parsed:servererror", "rest_bodies", "gate:trade", "gate:quote", "gate:gap",
        "gate:duplicate", "gate:held", "gate:dropped:future_time", "gate:dropped:trade_id_jump",
        "gate:dropped:non_finite"}) {
      assertTrue(r.count(outcome) > 0, outcome + " reached: " + report);
    }
  }
}
