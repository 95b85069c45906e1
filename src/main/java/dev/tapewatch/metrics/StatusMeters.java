package dev.tapewatch.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Prometheus meters that report the latest value of a published status: a counter or gauge is registered the first
 * time its name and labels are seen, and from then on reads whatever the newest status said. Only the metrics
 * verticle writes the values; a scrape reads them.
 */
final class StatusMeters {
  private final MeterRegistry registry;
  private final Map<String, AtomicReference<Double>> values = new HashMap<>();

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

  private AtomicReference<Double> cell(String name, Tags tags, Consumer<AtomicReference<Double>> register) {
    return values.computeIfAbsent(name + tags, k -> {
      AtomicReference<Double> ref = new AtomicReference<>(0.0);
      register.accept(ref);
      return ref;
    });
  }
}
