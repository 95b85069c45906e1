package dev.tapewatch.http;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.Horizon;
import dev.tapewatch.scorecard.Calibration;
import dev.tapewatch.scorecard.Sample;
import dev.tapewatch.scorecard.ScoredFindings;
import dev.tapewatch.scorecard.Scorecard;
import dev.tapewatch.scorecard.Scoring;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /scorecard} and {@code /scorecard/calibration}: the scored findings from the store, the symbols' 1-minute
 * bars from their owners (anywhere in a cluster) for the baseline, and the statistics computed off the event loop.
 */
final class ScorecardRoutes {
  private static final Set<String> PARAMS = Set.of("symbol", "agent", "horizon", "since");
  private static final Set<String> CALIBRATION_PARAMS = Set.of("symbol", "horizon");

  private final Vertx vertx;
  private final List<String> symbols;
  private final List<Horizon> horizons;
  private final List<String> horizonLabels;

  ScorecardRoutes(Vertx vertx, List<String> symbols, List<Horizon> horizons) {
    this.vertx = vertx;
    this.symbols = symbols;
    this.horizons = horizons;
    this.horizonLabels = horizons.stream().map(Horizon::label).toList();
  }

  void mount(Router router) {
    router.get("/scorecard").handler(this::scorecard);
    router.get("/scorecard/calibration").handler(this::calibration);
  }

  private void scorecard(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx.queryParams(), PARAMS);
    String symbol = q.optionalSymbol(symbols);
    String agent = q.oneOf("agent", AgentCatalog.names());
    List<Horizon> chosen = chosen(q.oneOf("horizon", horizonLabels));
    Instant since = q.instant("since");
    scored(ctx, symbol, agent, since, chosen).onSuccess(found -> {
      // Not the answer itself: its 100,000 findings can go once the samples are made.
      boolean truncated = found.truncated();
      Scoring.rows(vertx, found, chosen, since == null ? null : since.toEpochMilli(), HttpVerticle.QUERY_TIMEOUT_MS)
          .onSuccess(rows -> ctx.json(new JsonObject().put("horizons", new JsonArray(horizonLabels))
              .put("rows", rows).put("truncated", truncated)))
          .onFailure(ctx::fail);
    });
  }

  private void calibration(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx.queryParams(), CALIBRATION_PARAMS);
    String symbol = q.optionalSymbol(symbols);
    String horizonLabel = q.oneOf("horizon", horizonLabels);
    Horizon horizon = chosen(horizonLabel == null ? horizonLabels.get(0) : horizonLabel).get(0);
    Calibration.Reading reading = Calibration.reading().orElse(null);
    if (reading == null) {
      JsonErrors.send(ctx, 404, "no agent declares a probability reading to calibrate");
      return;
    }
    scored(ctx, symbol, reading.agent(), null, List.of(horizon)).onSuccess(found -> vertx.executeBlocking(() -> {
          List<Sample> samples = Sample.of(found, List.of(horizon)).stream()
              .filter(s -> s.label().equals(reading.label())).toList();
          return new JsonObject().put("symbol", symbol == null ? Scorecard.ALL : symbol)
              .put("agent", reading.agent()).put("label", reading.label()).put("horizon", horizon.label())
              .mergeIn(Calibration.of(samples));
        }, false)
        .onSuccess(ctx::json)
        .onFailure(ctx::fail));
  }

  private List<Horizon> chosen(String label) {
    return label == null ? horizons : horizons.stream().filter(h -> h.label().equals(label)).toList();
  }

  /** The store's scored findings with their outcomes at {@code horizons}; a store that does not answer gives a 503. */
  private Future<ScoredFindings> scored(RoutingContext ctx, String symbol, String agent, Instant since,
      List<Horizon> horizons) {
    JsonObject request = new JsonObject().put("symbol", symbol).put("agent", agent)
        .put("since", since == null ? null : since.toString())
        .put("horizons", new JsonArray(horizons.stream().map(Horizon::label).toList()));
    return FindingRoutes.askStore(vertx, ctx, Addresses.STORE_FINDINGS_SCORED, request);
  }
}
