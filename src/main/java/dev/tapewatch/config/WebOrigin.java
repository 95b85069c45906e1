package dev.tapewatch.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A web origin as a browser names it in the {@code Origin} header: scheme, host and port. Case and a written default
 * port make no difference, so that the same site is recognised however it is spelt.
 */
public record WebOrigin(String scheme, String host, int port) {

  /** {@code http(s)://host[:port]} with nothing else (no user, path, query or fragment); empty for anything else. */
  public static Optional<WebOrigin> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    try {
      URI u = new URI(raw.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      int defaultPort = defaultPort(scheme);
      if (defaultPort < 0 || u.getHost() == null || u.getRawUserInfo() != null || !u.getRawPath().isEmpty()
          || u.getRawQuery() != null || u.getRawFragment() != null) {
        return Optional.empty();
      }
      return Optional.of(new WebOrigin(scheme, u.getHost().toLowerCase(Locale.ROOT),
          u.getPort() < 0 ? defaultPort : u.getPort()));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "http" -> 80;
      case "https" -> 443;
      default -> -1;
    };
  }

  /**
   * True when a request whose {@code Host} header names {@code host} and {@code port} (-1 when it names none) was
   * sent to this origin. The scheme is not compared: behind a TLS proxy the service sees plain HTTP whatever the page
   * used.
   */
  public boolean hosts(String host, int port) {
    return this.host.equalsIgnoreCase(host) && this.port == (port < 0 ? defaultPort(scheme) : port);
  }

  /** The origin as a browser writes it: {@code scheme://host}, with {@code :port} unless it is the default. */
  @Override
  public String toString() {
    return scheme + "://" + host + (port == defaultPort(scheme) ? "" : ":" + port);
  }
}
