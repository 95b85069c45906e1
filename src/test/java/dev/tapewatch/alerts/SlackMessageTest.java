package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ScorecardRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackMessageTest {
  private static JsonObject finding(String agent, String symbol, String label, double score, JsonObject details) {
    return new JsonObject().put("id", "0b6f4c52-3f0e-4a57-9d4c-7a1e2f3b4c5d").put("ts_utc", "2025-05-01T12:00:00.000Z")
        .put("agent", agent).put("symbol", symbol).put("score", score).put("label", label).put("details", details);
  }

  private static String text(JsonObject finding) {
    return SlackMessage.of(finding, false, TrackRecord.NONE).payload().getString("text");
  }

  @Test
  void anRvolSpikeIsOneReadableLinePlusSectionAndContextBlocks() {
    JsonObject f = finding("rvol_spike", "BTC-USD", "rvol_spike", 3.5234, new JsonObject().put("rvol", 3.5234)
        .put("volume_5m", 41.7).put("best_bid", 95012.01).put("best_ask", 95012.02));
    assertEquals(new JsonObject("""
        {"text": "BTC-USD rvol_spike score 3.52 at 95012.015: 5m volume 3.52× its recent average",
         "blocks": [
           {"type": "section", "text": {"type": "mrkdwn",
             "text": "*BTC-USD* rvol_spike · score *3.52* · price 95012.015\\n5m volume 3.52× its recent average"}},
           {"type": "context", "elements": [{"type": "mrkdwn",
             "text": "2025-05-01T12:00:00.000Z · rvol_spike · id 0b6f4c52-3f0e-4a57-9d4c-7a1e2f3b4c5d"}]}]}
        """), SlackMessage.of(f, false, TrackRecord.NONE).payload());
  }

  @Test
  void thePriceIsThePriceThenTheLastPriceThenTheMidAndOtherwiseLeftOut() {
    JsonObject all = new JsonObject().put("price", 1.5).put("last_price", 2.0).put("best_bid", 3.0)
        .put("best_ask", 4.0);
    assertEquals("1.5", SlackMessage.price(all));
    all.remove("price");
    assertEquals("2", SlackMessage.price(all));
    all.remove("last_price");
    assertEquals("3.5", SlackMessage.price(all));
    all.remove("best_ask");
    assertEquals(null, SlackMessage.price(all));
    assertEquals("0.45123457", SlackMessage.price(new JsonObject().put("price", 0.451234567)));
    assertEquals("ADA-USD wide_spread (liquidity) score 31.2: spread 31.2 bps",
        text(finding("liquidity", "ADA-USD", "wide_spread", 31.2, new JsonObject())));
  }

  @Test
  void eachLabelHasItsReason() {
    assertEquals("ETH-USD stale_tape (liquidity) score 184 at 3401.5: no trade for 184 s",
        text(finding("liquidity", "ETH-USD", "stale_tape", 184.0, new JsonObject().put("last_price", 3401.5))));
    assertEquals("BTC-USD new_trend_down (new_trend) score 1.8 at 94000: price broke below the 15m VWAP with 5m and "
        + "15m momentum down", text(finding("new_trend", "BTC-USD", "new_trend_down", 1.8,
        new JsonObject().put("price", 94000))));
    assertEquals("BTC-USD exit_long (trend_score) score 0.31 at 95100: trend score turned flat (p_up 0.31)",
        text(finding("trend_score", "BTC-USD", "exit_long", 0.31, new JsonObject().put("status", "flat")
            .put("qty", 0).put("price", 95100).put("last_action", "exit_long").put("last_conf", 0.31))));
    assertEquals("BTC-USD macro_move (macro_watch) score 2.4: unusual volume inside a macro window",
        text(finding("macro_watch", "BTC-USD", "macro_move", 2.4, new JsonObject())));
    assertEquals("BTC-USD odd_label (some_agent) score 1: odd_label",
        text(finding("some_agent", "BTC-USD", "odd_label", 1, new JsonObject())));
  }

  @Test
  void anAnalysisShowsTheFirstLineOfItsRationaleEscapedForSlack() {
    JsonObject f = finding("llm_analyst", "BTC-USD", "short", 0.82, new JsonObject()
        .put("rationale", "Flow <@here> & momentum turned.\nSecond line.").put("model", "gpt-4o-mini"));
    assertEquals("BTC-USD short (llm_analyst) score 0.82: LLM says short: Flow &lt;@here&gt; &amp; momentum turned.",
        text(f));
    f.getJsonObject("details").put("rationale", "r".repeat(5000));
    assertTrue(text(f).length() < 400, "the rationale is cut to one short line");
  }

  @Test
  void verboseDetailsStayUnderSlacksSectionLimit() {
    JsonObject details = new JsonObject().put("p_up", 0.7).put("features", "x".repeat(10_000));
    SlackMessage m = SlackMessage.of(finding("reversal", "BTC-USD", "reversal_up", 2, details), true,
        TrackRecord.NONE);
    String block = m.payload().getJsonArray("blocks").getJsonObject(2).getJsonObject("text").getString("text");
    assertEquals(SlackMessage.TEXT_MAX, block.length());
    assertTrue(block.startsWith("```{") && block.endsWith("…```"), block.substring(0, 20));
    assertTrue(block.contains("\"p_up\" : 0.7"));
  }

  /** A {@code *} row with only what the track record reads made to matter: n, hits, hit rate, mean and edge. */
  static JsonObject row(String agent, String label, String horizon, int n, int hits, Double hitRate, double mean,
      Double edge) {
    return ScorecardRow.of("*", agent, label, horizon, n, hits, hitRate, null, mean, null, mean, 0, null, null, edge);
  }

  @Test
  void theTrackRecordOfTheLabelAtTheHorizonNearest15mEndsTheTextAndTheSection() {
    TrackRecord record = new TrackRecord(new JsonArray()
        .add(row("new_trend", "new_trend_up", "1m", 130, 70, 70 / 130.0, 1.2, 0.3))
        .add(row("new_trend", "new_trend_up", "5m", 112, 65, 65 / 112.0, 3.9, 4.1234))
        .add(row("new_trend", "new_trend_up", "60m", 90, 30, 30 / 90.0, -8.0, -9.96))
        .add(row("new_trend", "new_trend_down", "15m", 50, 40, 0.8, -20.0, 19.0))
        .add(row("reversal", "new_trend_up", "15m", 50, 40, 0.8, 20.0, 19.0)));
    JsonObject f = finding("new_trend", "BTC-USD", "new_trend_up", 1.8, new JsonObject().put("price", 94000));
    assertEquals(new JsonObject("""
        {"text": "BTC-USD new_trend_up (new_trend) score 1.8 at 94000: price broke above the 15m VWAP with 5m and 15m \
        momentum up; track record: 58% right at 5m over 112, +4.1 bps edge",
         "blocks": [
           {"type": "section", "text": {"type": "mrkdwn",
             "text": "*BTC-USD* new_trend_up (new_trend) · score *1.8* · price 94000\\nprice broke above the 15m VWAP \
        with 5m and 15m momentum up\\ntrack record: 58% right at 5m over 112, +4.1 bps edge"}},
           {"type": "context", "elements": [{"type": "mrkdwn",
             "text": "2025-05-01T12:00:00.000Z · new_trend · id 0b6f4c52-3f0e-4a57-9d4c-7a1e2f3b4c5d"}]}]}
        """), SlackMessage.of(f, false, record).payload());
  }

  @Test
  void aLabelWithoutDirectionShowsItsMeanReturnAndARowWithoutBaselineNoEdge() {
    TrackRecord record = new TrackRecord(new JsonArray()
        .add(row("rvol_spike", "rvol_spike", "5m", 40, 0, null, -2.34, null))
        .add(row("rvol_spike", "rvol_spike", "15m", 38, 0, null, 12.06, null))
        .add(row("new_trend", "new_trend_down", "15m", 7, 3, 3 / 7.0, -1.0, null)));
    assertEquals("BTC-USD rvol_spike score 3.5: 5m volume 3.5× its recent average; track record: mean +12.1 bps at "
        + "15m over 38", SlackMessage.of(finding("rvol_spike", "BTC-USD", "rvol_spike", 3.5,
        new JsonObject().put("rvol", 3.5)), false, record).payload().getString("text"));
    assertEquals("ETH-USD new_trend_down (new_trend) score 1.2: price broke below the 15m VWAP with 5m and 15m "
        + "momentum down; track record: 43% right at 15m over 7", SlackMessage.of(finding("new_trend", "ETH-USD",
        "new_trend_down", 1.2, new JsonObject()), false, record).payload().getString("text"));
    assertEquals("ETH-USD exit_long (trend_score) score 0.3: trend score turned flat (p_up 0.3)",
        SlackMessage.of(finding("trend_score", "ETH-USD", "exit_long", 0.3, new JsonObject()), false, record)
            .payload().getString("text"), "a label without a row yet has no track record line");
  }

  private static SlackMessage digestOf(int n, String symbolPrefix) {
    List<SlackMessage> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add(SlackMessage.of(finding("cvd_divergence", symbolPrefix + i, "cvd_divergence_up", 12.5,
          new JsonObject()), false, TrackRecord.NONE));
    }
    return SlackMessage.digest(parts);
  }

  private static String section(SlackMessage m) {
    return m.payload().getJsonArray("blocks").getJsonObject(0).getJsonObject("text").getString("text");
  }

  @Test
  void aDigestListsItsAlertsUpToItsLineLimit() {
    SlackMessage d = digestOf(120, "S");
    assertEquals(120, d.alerts());
    assertEquals(SlackMessage.DIGEST_LINES_MAX, d.lines().size());
    assertTrue(d.payload().getString("text")
        .startsWith("120 alerts: S0 cvd_divergence_up 12.5 (cvd_divergence); S1 cvd_divergence_up"));
    assertTrue(section(d).startsWith("*120 alerts*"));
    assertTrue(section(d).endsWith("\n• S49 cvd_divergence_up 12.5 (cvd_divergence)\n…and 70 more"), section(d));
  }

  @Test
  void aDigestStaysUnderSlacksSizeLimits() {
    SlackMessage d = digestOf(120, "A-VERY-LONG-SYMBOL-NAME-");
    assertTrue(d.payload().getString("text").length() <= SlackMessage.TEXT_MAX);
    assertTrue(section(d).length() <= SlackMessage.TEXT_MAX);
    int listed = section(d).split("\n• ").length - 1;
    assertTrue(listed < SlackMessage.DIGEST_LINES_MAX);
    assertTrue(section(d).endsWith("\n…and " + (120 - listed) + " more"), section(d));
  }
}
