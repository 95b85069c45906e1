package dev.tapewatch.alerts;

import dev.tapewatch.agents.LabelSpec;
import dev.tapewatch.agents.LlmAnalystAgent;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What one Chat Completions call came to: a valid analysis, or the kind of failure with a short detail. Tokens are
 * counted whenever the API reports them, since a malformed answer is paid for too.
 *
 * <p>A detail never quotes the API's error message: for a bad key OpenAI echoes part of it.
 */
record ChatReply(LlmAnalysis analysis, String error, String detail, Usage usage) {
  static final String REFUSAL = "refusal";
  static final String MALFORMED = "malformed";
  static final String UNAUTHORIZED = "unauthorized";
  static final String RATE_LIMITED = "rate_limited";
  static final String SERVER_ERROR = "server_error";
  static final String HTTP_ERROR = "http_error";
  static final String TIMEOUT = "timeout";
  static final String UNREACHABLE = "unreachable";
  static final String INTERNAL = "internal";

  private static final List<String> BIASES = LlmAnalystAgent.DESCRIPTOR.labels().stream().map(LabelSpec::label)
      .toList();
  private static final Pattern ERROR_CODE = Pattern.compile("[a-z0-9_]{1,64}");

  record Usage(long prompt, long completion, long total) {
    static final Usage NONE = new Usage(0, 0, 0);

    static Usage of(JsonObject body) {
      JsonObject u = body.getValue("usage") instanceof JsonObject j ? j : new JsonObject();
      return new Usage(count(u, "prompt_tokens"), count(u, "completion_tokens"), count(u, "total_tokens"));
    }

    private static long count(JsonObject u, String key) {
      return u.getValue(key) instanceof Number n ? Math.max(0, n.longValue()) : 0;
    }
  }

  boolean ok() {
    return analysis != null;
  }

  static ChatReply failure(String kind, String detail) {
    return new ChatReply(null, kind, detail, Usage.NONE);
  }

  /** Validates an HTTP answer of {@code POST /chat/completions}. */
  static ChatReply parse(int status, String body) {
    JsonObject json = object(body);
    if (status != 200) {
      return failure(kindOf(status), "HTTP " + status + errorCode(json));
    }
    if (json == null) {
      return failure(MALFORMED, "body is not a JSON object");
    }
    Usage usage = Usage.of(json);
    JsonObject message = firstMessage(json);
    if (message == null) {
      return new ChatReply(null, MALFORMED, "no choices[0].message", usage);
    }
    if (message.getValue("refusal") != null) {
      return new ChatReply(null, REFUSAL, "the model refused", usage);
    }
    String problem;
    JsonObject content = message.getValue("content") instanceof String s ? object(s) : null;
    if (content == null) {
      problem = "content is not a JSON object";
    } else if (!(content.getValue("bias") instanceof String bias) || !BIASES.contains(bias)) {
      problem = "bias is not " + String.join(", ", BIASES.subList(0, BIASES.size() - 1)) + " or "
          + BIASES.get(BIASES.size() - 1);
    } else if (!(content.getValue("confidence") instanceof Number n) || !Double.isFinite(n.doubleValue())
        || n.doubleValue() < 0 || n.doubleValue() > 1) {
      problem = "confidence is not a number in [0, 1]";
    } else if (!(content.getValue("rationale") instanceof String r) || r.isBlank()) {
      problem = "rationale is not a non-empty string";
    } else {
      String rationale = r.strip();
      if (rationale.length() > LlmAnalysis.MAX_RATIONALE) {
        rationale = rationale.substring(0, LlmAnalysis.MAX_RATIONALE);
      }
      return new ChatReply(new LlmAnalysis(bias, n.doubleValue(), rationale), null, null, usage);
    }
    return new ChatReply(null, MALFORMED, problem, usage);
  }

  private static String kindOf(int status) {
    if (status == 401) {
      return UNAUTHORIZED;
    }
    if (status == 429) {
      return RATE_LIMITED;
    }
    return status >= 500 && status <= 599 ? SERVER_ERROR : HTTP_ERROR;
  }

  /** OpenAI's machine-readable code (e.g. insufficient_quota vs a plain rate limit) is safe to show. */
  private static String errorCode(JsonObject json) {
    Object error = json == null ? null : json.getValue("error");
    if (error instanceof JsonObject e && e.getValue("code") instanceof String code
        && ERROR_CODE.matcher(code).matches()) {
      return " " + code;
    }
    return "";
  }

  private static JsonObject firstMessage(JsonObject json) {
    if (json.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
        && choices.getValue(0) instanceof JsonObject choice && choice.getValue("message") instanceof JsonObject m) {
      return m;
    }
    return null;
  }

  private static JsonObject object(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Json.decodeValue(text) instanceof JsonObject o ? o : null;
    } catch (DecodeException e) {
      return null;
    }
  }
}
