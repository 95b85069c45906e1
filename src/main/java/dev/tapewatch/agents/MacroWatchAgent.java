package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import dev.tapewatch.config.MacroWindow;
import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import dev.tapewatch.agents.LabelSpec.Direction;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code macro_watch}: inside a macro window (its centre ± MACRO_WINDOW_MINUTES), a symbol with rvol_1m ≥
 * MACRO_RVOL_MIN gives a {@code macro_move} finding (score = rvol_1m) with the window and the momentum; one per symbol
 * per window occurrence.
 */
public final class MacroWatchAgent implements Agent {
  private static final LabelSpec MACRO_MOVE = LabelSpec.signal("macro_move", Direction.NONE,
      "unusual volume inside a macro window");
  public static final AgentDescriptor DESCRIPTOR = new AgentDescriptor("macro_watch",
      "unusual volume around scheduled macro releases", List.of(MACRO_MOVE),
      "MACRO_INTERVAL_SEC", "MACRO_WINDOWS", 0.0, false, false);
  private static final long FORGET_AFTER_MS = 2 * 86_400_000L;

  private final List<MacroWindow> windows;
  private final long halfWidthMs;
  private final double minRvol;
  private final Set<String> fired = new HashSet<>();

  public MacroWatchAgent(List<MacroWindow> windows, int halfWidthMinutes, double minRvol) {
    this.windows = windows;
    this.halfWidthMs = halfWidthMinutes * 60_000L;
    this.minRvol = minRvol;
  }

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public void recall(Finding earlier) {
    String centre = earlier.details().getString("window_centre");
    if (centre != null) {
      fired.add(earlier.symbol() + '|' + Instant.parse(centre).toEpochMilli());
    }
  }

  @Override
  public boolean remembers() {
    return true;
  }

  @Override
  public void forget(String symbol) {
    fired.removeIf(key -> key.startsWith(symbol + '|'));
  }

  @Override
  public List<Finding> evaluate(AgentInput input, boolean commit) {
    MarketSnapshot m = input.market();
    double rvol1m = m.tf(Timeframe.M1).rvol();
    long now = input.nowMs();
    if (commit) {
      fired.removeIf(key -> Long.parseLong(key.substring(key.lastIndexOf('|') + 1)) < now - FORGET_AFTER_MS);
    }
    for (MacroWindow w : windows) {
      OptionalLong centre = w.centreAround(now, halfWidthMs);
      if (centre.isEmpty() || rvol1m < minRvol) {
        continue;
      }
      String key = m.symbol() + '|' + centre.getAsLong();
      if (fired.contains(key)) {
        continue;
      }
      if (commit) {
        fired.add(key);
      }
      return List.of(Finding.of(now, DESCRIPTOR.name(), m.symbol(), rvol1m, MACRO_MOVE.label(), new JsonObject()
          .put("window", w.spec())
          .put("window_centre", Instant.ofEpochMilli(centre.getAsLong()).toString())
          .put("rvol_1m", rvol1m)
          .put("mom_bps_1m", m.tf(Timeframe.M1).momBps())
          .put("mom_bps_5m", m.tf(Timeframe.M5).momBps())
          .put("price", m.lastPrice())));
    }
    return List.of();
  }

  /** {@code {next_window: {window, centre, starts_at} | null}} for /agents. */
  @Override
  public JsonObject statusExtras(long nowMs) {
    MacroWindow next = null;
    long nextCentre = Long.MAX_VALUE;
    for (MacroWindow w : windows) {
      OptionalLong c = w.nextCentre(nowMs, halfWidthMs);
      if (c.isPresent() && c.getAsLong() < nextCentre) {
        next = w;
        nextCentre = c.getAsLong();
      }
    }
    if (next == null) {
      return new JsonObject().putNull("next_window");
    }
    return new JsonObject().put("next_window", new JsonObject()
        .put("window", next.spec())
        .put("centre", Instant.ofEpochMilli(nextCentre).toString())
        .put("starts_at", Instant.ofEpochMilli(nextCentre - halfWidthMs).toString()));
  }
}
