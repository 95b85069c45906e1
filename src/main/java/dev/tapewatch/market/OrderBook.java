package dev.tapewatch.market;

import dev.tapewatch.tape.BookUpdate;

/**
 * One symbol's level-2 book, keyed by exact scaled prices ({@link BookUpdate#PRICE_SCALE}), at most {@code depth}
 * levels a side (see {@link BookSide}). A snapshot replaces the book; an update sets or removes levels. A book that
 * cannot be trusted, crossed after a change (best bid at or above best ask) or changed before any snapshot, is
 * emptied and {@link State#RESYNCING} until the next snapshot: such a book is never read. Plain and
 * single-threaded, like {@link SymbolState}.
 */
public final class OrderBook {
  /** NONE: no snapshot yet; OK: built from a snapshot and the updates since; RESYNCING: waiting for a snapshot. */
  public enum State { NONE, OK, RESYNCING }

  /** What applying one update did. */
  public enum Applied { APPLIED, IGNORED_WHILE_RESYNCING, RESYNC }

  /** Why a book went to resyncing; {@link #key()} is what the status and {@code feed.book.resync} say. */
  public enum ResyncReason {
    CROSSED, UPDATE_BEFORE_SNAPSHOT, MESSAGES_LOST;

    public String key() {
      return name().toLowerCase();
    }
  }

  private final BookSide bids;
  private final BookSide asks;
  private State state = State.NONE;
  private ResyncReason reason;
  private long timeMs;
  private long changes;

  public OrderBook(int depth) {
    this.bids = new BookSide(depth);
    this.asks = new BookSide(depth);
  }

  public Applied apply(BookUpdate u) {
    if (u.isLost()) {
      // Changes may be missing: the book is wrong until the next snapshot, which the feed has asked for.
      // A book not yet built has nothing to stop: it waits for its first snapshot anyway.
      return state == State.NONE ? Applied.APPLIED : resync(ResyncReason.MESSAGES_LOST);
    }
    if (u.snapshot()) {
      bids.replace(u.bidPrices(), u.bidSizes(), 1);
      asks.replace(u.askPrices(), u.askSizes(), -1);
      state = State.OK;
      reason = null;
    } else if (state == State.RESYNCING) {
      return Applied.IGNORED_WHILE_RESYNCING;
    } else if (state == State.NONE) {
      return resync(ResyncReason.UPDATE_BEFORE_SNAPSHOT);
    } else {
      for (int i = 0; i < u.bidPrices().length; i++) {
        bids.set(u.bidPrices()[i], u.bidSizes()[i]);
      }
      for (int i = 0; i < u.askPrices().length; i++) {
        asks.set(-u.askPrices()[i], u.askSizes()[i]);
      }
    }
    changes++;
    timeMs = u.timeMs();
    if (bids.size() > 0 && asks.size() > 0 && bidPrice(0) >= askPrice(0)) {
      return resync(ResyncReason.CROSSED);
    }
    return Applied.APPLIED;
  }

  private Applied resync(ResyncReason why) {
    state = State.RESYNCING;
    reason = why;
    bids.clear();
    asks.clear();
    return Applied.RESYNC;
  }

  public State state() {
    return state;
  }

  /** Why the book is resyncing, or null. */
  public ResyncReason resyncReason() {
    return reason;
  }

  /** Whether the book may be read: built from a snapshot and never crossed since. */
  public boolean ok() {
    return state == State.OK;
  }

  /** The time of the latest snapshot or update applied (the exchange's, or the arrival's when it gave none). */
  public long timeMs() {
    return timeMs;
  }

  /** Snapshots and updates applied, counted so that a cached view can tell that the book changed. */
  public long changes() {
    return changes;
  }

  public int bidLevels() {
    return bids.size();
  }

  public int askLevels() {
    return asks.size();
  }

  /** The scaled price of the i-th best bid, 0 the best. */
  public long bidPrice(int i) {
    return bids.key(i);
  }

  public double bidQuantity(int i) {
    return bids.quantity(i);
  }

  /** The scaled price of the i-th best ask, 0 the best. */
  public long askPrice(int i) {
    return -asks.key(i);
  }

  public double askQuantity(int i) {
    return asks.quantity(i);
  }
}
