package dev.tapewatch;

import dev.tapewatch.config.ConfigException;
import dev.tapewatch.config.TapewatchConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * What the configuration asks of this machine, checked before anything binds or connects, so that a port taken by
 * another process or a cluster address this machine does not have stops start-up with exit 2 and one line naming
 * the variable, instead of failing halfway with a partly started service.
 */
final class Preflight {
  private Preflight() {
  }

  /** @throws ConfigException naming the first variable this machine cannot honour */
  static void check(TapewatchConfig config) {
    portFree("HTTP_PORT", null, config.http().port());
    if (config.cluster().enabled()) {
      String host = config.cluster().host();
      InetAddress address = localAddress(host);
      portFree("CLUSTER_BUS_PORT", address, config.cluster().busPort());
    }
  }

  private static InetAddress localAddress(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      if (address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null) {
        return address;
      }
      throw new ConfigException("CLUSTER_HOST", ConfigException.quote(host),
          "an address of this machine that the other nodes can reach (no interface has " + address.getHostAddress()
              + ")");
    } catch (UnknownHostException | SocketException e) {
      throw new ConfigException("CLUSTER_HOST", ConfigException.quote(host),
          "an address of this machine that the other nodes can reach (" + e.getMessage() + ")");
    }
  }

  /** Port 0 means any free port, which is always to be had. */
  private static void portFree(String variable, InetAddress address, int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      // As the server will bind it: Vert.x sets SO_REUSEADDR, so a port in TIME_WAIT is not "taken".
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new ConfigException(variable, ConfigException.quote(String.valueOf(port)),
          "a port free on this machine (" + e.getMessage() + ")");
    }
  }
}
