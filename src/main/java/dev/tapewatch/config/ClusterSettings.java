package dev.tapewatch.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cluster mode ({@code CLUSTER=true}): Vert.x clustered with Hazelcast. {@code CLUSTER_DISCOVERY} is {@code tcp}
 * (the hosts of {@code CLUSTER_MEMBERS}, each tried on {@code CLUSTER_PORT}) or {@code kubernetes} (the pods behind
 * the headless service {@code CLUSTER_SERVICE_DNS}). {@code CLUSTER_HOST} is the address this node binds and
 * announces, for Hazelcast and for the event bus ({@code CLUSTER_BUS_PORT}, 0 = any free port). A member that
 * misses heartbeats for {@code CLUSTER_FAILURE_TIMEOUT_SEC} is declared dead and its symbols are taken over. A node
 * runs symbols only while it sees at least {@code CLUSTER_QUORUM} members, itself included (1: always).
 */
public record ClusterSettings(
    boolean enabled,
    String name,
    Discovery discovery,
    List<String> members,
    String host,
    int port,
    int busPort,
    String serviceDns,
    int failureTimeoutSec,
    int quorum) {

  public enum Discovery { TCP, KUBERNETES }

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9a-fA-F:]+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  static ClusterSettings read(ConfigReader r) {
    boolean enabled = r.bool("CLUSTER");
    String name = r.raw("CLUSTER_NAME");
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException("CLUSTER_NAME", ConfigException.quote(name),
          "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    Discovery discovery = switch (r.raw("CLUSTER_DISCOVERY").toLowerCase(Locale.ROOT)) {
      case "tcp" -> Discovery.TCP;
      case "kubernetes" -> Discovery.KUBERNETES;
      default -> throw new ConfigException("CLUSTER_DISCOVERY", ConfigException.quote(r.raw("CLUSTER_DISCOVERY")),
          "tcp or kubernetes");
    };
    List<String> members = r.list("CLUSTER_MEMBERS");
    for (String m : members) {
      // Hazelcast reads "host:5701-5703" as a range and fails on it; one port for all is CLUSTER_PORT.
      if (!HOST.matcher(m).matches()) {
        throw new ConfigException("CLUSTER_MEMBERS", ConfigException.quote(r.raw("CLUSTER_MEMBERS")),
            "a comma list of host names or IP addresses, without ports (the port is CLUSTER_PORT)");
      }
    }
    String host = r.raw("CLUSTER_HOST");
    if (!HOST.matcher(host).matches()) {
      throw new ConfigException("CLUSTER_HOST", ConfigException.quote(host),
          "the host name or IP address of this node that the other nodes can reach");
    }
    String serviceDns = r.raw("CLUSTER_SERVICE_DNS");
    ClusterSettings settings = new ClusterSettings(enabled, name, discovery, members, host,
        // Hazelcast tries this port and the next four.
        r.integer("CLUSTER_PORT", 1, 65531), r.integer("CLUSTER_BUS_PORT", 0, 65535), serviceDns,
        r.integer("CLUSTER_FAILURE_TIMEOUT_SEC", 2, 300), r.integer("CLUSTER_QUORUM", 1, 100));
    if (enabled && discovery == Discovery.TCP && members.isEmpty()) {
      throw new ConfigException("CLUSTER_MEMBERS", ConfigException.quote(r.raw("CLUSTER_MEMBERS")),
          "at least one member host when CLUSTER=true and CLUSTER_DISCOVERY=tcp");
    }
    if (enabled && discovery == Discovery.KUBERNETES && !HOST.matcher(serviceDns).matches()) {
      throw new ConfigException("CLUSTER_SERVICE_DNS", ConfigException.quote(serviceDns),
          "the DNS name of the headless service, like tapewatch-cluster.default.svc.cluster.local");
    }
    return settings;
  }
}
