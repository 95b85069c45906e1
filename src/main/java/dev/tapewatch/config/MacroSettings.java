package dev.tapewatch.config;

import java.util.List;

/**
 * The macro watcher: its windows ({@code MACRO_WINDOWS}, empty = off), their half-width, the rvol_1m needed inside one
 * and the watcher's period.
 */
public record MacroSettings(List<MacroWindow> windows, int windowMinutes, double rvolMin, int intervalSec) {

  static MacroSettings read(ConfigReader r) {
    return new MacroSettings(
        r.list("MACRO_WINDOWS").stream().map(MacroWindow::parse).toList(),
        r.integer("MACRO_WINDOW_MINUTES", 1, 720),
        r.decimal("MACRO_RVOL_MIN", 0.0, 1_000_000.0),
        r.integer("MACRO_INTERVAL_SEC", 1, 86_400));
  }
}
