package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.alerts.SlackOutcome.Kind;
import org.junit.jupiter.api.Test;

class SlackOutcomeTest {
  @Test
  void slacksAnswersMapToWhatToDoNext() {
    assertEquals(Kind.DELIVERED, SlackOutcome.of(200, null, "ok").kind());
    assertEquals(new SlackOutcome(Kind.RATE_LIMITED, 30_000, "webhook answered 429 rate_limited"),
        SlackOutcome.of(429, "30", "rate_limited"));
    assertEquals(Kind.RETRY, SlackOutcome.of(500, null, "").kind());
    assertEquals(Kind.RETRY, SlackOutcome.of(503, null, null).kind());
    assertEquals(new SlackOutcome(Kind.CONFIG_ERROR, 0, "webhook answered 404 no_service"),
        SlackOutcome.of(404, null, "no_service"));
    assertEquals(Kind.CONFIG_ERROR, SlackOutcome.of(403, null, "invalid_token").kind());
    assertEquals(Kind.CONFIG_ERROR, SlackOutcome.of(400, null, "invalid_payload").kind());
    assertEquals(Kind.CONFIG_ERROR, SlackOutcome.of(410, null, "channel_is_archived").kind());
  }

  @Test
  void retryAfterDefaultsToOneSecond() {
    assertEquals(1000, SlackOutcome.retryAfterMs(null));
    assertEquals(1000, SlackOutcome.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"));
    assertEquals(1000, SlackOutcome.retryAfterMs("-3"));
    assertEquals(0, SlackOutcome.retryAfterMs("0"));
    assertEquals(2500, SlackOutcome.retryAfterMs(" 2.5 "));
  }

  @Test
  void aLongErrorBodyIsCutToOneShortLine() {
    String error = SlackOutcome.of(400, null, "invalid_blocks\n" + "x".repeat(1000)).error();
    assertEquals("webhook answered 400 invalid_blocks", error);
    assertEquals(200 + "webhook answered 400 ".length() + 1, SlackOutcome.of(400, null, "y".repeat(500)).error()
        .length());
  }
}
