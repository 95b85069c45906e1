package dev.tapewatch.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Prometheus meters that report the latest value of a published status: a counter or gauge is registered the first
 * time its name and labels are seen, and from then on reads whatever the newest status said, until its symbol leaves
 * the node. Only the metrics verticle writes the values; a scrape reads them.
 */
final class StatusMeters {
  private record Cell(AtomicReference<Double> value, Meter meter) {
  }

  /** A meter's name and labels: hundreds of symbols' statuses a second look their cells up without building text. */
  private record Key(String name, Tags tags) {
  }

  private final MeterRegistry registry;
  private final Map<Key, Cell> cells = new HashMap<>();

  StatusMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A monotonic count kept by the status's owner ({@code _total} is added by the Prometheus naming). */
  void counter(String name, String help, Tags tags, double value) {
    cell(name, tags, ref -> FunctionCounter.builder(name, ref, AtomicReference::get).description(help).tags(tags)
        .register(registry)).set(value);
  }

  void gauge(String name, String help, Tags tags, double value) {
    cell(name, tags, ref -> Gauge.builder(name, ref, AtomicReference::get).description(help).tags(tags)
        .strongReference(true).register(registry)).set(value);
  }

  /**
   * Removes from the registry every meter labelled with a symbol not in {@code symbols}, so that /metrics shows no
   * stale series for it; should it come back, its meters are registered afresh.
   */
  void retainSymbols(Set<String> symbols) {
    cells.values().removeIf(cell -> {
      String symbol = cell.meter().getId().getTag("symbol");
      if (symbol == null || symbols.contains(symbol)) {
        return false;
      }
      registry.remove(cell.meter());
      return true;
    });
  }

  private AtomicReference<Double> cell(String name, Tags tags, Function<AtomicReference<Double>, Meter> register) {
    return cells.computeIfAbsent(new Key(name, tags), k -> {
      AtomicReference<Double> ref = new AtomicReference<>(0.0);
      return new Cell(ref, register.apply(ref));
    }).value();
  }
}
