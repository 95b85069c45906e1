package dev.tapewatch;

import dev.tapewatch.config.ConfigException;
import dev.tapewatch.config.TapewatchConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar tapewatch.jar}: configuration from the environment, exit 2 on a bad variable. SIGTERM (a rolling
 * deploy, a node drain) and SIGINT run the orderly stop of {@link TapewatchApp#shutdown()} and exit 0.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    TapewatchConfig config;
    try {
      config = TapewatchConfig.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("tapewatch: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logging.configure(config.logs());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = TapewatchApp.vertxWithMetrics(registry);
    AtomicReference<TapewatchApp> running = new AtomicReference<>();
    AtomicBoolean stopping = new AtomicBoolean();
    // The JVM's own handling of these signals would exit 143 before anything is written; this one stops in order.
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (stopping.compareAndSet(false, true)) {
          new Thread(() -> stopAndExit(vertx, running.get(), config.shutdownGraceSec()), "tapewatch-stop").start();
        }
      });
    }
    TapewatchApp.start(vertx, config, registry).onComplete(started -> {
      if (started.succeeded()) {
        running.set(started.result());
        LOG.info("tapewatch listening on port " + started.result().port() + ", symbols "
            + config.symbols() + ", feed " + config.feed().label()
            + (config.databaseUrl().isPresent() ? ", database configured" : ", findings in memory (no DATABASE_URL)"));
      } else {
        System.err.println("tapewatch: start-up failed: " + started.cause().getMessage());
        System.exit(1);
      }
    });
  }

  private static void stopAndExit(Vertx vertx, TapewatchApp app, int graceSec) {
    LOG.info("stopping: writing buffered findings (up to " + graceSec + " s)");
    int code = 0;
    try {
      if (app != null) {
        app.shutdown().toCompletionStage().toCompletableFuture().get(graceSec + 10L, TimeUnit.SECONDS);
      }
      // Awaited on its own: chained onto a context-bound future, its completion would land on a closed event loop.
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      LOG.info("stopped");
    } catch (Exception e) {
      LOG.error("stop did not complete: " + e);
      code = 1;
    }
    System.exit(code);
  }
}
