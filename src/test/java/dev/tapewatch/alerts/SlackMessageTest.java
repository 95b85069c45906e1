package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    return SlackMessage.of(finding, false).payload().getString("text");
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
        """), SlackMessage.of(f, false).payload());
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
    SlackMessage m = SlackMessage.of(finding("reversal", "BTC-USD", "reversal_up", 2, details), true);
    String block = m.payload().getJsonArray("blocks").getJsonObject(2).getJsonObject("text").getString("text");
    assertEquals(SlackMessage.TEXT_MAX, block.length());
    assertTrue(block.startsWith("```{") && block.endsWith("…```"), block.substring(0, 20));
    assertTrue(block.contains("\"p_up\" : 0.7"));
  }

  private static SlackMessage digestOf(int n, String symbolPrefix) {
    List<SlackMessage> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add(SlackMessage.of(finding("cvd_divergence", symbolPrefix + i, "cvd_divergence_up", 12.5,
          new JsonObject()), false));
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
