package dev.tapewatch.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every error a client gets: {@code {"error": message}} with its status, never a stack trace or a class name. */
final class JsonErrors {
  private JsonErrors() {
  }

  /** Answers the routed request with the error, unless it has been answered already. */
  static void send(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body(message));
  }

  /**
   * Answers a request that will not be read to its end (Netty could not decode it, or its body is refused) and closes
   * the connection. Vert.x counts a request as active until it has been both read to its end and answered: ended the
   * usual way, such an answer would leave the request in {@code vertx_http_server_active_requests} for good. Written
   * whole (framed by its Content-Length) but not ended, and then closed, it is counted as a reset instead.
   */
  static void refuse(HttpServerRequest request, int status, String message) {
    Buffer body = body(message);
    HttpServerResponse r = request.response();
    SecurityHeaders.add(r);
    r.setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Content-Length", Integer.toString(body.length())).putHeader("Connection", "close");
    r.write(body).onComplete(written -> request.connection().close());
  }

  private static Buffer body(String message) {
    return new JsonObject().put("error", message).toBuffer();
  }
}
