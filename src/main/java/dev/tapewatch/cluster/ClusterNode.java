package dev.tapewatch.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.tapewatch.config.ClusterSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A Vert.x instance clustered with Hazelcast, configured from {@link ClusterSettings} alone: TCP-IP or Kubernetes
 * discovery (never multicast), bound to {@code CLUSTER_HOST} only, a short failure timeout so a dead node's symbols
 * move within seconds, and the event bus announced on the same address. The node's HTTP port travels in the event
 * bus's node metadata, so /health on any node can list where every other node answers.
 */
public final class ClusterNode {
  /** Members tried per host of CLUSTER_MEMBERS: CLUSTER_PORT and the next ones, for several nodes on one host. */
  static final int PORTS_PER_HOST = 5;
  /** Few partitions: the maps held are tiny, and fewer partitions make joining and migration quicker. */
  static final int PARTITIONS = 31;
  static final int HEARTBEAT_SEC = 1;
  /**
   * How often the oldest member looks for another cluster of the same name to merge with, the first time that long
   * after start. Hazelcast's defaults (300 s, then every 120 s) left the two halves of a healed split, or a node
   * resumed after a pause, apart for minutes, the cut-off one running nothing meanwhile; a look is a few connection
   * attempts to the discovery addresses.
   */
  static final int MERGE_CHECK_SEC = 5;

  private final Vertx vertx;
  private final HazelcastClusterManager manager;

  private ClusterNode(Vertx vertx, HazelcastClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
  }

  /** Joins the cluster; fails when no cluster can be formed or joined. Blocks on DNS: call it at start-up only. */
  public static Future<ClusterNode> join(ClusterSettings settings, int httpPort, VertxOptions options,
      VertxMetricsFactory metrics) {
    String host;
    try {
      host = InetAddress.getByName(settings.host()).getHostAddress();
    } catch (UnknownHostException e) {
      return Future.failedFuture("CLUSTER_HOST " + settings.host() + " does not resolve");
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(settings, host));
    options.setEventBusOptions(new EventBusOptions()
        .setHost(host)
        .setClusterPublicHost(host)
        .setPort(settings.busPort())
        .setClusterNodeMetadata(new JsonObject().put("http_port", httpPort)));
    return Vertx.builder().with(options).withMetrics(metrics).withClusterManager(manager).buildClustered()
        .map(vertx -> new ClusterNode(vertx, manager));
  }

  static Config hazelcastConfig(ClusterSettings settings, String host) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(settings.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Main stops in order on SIGTERM and then leaves the cluster itself.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.partition.count", Integer.toString(PARTITIONS));
    config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(HEARTBEAT_SEC));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(settings.failureTimeoutSec()));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_CHECK_SEC));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_CHECK_SEC));
    config.setProperty("hazelcast.tcp.join.port.try.count", Integer.toString(PORTS_PER_HOST));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(true).setPortCount(PORTS_PER_HOST);
    network.getInterfaces().setEnabled(true).addInterface(host);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    switch (settings.discovery()) {
      case TCP -> join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
      case KUBERNETES -> join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", settings.serviceDns())
          .setProperty("service-port", Integer.toString(settings.port()));
    }
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public HazelcastClusterManager manager() {
    return manager;
  }
}
