package dev.tapewatch.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The service as its own JVM process ({@code dev.tapewatch.Main} on the test class path), configured by {@code env}
 * alone over an environment emptied of everything but PATH and HOME, its output in a log file; with a plain HTTP
 * client for its endpoints.
 */
public final class ServiceProcess implements AutoCloseable {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Process process;
  private final Path log;
  private final int port;

  private ServiceProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts the service from the test class path on {@code env} plus HTTP_PORT (a free port unless given). */
  public static ServiceProcess start(Map<String, String> env, Path log, String... jvmOptions) throws IOException {
    return start(System.getProperty("java.class.path"), env, log, jvmOptions);
  }

  /** The same from {@code classpath}, such as the packaged jar. */
  public static ServiceProcess start(String classpath, Map<String, String> env, Path log, String... jvmOptions)
      throws IOException {
    int port = env.containsKey("HTTP_PORT") ? Integer.parseInt(env.get("HTTP_PORT")) : TestService.freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", classpath, "dev.tapewatch.Main"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
    pb.environment().putAll(TestService.withTestStore(env));
    pb.environment().put("HTTP_PORT", Integer.toString(port));
    return new ServiceProcess(pb.start(), log, port);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** GET with a 5 s timeout: a request that hangs fails the test instead of waiting for ever. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code cluster} section of /health. */
  public JsonObject cluster() throws IOException, InterruptedException {
    return new JsonObject(get("/health").body()).getJsonObject("cluster");
  }

  /** Polls GET {@code path} until {@code done} holds, and returns that answer's JSON; fails after {@code timeoutMs}. */
  public JsonObject await(String path, Predicate<HttpResponse<String>> done, long timeoutMs) {
    return poll("GET " + path, () -> get(path), done, timeoutMs);
  }

  /** The same with POST: for an action that the service takes only once it is ready. */
  public JsonObject awaitPost(String path, Predicate<HttpResponse<String>> done, long timeoutMs) {
    return poll("POST " + path, () -> post(path), done, timeoutMs);
  }

  /** A refused or timed-out connection means the process is still starting: it is polled again. */
  private JsonObject poll(String what, Callable<HttpResponse<String>> call, Predicate<HttpResponse<String>> done,
      long timeoutMs) {
    HttpResponse<String> answer = Waits.until(what + " on port " + port, Duration.ofMillis(timeoutMs),
        IOException.class, call, done, last -> last.statusCode() + " " + last.body());
    return new JsonObject(answer.body());
  }

  /** SIGTERM, as a rolling deploy sends it. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: the node dies without a word. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
