package dev.tapewatch;

import dev.tapewatch.config.ConfigException;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * {@code java -jar tapewatch.jar}: configuration from the environment, exit 2 on a bad variable. SIGTERM (a rolling
 * deploy, a node drain) and SIGINT run the orderly stop of {@link TapewatchApp#shutdown()} and exit 0.
 */
public final class Main {
  static {
    // One line per record (time, level, logger, message) instead of the JDK's two; set before the first logger.
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n");
  }

  private static final System.Logger LOG = System.getLogger(Main.class.getName());

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
    Vertx vertx = Vertx.vertx();
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
    TapewatchApp.start(vertx, config).onComplete(started -> {
      if (started.succeeded()) {
        running.set(started.result());
        LOG.log(System.Logger.Level.INFO, "tapewatch listening on port " + started.result().port() + ", symbols "
            + config.symbols() + ", feed " + config.feed().label()
            + (config.databaseUrl().isPresent() ? ", database configured" : ", findings in memory (no DATABASE_URL)"));
      } else {
        System.err.println("tapewatch: start-up failed: " + started.cause().getMessage());
        System.exit(1);
      }
    });
  }

  private static void stopAndExit(Vertx vertx, TapewatchApp app, int graceSec) {
    LOG.log(System.Logger.Level.INFO, "stopping: writing buffered findings (up to " + graceSec + " s)");
    int code = 0;
    try {
      if (app != null) {
        app.shutdown().toCompletionStage().toCompletableFuture().get(graceSec + 10L, TimeUnit.SECONDS);
      }
      // Awaited on its own: chained onto a context-bound future, its completion would land on a closed event loop.
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      LOG.log(System.Logger.Level.INFO, "stopped");
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, "stop did not complete: " + e);
      code = 1;
    }
    System.exit(code);
  }
}
