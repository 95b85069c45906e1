package dev.tapewatch.alerts;

import dev.tapewatch.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.concurrent.TimeoutException;

/** {@code POST {baseUrl}/chat/completions} with a bearer key; every outcome, failures included, is a ChatReply. */
final class ChatCompletionsClient {
  private final WebClient client;
  private final String url;
  private final Secret apiKey;
  private final long timeoutMs;

  ChatCompletionsClient(Vertx vertx, URI baseUrl, Secret apiKey, long timeoutMs) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("tapewatch")
        .setConnectTimeout((int) timeoutMs));
    String base = baseUrl.toString();
    this.url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/chat/completions";
    this.apiKey = apiKey;
    this.timeoutMs = timeoutMs;
  }

  /** Never fails. */
  Future<ChatReply> complete(JsonObject body) {
    return client.postAbs(url)
        .bearerTokenAuthentication(apiKey.reveal())
        .timeout(timeoutMs)
        .sendJsonObject(body)
        .map(r -> ChatReply.parse(r.statusCode(), r.bodyAsString()))
        .otherwise(e -> e instanceof TimeoutException
            ? ChatReply.failure(ChatReply.TIMEOUT, "no answer within " + timeoutMs + " ms")
            : ChatReply.failure(ChatReply.UNREACHABLE, String.valueOf(e.getMessage())));
  }

  void close() {
    client.close();
  }
}
