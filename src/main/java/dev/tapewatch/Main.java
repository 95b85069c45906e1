package dev.tapewatch;

import dev.tapewatch.config.ConfigException;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** {@code java -jar tapewatch.jar}: configuration from the environment, exit 2 on a bad variable. */
public final class Main {
  static {
    // One line per record (time, level, logger, message) instead of the JDK's two; set before the first logger.
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n");
  }

  private static final System.Logger LOG = System.getLogger(Main.class.getName());

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    TapewatchConfig config;
    try {
      config = TapewatchConfig.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("tapewatch: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "shutdown did not complete cleanly: " + e);
      }
    }, "tapewatch-shutdown"));
    TapewatchApp.deploy(vertx, config).onComplete(started -> {
      if (started.succeeded()) {
        LOG.log(System.Logger.Level.INFO, "tapewatch listening on port " + started.result() + ", symbols "
            + config.symbols() + ", feed " + config.feed().label()
            + (config.databaseUrl().isPresent() ? ", database configured" : ", findings in memory (no DATABASE_URL)"));
      } else {
        System.err.println("tapewatch: start-up failed: " + started.cause().getMessage());
        System.exit(1);
      }
    });
  }
}
