package dev.tapewatch.market;

import dev.tapewatch.config.Horizon;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The outcomes a symbol still owes its findings. A finding made at T with reference price R is owed, for each
 * horizon h, the last trade price P at or before T + h, once the symbol has seen a trade at or after T + h:
 * {@code {price: P, ret_bps: (P / R − 1)·10⁴, hit: direction·ret_bps > 0}} (hit null for direction 0, ret_bps and hit
 * null without R). When the tape kept no trade at or before T + h (it was evicted, or the service was down) the
 * outcome is {@code {missed: true}}: never a guess. Plain state, owned by the symbol's verticle.
 */
public final class OutcomeBook {

  /** One outcome to resolve: finding {@code id} of {@code agent}, horizon {@code label}, due at {@code dueMs}. */
  record Owed(String id, String agent, String label, long dueMs, Double refPrice, int direction) {
  }

  /** A resolved outcome: the finding and its agent, the horizon label and the outcome JSON. */
  public record Resolved(String id, String agent, String label, JsonObject outcome) {
  }

  private final PriorityQueue<Owed> owed = new PriorityQueue<>((a, b) -> Long.compare(a.dueMs, b.dueMs));

  /** Owes finding {@code id} of {@code agent}, made at {@code tsMs}, one outcome per horizon. */
  public void open(String id, String agent, long tsMs, Double refPrice, int direction, List<Horizon> horizons) {
    for (Horizon h : horizons) {
      owed.add(new Owed(id, agent, h.label(), tsMs + h.millis(), refPrice, direction));
    }
  }

  public int size() {
    return owed.size();
  }

  /** Resolves every outcome due at or before {@code newestTradeMs}, pricing it from {@code ring}. */
  public List<Resolved> resolve(TradeRing ring, long newestTradeMs) {
    List<Resolved> out = new ArrayList<>();
    while (!owed.isEmpty() && owed.peek().dueMs <= newestTradeMs) {
      Owed o = owed.poll();
      int at = ring.lastAtOrBefore(o.dueMs);
      // The ring drops its oldest trades first, so a trade it still has at or before the due time is the last one.
      out.add(new Resolved(o.id, o.agent, o.label,
          at < 0 ? missed() : outcome(ring.price(at), o.refPrice, o.direction)));
    }
    return out;
  }

  /**
   * Resolves as missed every outcome due before {@code sinceMs}: the service was not watching the tape then, so it
   * has no trade to price them with.
   */
  public List<Resolved> missBefore(long sinceMs) {
    List<Resolved> out = new ArrayList<>();
    while (!owed.isEmpty() && owed.peek().dueMs < sinceMs) {
      Owed o = owed.poll();
      out.add(new Resolved(o.id, o.agent, o.label, missed()));
    }
    return out;
  }

  static JsonObject missed() {
    return new JsonObject().put("missed", true);
  }

  static JsonObject outcome(double price, Double refPrice, int direction) {
    Double retBps = refPrice == null || !(refPrice > 0) ? null : (price / refPrice - 1) * 1e4;
    Boolean hit = retBps == null || direction == 0 ? null : direction * retBps > 0;
    return new JsonObject().put("price", price).put("ret_bps", retBps).put("hit", hit);
  }
}
