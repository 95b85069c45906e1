package dev.tapewatch.scorecard;

import dev.tapewatch.config.Horizon;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The scorecard rows of a store's answer: the samples and the rows made on a worker (an answer holds up to
 * 100,000 findings), the symbols' minute bars asked of their owners in between.
 */
public final class Scoring {
  private record Samples(List<Sample> samples, Set<String> symbols) {
  }

  private Scoring() {
  }

  /** {@link Scorecard#rows} of {@code found} at {@code horizons}; a symbol whose bars do not come has no baseline. */
  public static Future<JsonArray> rows(Vertx vertx, ScoredFindings found, List<Horizon> horizons, Long sinceMs,
      long barsTimeoutMs) {
    return vertx.executeBlocking(() -> {
      List<Sample> samples = Sample.of(found, horizons);
      Set<String> symbols = new HashSet<>();
      for (Sample s : samples) {
        symbols.add(s.symbol());
      }
      return new Samples(samples, symbols);
    }, false).compose(s -> BarPrices.ask(vertx, s.symbols(), System.currentTimeMillis(), barsTimeoutMs)
        .compose(prices -> vertx.executeBlocking(() -> Scorecard.rows(s.samples(), horizons, prices, sinceMs),
            false)));
  }
}
