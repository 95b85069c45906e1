package dev.tapewatch.http;

import dev.tapewatch.config.WebOrigin;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which sites' pages may call the service. A browser names the page's origin in an Origin header on every
 * cross-site request that is not a plain GET; a request that can change something (any method but GET, HEAD and
 * OPTIONS) from an origin that is neither the service's own nor in ALLOWED_ORIGINS is refused with 403, token or
 * not, so that a page elsewhere cannot make its visitor's browser run the agents. The allowed origins get CORS
 * answers, preflight included; for every other origin CORS stays off.
 */
final class OriginPolicy implements Handler<RoutingContext> {
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final List<WebOrigin> allowed;
  private final CorsHandler cors;

  OriginPolicy(List<WebOrigin> allowed) {
    this.allowed = allowed;
    this.cors = CorsHandler.create().addOrigins(allowed.stream().map(WebOrigin::toString).toList())
        .allowedMethod(HttpMethod.GET).allowedMethod(HttpMethod.POST).allowedHeader("Authorization")
        .exposedHeader("Retry-After").maxAgeSeconds(600);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String header = request.getHeader(HttpHeaders.ORIGIN);
    if (header == null) {
      ctx.next();
      return;
    }
    Optional<WebOrigin> origin = WebOrigin.parse(header);
    HostAndPort host = request.authority();
    if (origin.isPresent() && host != null && origin.get().hosts(host.host(), host.port())) {
      ctx.next();
    } else if (origin.isPresent() && allowed.contains(origin.get())) {
      cors.handle(ctx);
    } else if (SAFE.contains(request.method())) {
      ctx.next();
    } else {
      JsonErrors.send(ctx, 403, "cross-site request refused: the page's origin is neither this service nor one of"
          + " ALLOWED_ORIGINS");
    }
  }
}
