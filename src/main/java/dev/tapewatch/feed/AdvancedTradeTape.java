package dev.tapewatch.feed;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Trade;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Coinbase Advanced Trade messages read into a {@link FeedTape}, keeping what the protocol asks of a client:
 *
 * <ul>
 *   <li>{@code sequence_num} counts every message of the connection, whatever its channel: a number skipped means
 *       messages were lost, and with them perhaps book changes of any product. A malformed message, or a malformed
 *       book event, loses its content the same way.</li>
 *   <li>A product's book is only as good as its last snapshot: after a loss, on a new connection and when its book
 *       is asked for afresh, its updates are held back from the market until its next snapshot arrives, so that
 *       no update lands on a book that is known to be wrong. A loss is reported (to resubscribe) once, not again
 *       while the snapshots it asked for are due.</li>
 *   <li>A {@code market_trades} batch (the snapshot of recent trades sent on subscribing, then updates, each newest
 *       first, a trade sometimes sent again) goes to the gate in trade-time order, then by id: the snapshot's trades
 *       count like any others, and a trade seen before is a duplicate there, by its product's id sequence.</li>
 * </ul>
 *
 * Single-threaded, like its tape.
 */
public final class AdvancedTradeTape {
  /** How long a snapshot may be due before a new loss asks for it again. */
  static final long SNAPSHOT_DUE_MS = 10_000;

  /** Told when the books of the listed products can no longer be trusted and their snapshots are now due. */
  @FunctionalInterface
  public interface LossListener {
    void booksLost(List<String> symbols);
  }

  private final AdvancedTradeMessageParser parser;
  private final FeedTape tape;
  private final List<String> symbols;
  private final LossListener losses;
  /** Product → when its snapshot became due; a product absent has a book the updates may apply to. */
  private final Map<String, Long> snapshotDue = new HashMap<>();
  /** The sequence_num the next message must have; {@link AdvancedTradeMessage#NO_SEQUENCE} until one is known. */
  private long nextSequence = AdvancedTradeMessage.NO_SEQUENCE;
  private long nowMs;

  /**
   * Before anything is read every book waits for a snapshot, and the sequence starts wherever the first message has
   * it (a recorded tape may begin in the middle of a connection).
   */
  public AdvancedTradeTape(List<String> symbols, FeedTape tape, LossListener losses) {
    this.parser = new AdvancedTradeMessageParser(symbols);
    this.tape = tape;
    this.symbols = symbols;
    this.losses = losses;
    symbols.forEach(s -> snapshotDue.put(s, 0L));
  }

  /** A new connection: its sequence starts at 0, and every book waits for the snapshot it sends. */
  public void newConnection(long nowMs) {
    nextSequence = 0;
    symbols.forEach(s -> snapshotDue.put(s, nowMs));
  }

  /**
   * {@code symbol}'s book is being asked for afresh: its updates wait for the snapshot. False when a snapshot of it is
   * already due (asked for less than {@link #SNAPSHOT_DUE_MS} ago), so that it is not asked for twice.
   */
  public boolean awaitSnapshot(String symbol, long nowMs) {
    Long due = snapshotDue.get(symbol);
    if (due != null && nowMs - due < SNAPSHOT_DUE_MS) {
      return false;
    }
    snapshotDue.put(symbol, nowMs);
    return true;
  }

  /** Parses and delivers one message; returns it so the caller can act on subscriptions and errors. */
  public AdvancedTradeMessage accept(String raw, long nowMs, long nowNanos) {
    this.nowMs = nowMs;
    tape.arrived(nowMs, nowNanos);
    AdvancedTradeMessage m = parser.parse(raw);
    follow(m.sequence());
    if (m instanceof AdvancedTradeMessage.Trades t) {
      trades(t.trades());
    } else if (m instanceof AdvancedTradeMessage.Tickers t) {
      for (FeedMessage item : t.tickers()) {
        if (item instanceof FeedMessage.TickerMessage tk) {
          tape.quote(tk.quote());
        } else if (item instanceof FeedMessage.Malformed bad) {
          tape.malformed(bad.reason());
        }
      }
    } else if (m instanceof AdvancedTradeMessage.Books b) {
      books(b.books());
    } else if (m instanceof AdvancedTradeMessage.Heartbeat) {
      tape.heartbeat();
    } else if (m instanceof AdvancedTradeMessage.ServerError err) {
      tape.serverError(err.message());
    } else if (m instanceof AdvancedTradeMessage.Malformed bad) {
      tape.malformed(bad.reason());
      lost();
    }
    return m;
  }

  /**
   * Follows the connection's one counter. A number above the next expected is a loss; one below it can only be a
   * new connection in a recorded tape (a live connection is announced by {@link #newConnection}).
   */
  private void follow(long sequence) {
    if (sequence == AdvancedTradeMessage.NO_SEQUENCE) {
      return;
    }
    if (nextSequence == AdvancedTradeMessage.NO_SEQUENCE) {
      nextSequence = sequence;
    }
    if (sequence > nextSequence) {
      tape.sequenceGap(sequence - nextSequence);
      lost();
    } else if (sequence < nextSequence) {
      symbols.forEach(s -> snapshotDue.put(s, nowMs));
    }
    nextSequence = sequence + 1;
  }

  /** Every book may have missed a change: unless their snapshots are already due, they are asked for again. */
  private void lost() {
    List<String> owned = symbols.stream().filter(tape::owns).toList();
    boolean allDue = owned.stream().allMatch(s -> snapshotDue.containsKey(s)
        && nowMs - snapshotDue.get(s) < SNAPSHOT_DUE_MS);
    if (allDue) {
      return;
    }
    owned.forEach(s -> {
      snapshotDue.put(s, nowMs);
      tape.bookLost(s);
    });
    losses.booksLost(owned);
  }

  private void trades(List<FeedMessage> items) {
    List<Trade> batch = new ArrayList<>(items.size());
    for (FeedMessage item : items) {
      if (item instanceof FeedMessage.TradeMessage tm) {
        batch.add(tm.trade());
      } else if (item instanceof FeedMessage.Malformed bad) {
        tape.malformed(bad.reason());
      }
    }
    FeedTape.sortByTradeTime(batch);
    batch.forEach(tape::trade);
  }

  private void books(List<FeedMessage> items) {
    for (FeedMessage item : items) {
      if (item instanceof FeedMessage.BookMessage bm) {
        BookUpdate u = bm.update();
        if (u.snapshot()) {
          snapshotDue.remove(u.symbol());
          tape.book(u);
        } else if (!snapshotDue.containsKey(u.symbol())) {
          tape.book(u);
        }
      } else if (item instanceof FeedMessage.Malformed bad) {
        tape.malformed(bad.reason());
        if (bad.reason() != MalformedReason.UNKNOWN_PRODUCT) {
          lost();
        }
      }
    }
  }

  /** The products of the share whose snapshots have been due for {@link #SNAPSHOT_DUE_MS} or more. */
  public List<String> snapshotsOverdue(long nowMs) {
    return symbols.stream().filter(s -> tape.owns(s) && snapshotDue.containsKey(s)
        && nowMs - snapshotDue.get(s) >= SNAPSHOT_DUE_MS).toList();
  }
}
