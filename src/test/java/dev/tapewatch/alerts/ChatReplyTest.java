package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.alerts.FakeChatCompletions.Reply;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Reply validation on the bodies the fake server sends, without a server. */
class ChatReplyTest {

  private static ChatReply parse(Reply r) {
    return ChatReply.parse(r.status(), r.body().encode());
  }

  private static void assertMalformed(String content, String why) {
    ChatReply r = parse(Reply.content(content));
    assertFalse(r.ok(), why);
    assertEquals(ChatReply.MALFORMED, r.error(), why);
    // The call was paid for, so its tokens still count.
    assertEquals(FakeChatCompletions.PROMPT_TOKENS, r.usage().prompt(), why);
  }

  @Test
  void aValidAnswerBecomesAnAnalysisWithItsTokens() {
    ChatReply r = parse(Reply.good("short", 0.73, "  Flow turned negative.  "));
    assertTrue(r.ok());
    assertEquals(new LlmAnalysis("short", 0.73, "Flow turned negative."), r.analysis());
    assertEquals(new ChatReply.Usage(FakeChatCompletions.PROMPT_TOKENS, FakeChatCompletions.COMPLETION_TOKENS,
        FakeChatCompletions.PROMPT_TOKENS + FakeChatCompletions.COMPLETION_TOKENS), r.usage());
    assertNull(r.error());
  }

  @Test
  void confidenceBoundsAreInclusive() {
    assertEquals(0.0, parse(Reply.good("flat", 0, "Nothing to see.")).analysis().confidence());
    assertEquals(1.0, parse(Reply.good("long", 1, "Everything agrees.")).analysis().confidence());
  }

  @Test
  void aLongRationaleIsCut() {
    ChatReply r = parse(Reply.good("long", 0.9, "x".repeat(5000)));
    assertEquals(LlmAnalysis.MAX_RATIONALE, r.analysis().rationale().length());
  }

  @Test
  void contentThatBreaksTheContractIsMalformed() {
    assertMalformed("The market looks bullish.", "not JSON");
    assertMalformed("[\"long\", 0.8]", "a JSON array");
    assertMalformed("{\"bias\":\"up\",\"confidence\":0.8,\"rationale\":\"r\"}", "unknown bias");
    assertMalformed("{\"bias\":\"LONG\",\"confidence\":0.8,\"rationale\":\"r\"}", "bias in capitals");
    assertMalformed("{\"bias\":\"long\",\"confidence\":1.5,\"rationale\":\"r\"}", "confidence above 1");
    assertMalformed("{\"bias\":\"long\",\"confidence\":-0.1,\"rationale\":\"r\"}", "confidence below 0");
    assertMalformed("{\"bias\":\"long\",\"confidence\":\"0.8\",\"rationale\":\"r\"}", "confidence as text");
    assertMalformed("{\"bias\":\"long\",\"confidence\":0.8}", "no rationale");
    assertMalformed("{\"bias\":\"long\",\"confidence\":0.8,\"rationale\":\"  \"}", "blank rationale");
    assertMalformed("{\"bias\":\"long\",\"confidence\":0.8,\"rationale\":7}", "rationale not text");
  }

  @Test
  void aBodyWithoutAMessageIsMalformed() {
    assertEquals(ChatReply.MALFORMED, ChatReply.parse(200, "<html>gateway</html>").error());
    assertEquals(ChatReply.MALFORMED, ChatReply.parse(200, "{\"choices\":[]}").error());
    assertEquals(ChatReply.MALFORMED, ChatReply.parse(200, "{\"choices\":[{\"message\":null}]}").error());
    assertEquals(ChatReply.MALFORMED, ChatReply.parse(200, "{\"choices\":[{\"message\":{\"content\":null}}]}")
        .error());
  }

  @Test
  void aRefusalIsNotAnAnalysis() {
    ChatReply r = parse(Reply.refusal("I can't help with trading decisions."));
    assertEquals(ChatReply.REFUSAL, r.error());
    assertFalse(r.ok());
  }

  @Test
  void errorStatusesHaveTheirKindAndNeverQuoteTheMessage() {
    ChatReply unauthorized = parse(Reply.error(401));
    assertEquals(ChatReply.UNAUTHORIZED, unauthorized.error());
    assertEquals("HTTP 401 invalid_api_key", unauthorized.detail());
    assertEquals(ChatReply.RATE_LIMITED, parse(Reply.error(429)).error());
    assertEquals("HTTP 429 rate_limit_exceeded", parse(Reply.error(429)).detail());
    assertEquals(ChatReply.SERVER_ERROR, parse(Reply.error(500)).error());
    assertEquals(ChatReply.SERVER_ERROR, ChatReply.parse(503, "upstream connect error").error());
    assertEquals(ChatReply.HTTP_ERROR, ChatReply.parse(404, "").error());
    // A 4xx other than 401/429 is not retried by anyone, but still must not look like a rate limit.
    assertEquals("HTTP 400", ChatReply.parse(400, new JsonObject().put("error",
        new JsonObject().put("code", "Not A Code!")).encode()).detail());
  }
}
