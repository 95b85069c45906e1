package dev.tapewatch.cluster;

import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** What the cluster tests and the scale measurement share: Hazelcast ports of their own, a settled cluster. */
public final class ClusterNodes {
  private ClusterNodes() {
  }

  /** A CLUSTER_PORT whose range (the port and the next ones Hazelcast tries) is free now. */
  public static int freeClusterPort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
      boolean free = true;
      for (int p = base; p < base + ClusterNode.PORTS_PER_HOST && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no " + ClusterNode.PORTS_PER_HOST + " consecutive free ports");
  }

  /**
   * Waits until every node sees a stable cluster of {@code members} whose HTTP ports are all known; returns the nodes
   * by node id.
   */
  public static Map<String, ServiceProcess> awaitStable(List<ServiceProcess> nodes, int members, Duration timeout) {
    Map<String, ServiceProcess> byId = new HashMap<>();
    for (ServiceProcess n : nodes) {
      JsonObject c = n.await("/health", r -> {
        if (r.statusCode() != 200) {
          return false;
        }
        JsonObject cl = new JsonObject(r.body()).getJsonObject("cluster");
        JsonArray m = cl.getJsonArray("members");
        return "stable".equals(cl.getString("state")) && m != null && m.size() == members
            && m.stream().map(JsonObject.class::cast).allMatch(x -> x.getInteger("http_port") != null);
      }, timeout.toMillis()).getJsonObject("cluster");
      byId.put(c.getString("node_id"), n);
    }
    return byId;
  }

  /**
   * Asks for /signals_tf of each symbol not served yet, through the nodes of {@code via} in turn, until every symbol
   * has answered 200 once; returns when each first did (ms since the epoch). Any other answer must be 503 with
   * Retry-After (the symbol waits for its new owner), never an error or a hang; a request that times out is asked
   * again. Fails after {@code timeout} naming the symbols still unserved.
   */
  public static Map<String, Long> awaitServed(List<ServiceProcess> via, List<String> symbols, Duration timeout) {
    Map<String, Long> served = new ConcurrentHashMap<>();
    Waits.until("every symbol served through " + via.stream().map(ServiceProcess::port).toList(), timeout,
        IOException.class, () -> {
          int i = 0;
          for (String s : symbols) {
            if (served.containsKey(s)) {
              continue;
            }
            ServiceProcess n = via.get(i++ % via.size());
            HttpResponse<String> r = n.get("/signals_tf?symbol=" + s);
            if (r.statusCode() == 200) {
              served.put(s, System.currentTimeMillis());
            } else if (r.statusCode() != 503 || r.headers().firstValue("Retry-After").isEmpty()) {
              throw new AssertionError(s + " through port " + n.port() + ": " + r.statusCode() + " " + r.body());
            }
          }
          return served.size();
        }, count -> count == symbols.size(), count -> "unserved: " + symbols.stream()
            .filter(s -> !served.containsKey(s)).toList());
    return Map.copyOf(served);
  }
}
