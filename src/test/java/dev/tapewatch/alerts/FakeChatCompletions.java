package dev.tapewatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The OpenAI Chat Completions endpoint on a loopback port: {@code POST /v1/chat/completions} answers with the API's
 * shapes (a {@code chat.completion} object, or {@code {error: {message, type, param, code}}}). Replies are scripted in
 * order; once the script is used up every request gets a good answer. Every request is recorded.
 */
final class FakeChatCompletions {
  static final int PROMPT_TOKENS = 812;
  static final int COMPLETION_TOKENS = 64;

  /** One scripted answer: HTTP status, body, and how long to wait before sending it. */
  record Reply(int status, JsonObject body, long delayMs) {
    static Reply good(String bias, double confidence, String rationale) {
      return content(new JsonObject().put("bias", bias).put("confidence", confidence).put("rationale", rationale)
          .encode());
    }

    /** A 200 whose message content is {@code content} verbatim. */
    static Reply content(String content) {
      return new Reply(200, completion(content, null), 0);
    }

    static Reply refusal(String refusal) {
      return new Reply(200, completion(null, refusal), 0);
    }

    /** An error status with OpenAI's error body; the 401 message echoes part of the key, as the real one does. */
    static Reply error(int status) {
      JsonObject error = switch (status) {
        case 401 -> apiError("Incorrect API key provided: sk-test-****cret. You can find your API key at "
            + "https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key");
        case 429 -> apiError("Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.",
            "requests", "rate_limit_exceeded");
        default -> apiError("The server had an error while processing your request.", "server_error", null);
      };
      return new Reply(status, error, 0);
    }

    Reply delayed(long ms) {
      return new Reply(status, body, ms);
    }

    private static JsonObject apiError(String message, String type, String code) {
      return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
          .putNull("param").put("code", code));
    }

    private static JsonObject completion(String content, String refusal) {
      return new JsonObject()
          .put("id", "chatcmpl-fake")
          .put("object", "chat.completion")
          .put("created", System.currentTimeMillis() / 1000)
          .put("model", "gpt-4o-mini-2024-07-18")
          .put("choices", new JsonArray().add(new JsonObject()
              .put("index", 0)
              .put("message", new JsonObject().put("role", "assistant").put("content", content)
                  .put("refusal", refusal))
              .putNull("logprobs")
              .put("finish_reason", "stop")))
          .put("usage", new JsonObject().put("prompt_tokens", PROMPT_TOKENS)
              .put("completion_tokens", COMPLETION_TOKENS).put("total_tokens", PROMPT_TOKENS + COMPLETION_TOKENS))
          .put("system_fingerprint", "fp_fake");
    }
  }

  /** One request as received. */
  record Recorded(String method, String path, MultiMap headers, JsonObject body) {
  }

  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Vertx vertx;
  private HttpServer server;

  private FakeChatCompletions(Vertx vertx) {
    this.vertx = vertx;
  }

  static Future<FakeChatCompletions> start(Vertx vertx) {
    FakeChatCompletions fake = new FakeChatCompletions(vertx);
    return vertx.createHttpServer().requestHandler(fake::handle).listen(0, "127.0.0.1")
        .map(s -> {
          fake.server = s;
          return fake;
        });
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  FakeChatCompletions then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  List<Recorded> requests() {
    return requests;
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buf -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
      requests.add(new Recorded(req.method().name(), req.path(), headers, buf.length() == 0 ? null
          : buf.toJsonObject()));
      if (!"POST".equals(req.method().name()) || !"/v1/chat/completions".equals(req.path())) {
        req.response().setStatusCode(404).end();
        return;
      }
      Reply reply = script.poll();
      Reply r = reply == null ? Reply.good("long", 0.8, "Momentum and flow agree upward.") : reply;
      Runnable send = () -> {
        if (!req.response().closed()) {
          req.response().setStatusCode(r.status()).putHeader("content-type", "application/json")
              .end(r.body().encode());
        }
      };
      if (r.delayMs() > 0) {
        vertx.setTimer(r.delayMs(), id -> send.run());
      } else {
        send.run();
      }
    });
  }
}
