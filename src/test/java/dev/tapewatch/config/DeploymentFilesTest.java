package dev.tapewatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files parse, name only variables the service reads (those of conf/tapewatch.properties), hang
 * together (the names they refer to exist, the ports and probes agree), and their configuration starts the service:
 * it passes the same validation as at start-up.
 */
class DeploymentFilesTest {
  private static final Path DEPLOY = Path.of("deploy");
  /** Read by the JVM, not by the service. */
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  private static Set<String> knownVariables() throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("conf", "tapewatch.properties"))) {
      p.load(r);
    }
    return p.stringPropertyNames();
  }

  private static List<JsonNode> documents(String file) throws Exception {
    ObjectMapper yaml = new YAMLMapper();
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(DEPLOY.resolve(file).toFile())) {
      for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
        if (doc != null && !doc.isNull()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static JsonNode kind(List<JsonNode> docs, String kind, String name) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
            && d.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static Map<String, String> fields(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  @Test
  void kubernetesManifestsAreCompleteConsistentAndStartTheService() throws Exception {
    List<JsonNode> docs = documents("kubernetes.yaml");
    assertEquals(Set.of("ConfigMap", "Secret", "StatefulSet", "Service", "PodDisruptionBudget"),
        Set.copyOf(docs.stream().map(d -> d.path("kind").asText()).toList()));
    Map<String, String> config = fields(kind(docs, "ConfigMap", "tapewatch-config").path("data"));
    Map<String, String> secrets = fields(kind(docs, "Secret", "tapewatch-secrets").path("stringData"));
    assertEquals(Set.of("DATABASE_URL", "ALERT_WEBHOOK_URL", "OPENAI_API_KEY", "ADMIN_TOKEN"), secrets.keySet());
    assertTrue(secrets.values().stream().allMatch(String::isEmpty), "no secret value is committed");

    JsonNode deployment = kind(docs, "StatefulSet", "tapewatch");
    JsonNode pod = deployment.path("spec").path("template");
    JsonNode container = pod.path("spec").path("containers").get(0);
    Map<String, String> podEnv = new LinkedHashMap<>();
    container.path("env").forEach(e -> podEnv.put(e.path("name").asText(),
        e.path("valueFrom").path("fieldRef").path("fieldPath").asText(e.path("value").asText())));
    assertEquals(Set.of("CLUSTER_HOST", "JAVA_TOOL_OPTIONS"), podEnv.keySet());
    assertEquals("status.podIP", podEnv.get("CLUSTER_HOST"));
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertTrue(dockerfile.contains("JAVA_TOOL_OPTIONS=\"" + podEnv.get("JAVA_TOOL_OPTIONS") + "\""),
        "the pods run the image's heap policy, sized for their memory limit: " + podEnv.get("JAVA_TOOL_OPTIONS"));
    assertTrue(podEnv.get("JAVA_TOOL_OPTIONS").contains("-XX:MaxRAMPercentage=60"));
    assertEquals("1Gi", container.path("resources").path("limits").path("memory").asText());
    List<String> envFrom = new ArrayList<>();
    container.path("envFrom").forEach(e -> envFrom.add(e.has("configMapRef")
        ? "configmap/" + e.path("configMapRef").path("name").asText()
        : "secret/" + e.path("secretRef").path("name").asText()));
    assertEquals(List.of("configmap/tapewatch-config", "secret/tapewatch-secrets"), envFrom);

    Set<String> named = new TreeSet<>(config.keySet());
    named.addAll(secrets.keySet());
    named.addAll(podEnv.keySet());
    Set<String> unknown = new TreeSet<>(named);
    unknown.removeAll(knownVariables());
    unknown.removeAll(JVM_VARIABLES);
    assertEquals(Set.of(), unknown, "variables the service does not read");

    // The configuration of a pod passes start-up validation, as a cluster node with Kubernetes discovery.
    Map<String, String> env = new HashMap<>(config);
    env.putAll(secrets);
    env.put("CLUSTER_HOST", "10.1.2.3");
    TapewatchConfig pod0 = TapewatchConfig.load(env);
    assertTrue(pod0.cluster().enabled());
    assertEquals(ClusterSettings.Discovery.KUBERNETES, pod0.cluster().discovery());
    assertTrue(pod0.cluster().serviceDns().startsWith("tapewatch-cluster."),
        "discovery asks the headless Service's DNS name");

    // Ports, probes and selectors agree with the configuration.
    Map<String, Integer> ports = new HashMap<>();
    container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    assertEquals(Map.of("http", pod0.http().port(), "hazelcast", pod0.cluster().port(),
        "eventbus", pod0.cluster().busPort()), ports);
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      assertEquals("/health", container.path(probe).path("httpGet").path("path").asText(), probe);
      assertEquals("http", container.path(probe).path("httpGet").path("port").asText(), probe);
    }
    assertTrue(pod.path("spec").path("terminationGracePeriodSeconds").asInt() > pod0.store().shutdownGraceSec(),
        "the pod is given longer than the shutdown grace");
    JsonNode spread = pod.path("spec").path("topologySpreadConstraints").get(0);
    assertEquals("kubernetes.io/hostname", spread.path("topologyKey").asText(), "pods spread over nodes");
    assertEquals(fields(pod.path("metadata").path("labels")),
        fields(spread.path("labelSelector").path("matchLabels")));
    assertFalse(container.path("resources").path("requests").isMissingNode());
    assertFalse(container.path("resources").path("limits").isMissingNode());
    Map<String, String> labels = fields(pod.path("metadata").path("labels"));
    JsonNode headless = kind(docs, "Service", "tapewatch-cluster");
    assertEquals("None", headless.path("spec").path("clusterIP").asText());
    assertTrue(headless.path("spec").path("publishNotReadyAddresses").asBoolean());
    assertEquals("hazelcast", headless.path("spec").path("ports").get(0).path("targetPort").asText());
    for (JsonNode selector : List.of(kind(docs, "Service", "tapewatch").path("spec").path("selector"),
        headless.path("spec").path("selector"), deployment.path("spec").path("selector").path("matchLabels"),
        kind(docs, "PodDisruptionBudget", "tapewatch").path("spec").path("selector").path("matchLabels"))) {
      assertTrue(labels.entrySet().containsAll(fields(selector).entrySet()), "selector " + selector);
    }
    assertEquals(String.valueOf(pod0.http().port()),
        pod.path("metadata").path("annotations").path("prometheus.io/port").asText());

    // Each pod's DATA_DIR is its own persistent volume, writable by the service's user.
    JsonNode mount = container.path("volumeMounts").get(0);
    assertEquals(pod0.store().dataDir().toString(), mount.path("mountPath").asText());
    JsonNode claim = deployment.path("spec").path("volumeClaimTemplates").get(0);
    assertEquals(mount.path("name").asText(), claim.path("metadata").path("name").asText());
    assertEquals("ReadWriteOnce", claim.path("spec").path("accessModes").get(0).asText());
    assertEquals(10001, pod.path("spec").path("securityContext").path("fsGroup").asInt());
    assertEquals("tapewatch-cluster", deployment.path("spec").path("serviceName").asText());
  }

  @Test
  void dockerComposeKeepsDataDirOnANamedVolume() throws Exception {
    JsonNode service = documents("docker-compose.yaml").get(0).path("services").path("tapewatch");
    Map<String, String> env = fields(service.path("environment"));
    Set<String> unknown = new TreeSet<>(env.keySet());
    unknown.removeAll(knownVariables());
    assertEquals(Set.of(), unknown, "variables the service does not read");
    assertEquals("data:" + env.get("DATA_DIR"), service.path("volumes").get(0).asText());
    Map<String, String> plain = new HashMap<>();
    env.forEach((k, v) -> plain.put(k, v.replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1")));
    TapewatchConfig c = TapewatchConfig.load(plain);
    assertEquals(StoreSettings.Kind.SQLITE, c.store().kind(), "the embedded store by default");
    assertEquals(c.http().port() + ":" + c.http().port(), service.path("ports").get(0).asText());
  }

  @Test
  void digitalOceanSpecNamesKnownVariablesAndStartsASingleNode() throws Exception {
    JsonNode spec = documents("digitalocean-app.yaml").get(0);
    JsonNode service = spec.path("services").get(0);
    Map<String, String> env = new HashMap<>();
    Set<String> secret = new TreeSet<>();
    service.path("envs").forEach(e -> {
      env.put(e.path("key").asText(), e.path("value").asText(""));
      if (e.path("type").asText().equals("SECRET")) {
        secret.add(e.path("key").asText());
      }
    });
    Set<String> unknown = new TreeSet<>(env.keySet());
    unknown.removeAll(knownVariables());
    assertEquals(Set.of(), unknown, "variables the service does not read");
    assertEquals(Set.of("DATABASE_URL", "ALERT_WEBHOOK_URL", "OPENAI_API_KEY", "ADMIN_TOKEN"), secret);
    assertEquals("${db.DATABASE_URL}", env.get("DATABASE_URL"), "bound to the app's managed database");
    assertEquals("db", spec.path("databases").get(0).path("name").asText());
    env.put("DATABASE_URL", "postgres://doadmin:pw@db.example.com:25060/defaultdb?sslmode=require");
    TapewatchConfig c = TapewatchConfig.load(env);
    assertFalse(c.cluster().enabled());
    assertEquals(c.http().port(), service.path("http_port").asInt());
    assertEquals("/health", service.path("health_check").path("http_path").asText());
    assertEquals(1, service.path("instance_count").asInt());
  }

  @Test
  void dockerfileBuildsTwoStagesAndRunsUnprivilegedWithAHealthcheck() throws Exception {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertEquals(2, Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count(), "multi-stage");
    assertTrue(dockerfile.contains("FROM eclipse-temurin:17-jre"), "a JRE at run time");
    Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
    assertTrue(user.find() && !user.group(1).equals("root"));
    Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile);
    assertTrue(expose.find());
    TapewatchConfig defaults = TapewatchConfig.load(Map.of());
    assertEquals(List.of(String.valueOf(defaults.http().port()), String.valueOf(defaults.cluster().port()), "5801"),
        List.of(expose.group(1).trim().split("\\s+")));
    assertTrue(dockerfile.contains("/health"), "HEALTHCHECK on /health");
    assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/tapewatch.jar\"]"));
    Matcher env = Pattern.compile("(?m)^ENV (\\w+)=").matcher(dockerfile);
    Set<String> unknown = new TreeSet<>();
    Matcher more = Pattern.compile("\\\\\\s*\\n\\s+(\\w+)=").matcher(dockerfile);
    while (env.find()) {
      unknown.add(env.group(1));
    }
    while (more.find()) {
      unknown.add(more.group(1));
    }
    unknown.removeAll(knownVariables());
    unknown.removeAll(JVM_VARIABLES);
    assertEquals(Set.of(), unknown);
    assertTrue(dockerfile.contains("VOLUME /var/lib/tapewatch"), "DATA_DIR is a volume");
    assertTrue(dockerfile.contains("DATA_DIR=/var/lib/tapewatch"));
  }
}
