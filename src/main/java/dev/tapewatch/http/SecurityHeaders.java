package dev.tapewatch.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.Arrays;

/**
 * The headers every answer carries, errors included, so that a browser neither guesses a type, nor frames the
 * dashboard in another site, nor tells other sites where its user came from, nor runs a script the service did not
 * serve as a file.
 */
final class SecurityHeaders {
  /**
   * The dashboard's scripts (its modules and the ECharts WebJar), styles, images and requests, the stream included,
   * all come from the service itself; no inline script may run. ECharts writes inline style attributes on its tooltips
   * and the page sets element styles, which style-src-attr allows without allowing inline style sheets.
   */
  static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "style-src-attr 'unsafe-inline'",
      "img-src 'self' data:", "connect-src 'self'", "font-src 'self'", "base-uri 'none'", "form-action 'none'",
      "frame-ancestors 'none'");

  /** As ASCII bytes once, rather than encoded again for every answer. */
  private static final CharSequence[] NAMES = ascii("Content-Security-Policy", "X-Content-Type-Options",
      "X-Frame-Options", "Referrer-Policy");
  private static final CharSequence[] VALUES = ascii(CONTENT_SECURITY_POLICY, "nosniff", "DENY", "no-referrer");

  private SecurityHeaders() {
  }

  static void add(HttpServerResponse response) {
    MultiMap h = response.headers();
    for (int i = 0; i < NAMES.length; i++) {
      h.set(NAMES[i], VALUES[i]);
    }
  }

  private static CharSequence[] ascii(String... texts) {
    return Arrays.stream(texts).map(HttpHeaders::createOptimized).toArray(CharSequence[]::new);
  }
}
