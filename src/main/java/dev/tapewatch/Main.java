package dev.tapewatch;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.config.ConfigException;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.feed.ProductCatalog;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    if (args.length > 0) {
      System.exit(command(List.of(args)));
      return;
    }
    TapewatchConfig config;
    try {
      config = configuration(System.getenv());
      Preflight.check(config);
    } catch (ConfigException e) {
      System.err.println("tapewatch: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logging.configure(config.logs());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicReference<Vertx> vertx = new AtomicReference<>();
    Promise<TapewatchApp> started = Promise.promise();
    AtomicBoolean stopping = new AtomicBoolean();
    // The JVM's own handling of these signals would exit 143 before anything is written; this one stops in order,
    // also while starting: it lets the start finish (or fail) first, since closing Vert.x under a deployment in
    // flight makes that deployment throw.
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (stopping.compareAndSet(false, true)) {
          new Thread(() -> stopAndExit(vertx, started.future(), config.store().shutdownGraceSec()), "tapewatch-stop")
              .start();
        }
      });
    }
    Future<TapewatchApp> starting;
    if (config.cluster().enabled()) {
      starting = TapewatchApp.clusterNodeWithMetrics(config, registry).compose(node -> {
        vertx.set(node.vertx());
        LOG.info("joined cluster " + config.cluster().name() + " as node " + node.manager().getNodeId() + " with "
            + node.manager().getNodes().size() + " members");
        return stopping.get() ? Future.failedFuture("stopped while joining") : TapewatchApp.start(node.vertx(), config,
            registry, node);
      });
    } else {
      vertx.set(TapewatchApp.vertxWithMetrics(registry));
      starting = TapewatchApp.start(vertx.get(), config, registry, null);
    }
    starting.onComplete(done -> {
      if (done.succeeded()) {
        LOG.info("tapewatch listening on port " + done.result().port() + ", symbols "
            + described(config.symbols()) + ", feed " + config.feed().mode().label()
            + (config.store().databaseUrl().isPresent() ? ", database configured" : ", findings in memory (no DATABASE_URL)")
            + (config.cluster().enabled() ? ", cluster mode" : ""));
      } else if (!stopping.get()) {
        System.err.println("tapewatch: start-up failed: " + done.cause().getMessage());
        System.exit(1);
      }
    }).onComplete(started);
  }

  /** {@code simulate} or {@code backtest}: the exit code, 2 with one line on stderr for a usage or setting mistake. */
  private static int command(List<String> args) {
    try {
      switch (args.get(0)) {
        case "simulate" -> {
          TapewatchConfig config = configuration(System.getenv());
          Logging.configure(config.logs());
          long lines = SimulateCommand.run(args.subList(1, args.size()), config.symbols());
          System.out.println("simulate: " + lines + " lines written");
        }
        case "backtest" -> BacktestCommand.run(args.subList(1, args.size()), System.getenv(), System.out, System.err);
        default -> throw new CommandArgs.UsageException("unknown command '" + args.get(0) + "'; commands: "
            + SimulateCommand.USAGE + " | " + BacktestCommand.USAGE + " | no arguments to run the service");
      }
      return 0;
    } catch (CommandArgs.UsageException | ConfigException e) {
      System.err.println("tapewatch: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("tapewatch: " + args.get(0) + " failed: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The configuration as start-up accepts it: every variable parsed and checked, including the ones whose accepted
   * values the agents declare (ALERT_MIN_SCORES names agents), and the products a SYMBOL pattern stands for.
   *
   * @throws ConfigException naming the first bad variable
   */
  public static TapewatchConfig configuration(Map<String, String> env) {
    TapewatchConfig config = TapewatchConfig.load(env);
    AgentCatalog.alertMinScores(config.alerts());
    return ProductCatalog.resolve(config);
  }

  /** The symbols for the start-up line: all of a short list, the count and the first few of a long one. */
  private static String described(List<String> symbols) {
    return symbols.size() <= 10 ? symbols.toString()
        : symbols.size() + " (" + String.join(", ", symbols.subList(0, 5)) + ", ...)";
  }

  private static void stopAndExit(AtomicReference<Vertx> vertx, Future<TapewatchApp> started, int graceSec) {
    LOG.info("stopping: writing buffered findings (up to " + graceSec + " s)");
    int code = 0;
    try {
      TapewatchApp app = started.toCompletionStage().toCompletableFuture()
          .handle((a, failure) -> a).get(graceSec, TimeUnit.SECONDS);
      if (app != null) {
        app.shutdown().toCompletionStage().toCompletableFuture().get(graceSec + 10L, TimeUnit.SECONDS);
      }
      // Null when stopped while still joining a cluster that never formed. Awaited on its own: chained onto a
      // context-bound future, its completion would land on a closed event loop.
      if (vertx.get() != null) {
        vertx.get().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      LOG.info("stopped");
    } catch (TimeoutException e) {
      LOG.warn("start-up or stop did not finish within the grace period: exiting without waiting for it");
      code = 143;
    } catch (Exception e) {
      LOG.error("stop did not complete: " + e);
      code = 1;
    }
    System.exit(code);
  }
}
