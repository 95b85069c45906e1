package dev.tapewatch.metrics;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.Horizon;
import dev.tapewatch.config.ScorecardSettings;
import dev.tapewatch.scorecard.ScoredFindings;
import dev.tapewatch.scorecard.Scorecard;
import dev.tapewatch.scorecard.Scoring;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorecard on /metrics: per agent, label and horizon (no symbol label), the hit rate and the number of resolved
 * outcomes of the rows over every symbol, refreshed every {@code SCORECARD_METRICS_SEC} from the store and the
 * symbols' 1m bars (for the baseline and edge), the statistics computed on a worker thread. A label of direction 0
 * has no hit rate gauge; a row gone from the store's answer takes its gauges with it. After each refresh the rows
 * over every symbol are published on {@link Addresses#SCORECARD_ROWS} for the alerts to quote.
 */
public final class ScorecardGauges extends VerticleBase {
  static final String HIT_RATE = "tapewatch.scorecard.hit.rate";
  static final String OUTCOMES = "tapewatch.scorecard.outcomes";
  private static final long STORE_TIMEOUT_MS = 10_000;
  private static final long BARS_TIMEOUT_MS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(ScorecardGauges.class);

  private record Cell(AtomicReference<Double> value, Meter meter) {
  }

  private final MeterRegistry registry;
  private final ScorecardSettings settings;
  private final Map<String, Cell> cells = new HashMap<>();
  private boolean refreshing;
  private long timer;

  public ScorecardGauges(MeterRegistry registry, ScorecardSettings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    long periodMs = settings.metricsSec() * 1000L;
    timer = vertx.setPeriodic(periodMs, periodMs, id -> refresh());
    return Future.succeededFuture();
  }

  private void refresh() {
    if (refreshing) {
      return;
    }
    refreshing = true;
    JsonObject request = new JsonObject()
        .put("horizons", new JsonArray(settings.horizons().stream().map(Horizon::label).toList()));
    vertx.eventBus().<ScoredFindings>request(Addresses.STORE_FINDINGS_SCORED, request,
            new DeliveryOptions().setSendTimeout(STORE_TIMEOUT_MS))
        .compose(reply -> Scoring.rows(vertx, reply.body(), settings.horizons(), null, BARS_TIMEOUT_MS))
        .onSuccess(this::show)
        .onFailure(e -> LOG.debug("scorecard gauges not refreshed: " + e.getMessage()))
        .onComplete(done -> refreshing = false);
  }

  private void show(JsonArray rows) {
    Set<String> seen = new HashSet<>();
    JsonArray pooled = new JsonArray();
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      if (!Scorecard.ALL.equals(row.getString("symbol"))) {
        continue;
      }
      pooled.add(row);
      Tags tags = Tags.of("agent", row.getString("agent"), "label", row.getString("label"),
          "horizon", row.getString("horizon"));
      set(seen, OUTCOMES, "Resolved outcomes of the agent's label at the horizon, over every symbol", tags,
          row.getDouble("n"));
      Double hitRate = row.getDouble("hit_rate");
      if (hitRate != null) {
        set(seen, HIT_RATE, "Share of the label's directed findings that were right at the horizon, over every symbol",
            tags, hitRate);
      }
    }
    for (var it = cells.entrySet().iterator(); it.hasNext(); ) {
      Entry<String, Cell> e = it.next();
      if (!seen.contains(e.getKey())) {
        registry.remove(e.getValue().meter());
        it.remove();
      }
    }
    vertx.eventBus().publish(Addresses.SCORECARD_ROWS, pooled, new DeliveryOptions().setLocalOnly(true));
  }

  private void set(Set<String> seen, String name, String help, Tags tags, double value) {
    String key = name + tags;
    seen.add(key);
    cells.computeIfAbsent(key, k -> {
      AtomicReference<Double> ref = new AtomicReference<>(value);
      return new Cell(ref, Gauge.builder(name, ref, AtomicReference::get).description(help).tags(tags)
          .strongReference(true).register(registry));
    }).value().set(value);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
