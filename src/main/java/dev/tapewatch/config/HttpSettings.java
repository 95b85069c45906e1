package dev.tapewatch.config;

import java.util.Optional;

/** The HTTP port ({@code HTTP_PORT}, 0 = any free one) and the token run-now asks for ({@code ADMIN_TOKEN}). */
public record HttpSettings(int port, Optional<Secret> adminToken) {

  static HttpSettings read(ConfigReader r) {
    return new HttpSettings(r.integer("HTTP_PORT", 0, 65535), r.optionalSecret("ADMIN_TOKEN"));
  }
}
