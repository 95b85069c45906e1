package dev.tapewatch.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP port ({@code HTTP_PORT}, 0 = any free one), the token run-now asks for ({@code ADMIN_TOKEN}), and what a
 * client may take: how long a keep-alive connection may sit idle ({@code HTTP_IDLE_TIMEOUT_SEC}), the other sites
 * whose pages may call the service ({@code ALLOWED_ORIGINS}; none when empty, and CORS stays off), how many
 * connections one address may hold open ({@code MAX_CONNECTIONS_PER_IP}) and how many run-now requests it may make a
 * minute ({@code RUN_NOW_PER_MIN}).
 */
public record HttpSettings(int port, Optional<Secret> adminToken, int idleTimeoutSec, List<WebOrigin> allowedOrigins,
    int maxConnectionsPerIp, int runNowPerMin) {

  static HttpSettings read(ConfigReader r) {
    return new HttpSettings(r.integer("HTTP_PORT", 0, 65535), r.optionalSecret("ADMIN_TOKEN"),
        r.integer("HTTP_IDLE_TIMEOUT_SEC", 1, 3600), allowedOrigins(r), r.integer("MAX_CONNECTIONS_PER_IP", 1, 100_000),
        r.integer("RUN_NOW_PER_MIN", 1, 6000));
  }

  private static List<WebOrigin> allowedOrigins(ConfigReader r) {
    List<WebOrigin> out = new ArrayList<>();
    for (String raw : r.list("ALLOWED_ORIGINS")) {
      out.add(WebOrigin.parse(raw).orElseThrow(() -> new ConfigException("ALLOWED_ORIGINS",
          ConfigException.quote(r.raw("ALLOWED_ORIGINS")), "a comma list of origins like https://ops.example.com or"
              + " http://localhost:3000 (http or https, a host and an optional port; no path), or empty")));
    }
    return List.copyOf(out);
  }
}
