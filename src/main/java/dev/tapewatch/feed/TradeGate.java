package dev.tapewatch.feed;

import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides which trades and quotes the market sees: the one place that keeps a bad print from freezing, silencing or
 * overflowing a product, used alike by the replay, the live feed and the live feed's REST backfill. Per product it
 * keeps the clock (the time of the newest accepted trade), the last accepted trade id and at most one held trade.
 *
 * <ul>
 *   <li>A trade whose price, size or notional is not within (0, {@link #MAX_MAGNITUDE}] is dropped
 *       ({@code non_finite}).</li>
 *   <li>A trade whose id is not above the last accepted one, but within the jump of it, is a duplicate (a resend, a
 *       {@code last_match}); so is one with the held one's id and a time near it. With the held one's id but far from
 *       its time, it is the next trade, below.</li>
 *   <li>A trade more than the skew ahead of its product's clock or of the feed's clock ({@code future_time}), or whose
 *       id is more than the jump away from the product's last ({@code trade_id_jump}), is held. The feed's clock is
 *       the local clock for a live feed and, for a replay, which has no other, the newest trade accepted of any
 *       product. With neither a product clock nor a feed clock (a replay's very first trade) there is nothing to be
 *       far from. Ids far below the last are held too, not taken for resends: two bad prints that agree with each
 *       other are accepted (next item), and if their ids were huge every real trade after them would otherwise be a
 *       duplicate for good; the real sequence takes over again as soon as two of its trades agree.</li>
 *   <li>The product's next trade decides. If it lands near the held one (its id above it by at most the jump, its time
 *       within the skew of it) both are accepted: a quiet spell or an outage. Otherwise the held one is dropped,
 *       counted under the reason it was held for, and the new one is judged on its own: a bad print. A heartbeat whose
 *       {@code last_trade_id} and time are near the held trade accepts it too: the exchange itself vouches for it, and
 *       a quiet product does not wait minutes for its next trade.</li>
 *   <li>A quote more than the skew ahead of the clock waits with a held trade it is near (the newest such quote only,
 *       as the market keeps only the newest) and shares its fate; otherwise it is dropped ({@code future_time}).</li>
 * </ul>
 *
 * <p>A held trade moves no clock, no id sequence and no bar until it is accepted. Single-threaded, like its feed.
 */
public final class TradeGate {
  /**
   * The largest price, size and notional a trade may have (and bid and ask a quote): 2^40 times below the largest
   * double, so that no sum the market keeps (a bar's volume, Σprice·size and signed volume, VWAP over 20 bars, CVD
   * over the cached trades), each of far fewer than 2^40 terms, can overflow to Infinity.
   */
  public static final double MAX_MAGNITUDE = Math.scalb(Double.MAX_VALUE, -40);
  /** The value of {@link #newestTradeMs()} before any trade is accepted. */
  public static final long NO_TRADE = Long.MIN_VALUE;

  /** Told of every decision, in order, on the thread that called the gate. */
  public interface Listener {
    void trade(Trade t);

    void quote(Quote q);

    /** The trades between two accepted ones never came. */
    void gap(TradeGap gap);

    void duplicate(String symbol);

    void dropped(String symbol, MalformedReason reason);

    /** Whether {@code symbol} now has a trade held back. */
    void holding(String symbol, boolean holding);
  }

  private static final class Product {
    long lastId;
    long lastMs;
    long clockMs = NO_TRADE;
    Trade held;
    MalformedReason heldFor;
    Quote heldQuote;
  }

  private final long maxSkewMs;
  private final long maxIdJump;
  private final boolean localClock;
  private final Listener listener;
  private final Map<String, Product> products = new HashMap<>();
  private long newestMs = NO_TRADE;

  /** {@code localClock}: a live feed, whose trades must also not run ahead of this machine's clock. */
  public TradeGate(long maxSkewMs, long maxIdJump, boolean localClock, Listener listener) {
    this.maxSkewMs = maxSkewMs;
    this.maxIdJump = maxIdJump;
    this.localClock = localClock;
    this.listener = listener;
  }

  /**
   * Forgets {@code symbol}, a held trade included (uncounted): taken up again later it starts new sequences, as the
   * ids and clock it had then would make everything since look like one enormous gap.
   */
  public void forget(String symbol) {
    Product p = products.remove(symbol);
    if (p != null && p.held != null) {
      listener.holding(symbol, false);
    }
  }

  /** The time of the newest trade accepted of any product, or {@link #NO_TRADE}. */
  public long newestTradeMs() {
    return newestMs;
  }

  public void trade(Trade t, long nowMs) {
    String symbol = t.symbol();
    if (!sane(t)) {
      listener.dropped(symbol, MalformedReason.NON_FINITE);
      return;
    }
    Product p = products.computeIfAbsent(symbol, s -> new Product());
    if (t.tradeId() <= p.lastId && p.lastId - t.tradeId() <= maxIdJump) {
      listener.duplicate(symbol);
      return;
    }
    Trade held = p.held;
    if (held != null) {
      if (near(held, t.timeMs(), t.tradeId())) {
        if (t.tradeId() == held.tradeId()) {
          listener.duplicate(symbol);
          return;
        }
        release(symbol, p);
        accept(symbol, p, t);
        return;
      }
      dropHeld(symbol, p);
    }
    MalformedReason outlier = outlier(p, t.timeMs(), t.tradeId(), nowMs);
    if (outlier == null) {
      accept(symbol, p, t);
    } else {
      p.held = t;
      p.heldFor = outlier;
      listener.holding(symbol, true);
    }
  }

  public void quote(Quote q, long nowMs) {
    String symbol = q.symbol();
    if (!sane(q.bid()) || !sane(q.ask())) {
      listener.dropped(symbol, MalformedReason.NON_FINITE);
      return;
    }
    Product p = products.computeIfAbsent(symbol, s -> new Product());
    if (!ahead(p, q.timeMs(), nowMs)) {
      listener.quote(q);
    } else if (p.held != null && Math.abs(q.timeMs() - p.held.timeMs()) <= maxSkewMs) {
      if (p.heldQuote == null || q.timeMs() >= p.heldQuote.timeMs()) {
        p.heldQuote = q;
      }
    } else {
      listener.dropped(symbol, MalformedReason.FUTURE_TIME);
    }
  }

  /** A heartbeat of {@code symbol}: {@code timeMs} is {@link IsoTime#INVALID} when it had no readable time. */
  public void heartbeat(String symbol, long lastTradeId, long timeMs) {
    Product p = products.get(symbol);
    if (p != null && p.held != null && timeMs != IsoTime.INVALID && near(p.held, timeMs, lastTradeId)) {
      release(symbol, p);
    }
  }

  /**
   * Whether a trade fetched to fill a gap may go to the market. It fills in behind the clock, so it is never held and
   * moves nothing; one that is not finite or is ahead of the clock is dropped.
   */
  public boolean backfill(Trade t, long nowMs) {
    String symbol = t.symbol();
    if (!sane(t)) {
      listener.dropped(symbol, MalformedReason.NON_FINITE);
      return false;
    }
    if (ahead(products.computeIfAbsent(symbol, s -> new Product()), t.timeMs(), nowMs)) {
      listener.dropped(symbol, MalformedReason.FUTURE_TIME);
      return false;
    }
    return true;
  }

  private static boolean sane(Trade t) {
    return sane(t.price()) && sane(t.size()) && sane(t.price() * t.size());
  }

  private static boolean sane(double v) {
    return v > 0 && v <= MAX_MAGNITUDE;
  }

  /** Why a trade that is neither a duplicate nor near a held one must be held, or null; time is judged first. */
  private MalformedReason outlier(Product p, long timeMs, long id, long nowMs) {
    if (ahead(p, timeMs, nowMs)) {
      return MalformedReason.FUTURE_TIME;
    }
    if (p.lastId != 0 && (id - p.lastId > maxIdJump || p.lastId - id > maxIdJump)) {
      return MalformedReason.TRADE_ID_JUMP;
    }
    return null;
  }

  private boolean ahead(Product p, long timeMs, long nowMs) {
    long feedClock = localClock ? nowMs : newestMs;
    return p.clockMs != NO_TRADE && timeMs - p.clockMs > maxSkewMs
        || feedClock != NO_TRADE && timeMs - feedClock > maxSkewMs;
  }

  /** Whether a time and id continue from {@code held}: the id not below it, at most the jump past, the time close. */
  private boolean near(Trade held, long timeMs, long id) {
    return id >= held.tradeId() && id - held.tradeId() <= maxIdJump
        && Math.abs(timeMs - held.timeMs()) <= maxSkewMs;
  }

  private void accept(String symbol, Product p, Trade t) {
    if (p.lastId != 0 && t.tradeId() - p.lastId > 1) {
      listener.gap(new TradeGap(symbol, p.lastId, p.lastMs, t.tradeId(), t.timeMs()));
    }
    p.lastId = t.tradeId();
    p.lastMs = t.timeMs();
    p.clockMs = Math.max(p.clockMs, t.timeMs());
    newestMs = Math.max(newestMs, t.timeMs());
    listener.trade(t);
  }

  private void release(String symbol, Product p) {
    Trade held = p.held;
    Quote quote = p.heldQuote;
    unhold(symbol, p);
    accept(symbol, p, held);
    if (quote != null) {
      listener.quote(quote);
    }
  }

  private void dropHeld(String symbol, Product p) {
    MalformedReason why = p.heldFor;
    boolean quote = p.heldQuote != null;
    unhold(symbol, p);
    listener.dropped(symbol, why);
    if (quote) {
      listener.dropped(symbol, MalformedReason.FUTURE_TIME);
    }
  }

  private void unhold(String symbol, Product p) {
    p.held = null;
    p.heldFor = null;
    p.heldQuote = null;
    listener.holding(symbol, false);
  }
}
