package dev.tapewatch.config;

import dev.tapewatch.Main;
import dev.tapewatch.agents.AgentCatalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MacroWindowTest {
  static final long HALF = 10 * 60_000L;

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void aDailyWindowContainsTimesWithinItsHalfWidthOfAnyDay() {
    MacroWindow w = MacroWindow.parse("13:30");
    assertEquals(OptionalLong.of(ms("2026-11-24T13:30:00Z")), w.centreAround(ms("2026-11-24T13:20:00Z"), HALF));
    assertEquals(OptionalLong.of(ms("2026-11-24T13:30:00Z")), w.centreAround(ms("2026-11-24T13:40:00Z"), HALF));
    assertEquals(OptionalLong.empty(), w.centreAround(ms("2026-11-24T13:40:00.001Z"), HALF));
    assertEquals(OptionalLong.empty(), w.centreAround(ms("2026-11-24T13:19:59.999Z"), HALF));
  }

  @Test
  void aDailyWindowAroundMidnightBelongsToTheRightDay() {
    MacroWindow w = MacroWindow.parse("00:05");
    assertEquals(OptionalLong.of(ms("2026-11-25T00:05:00Z")), w.centreAround(ms("2026-11-24T23:58:00Z"), HALF));
    MacroWindow late = MacroWindow.parse("23:55");
    assertEquals(OptionalLong.of(ms("2026-11-24T23:55:00Z")), late.centreAround(ms("2026-11-25T00:02:00Z"), HALF));
  }

  @Test
  void nextCentreIsTheCurrentOrTheComingOccurrence() {
    MacroWindow w = MacroWindow.parse("13:30");
    assertEquals(OptionalLong.of(ms("2026-11-24T13:30:00Z")), w.nextCentre(ms("2026-11-24T13:39:00Z"), HALF));
    assertEquals(OptionalLong.of(ms("2026-11-25T13:30:00Z")), w.nextCentre(ms("2026-11-24T13:41:00Z"), HALF));
    MacroWindow cpi = MacroWindow.parse("2026-12-10T13:30:00Z");
    assertEquals(OptionalLong.of(ms("2026-12-10T13:30:00Z")), cpi.nextCentre(ms("2026-11-24T00:00:00Z"), HALF));
    assertEquals(OptionalLong.empty(), cpi.nextCentre(ms("2026-12-10T13:40:00.001Z"), HALF));
    assertEquals(OptionalLong.of(ms("2026-12-10T13:30:00Z")), cpi.centreAround(ms("2026-12-10T13:21:00Z"), HALF));
  }

  @Test
  void aBadEntryStopsStartUpNamingIt() {
    for (String bad : new String[] {"25:00", "13:3", "1330", "tomorrow", "2026-12-10 13:30"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> TapewatchConfig.load(Map.of("MACRO_WINDOWS", "13:30," + bad)));
      assertEquals("MACRO_WINDOWS", e.variable());
      assertTrue(e.getMessage().startsWith("MACRO_WINDOWS=entry '" + bad + "' is invalid: expected"), e.getMessage());
    }
  }

  @Test
  void alertAndLlmSettingsAreCheckedAtStart() {
    ConfigException noKey = assertThrows(ConfigException.class, () -> TapewatchConfig.load(Map.of("LLM_ENABLE",
        "true")));
    assertEquals("OPENAI_API_KEY", noKey.variable());
    ConfigException badScores = assertThrows(ConfigException.class, () -> Main.configuration(Map.of(
        "ALERT_MIN_SCORES", "rvol_spike=3,bogus=1")));
    assertEquals("ALERT_MIN_SCORES", badScores.variable());
    assertEquals("ALERT_MIN_SCORES='rvol_spike=3,bogus=1' is invalid: expected comma list of key=<number ≥ 0> with"
        + " keys from rvol_spike,cvd_divergence,new_trend,reversal,liquidity,macro_watch,book_imbalance, each at most"
        + " once",
        badScores.getMessage());
    TapewatchConfig c = Main.configuration(Map.of("ALERT_WEBHOOK_URL",
        "https://hooks.slack.com/services/T0/B0/secretpart", "ALERT_MIN_SCORES", "reversal=2"));
    assertEquals(Map.of("reversal", 2.0), c.alerts().minScoreOverrides());
    assertEquals(Map.of("rvol_spike", 3.0, "cvd_divergence", 10.0, "new_trend", 1.0, "reversal", 2.0,
        "liquidity", 0.0, "macro_watch", 0.0, "book_imbalance", 0.0), AgentCatalog.alertMinScores(c.alerts()),
        "each agent's own floor, the variable's entry over it");
    assertEquals("https://hooks.slack.com/…", c.alerts().redactedWebhook().orElseThrow());
    assertEquals("https://api.openai.com/v1", c.llm().baseUrl().toString());
  }
}
