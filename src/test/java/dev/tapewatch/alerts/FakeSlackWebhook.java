package dev.tapewatch.alerts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Slack incoming webhook on a random loopback port, answering as Slack does: 200 "ok", 429 with Retry-After, 500,
 * 404 "no_service". Each request takes the next scripted reply (200 "ok" once the script is used up); a slow reply
 * answers 200 only after a delay, later than the client waits. Every request is recorded with its body and arrival
 * time, readable from any thread.
 */
final class FakeSlackWebhook {
  static final String SECRET_PATH = "/services/T0000SECRET/B0000SECRET/xoxSECRETtoken";

  /** A scripted answer. {@code delivered} says whether Slack would have posted the message. */
  record Reply(int status, String body, String retryAfter, long delayMs) {
    static final Reply OK = new Reply(200, "ok", null, 0);
    static final Reply SERVER_ERROR = new Reply(500, "internal_error", null, 0);
    static final Reply NO_SERVICE = new Reply(404, "no_service", null, 0);

    static Reply tooMany(int retryAfterSec) {
      return new Reply(429, "rate_limited", String.valueOf(retryAfterSec), 0);
    }

    static Reply slow(long delayMs) {
      return new Reply(200, "ok", null, delayMs);
    }

    /** A slow reply comes after the client gave up, so the test does not count it as delivered. */
    boolean delivered() {
      return status == 200 && delayMs == 0;
    }
  }

  record Arrival(long atMs, String path, JsonObject body, Reply reply) {
  }

  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  private final Vertx vertx;
  private HttpServer server;

  private FakeSlackWebhook(Vertx vertx) {
    this.vertx = vertx;
  }

  static Future<FakeSlackWebhook> start(Vertx vertx) {
    FakeSlackWebhook fake = new FakeSlackWebhook(vertx);
    return vertx.createHttpServer().requestHandler(fake::handle).listen(0, "127.0.0.1")
        .map(s -> {
          fake.server = s;
          return fake;
        });
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + SECRET_PATH;
  }

  FakeSlackWebhook script(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  List<Arrival> delivered() {
    return arrivals.stream().filter(a -> a.reply().delivered()).toList();
  }

  private void handle(HttpServerRequest req) {
    long at = System.currentTimeMillis();
    req.body().onSuccess(buf -> {
      Reply reply = script.poll();
      Reply r = reply == null ? Reply.OK : reply;
      arrivals.add(new Arrival(at, req.path(), buf.toJsonObject(), r));
      if (r.delayMs() > 0) {
        vertx.setTimer(r.delayMs(), id -> answer(req, r));
      } else {
        answer(req, r);
      }
    });
  }

  private static void answer(HttpServerRequest req, Reply r) {
    // After a slow reply the client has usually closed the connection: that is the point, not an error.
    if (req.response().closed()) {
      return;
    }
    if (r.retryAfter() != null) {
      req.response().putHeader("Retry-After", r.retryAfter());
    }
    req.response().setStatusCode(r.status()).putHeader("Content-Type", "text/html").end(r.body());
  }
}
