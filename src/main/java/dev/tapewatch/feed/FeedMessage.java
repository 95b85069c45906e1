package dev.tapewatch.feed;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;

/**
 * One Coinbase Exchange ws-feed message after parsing, reduced to what tapewatch uses; also one item of an Advanced
 * Trade message's batch (a trade, a ticker, a book event, or why it was skipped).
 */
public sealed interface FeedMessage {

  /** A {@code match} or {@code last_match}; the trade carries the taker side. */
  record TradeMessage(Trade trade, boolean lastMatch) implements FeedMessage {
  }

  /** A {@code ticker}: the best quote after the trade {@code tradeId}. */
  record TickerMessage(Quote quote, long tradeId) implements FeedMessage {
  }

  /**
   * One product's level-2 snapshot or update (an Exchange {@code snapshot} or {@code l2update}, an Advanced Trade
   * {@code l2_data} event); its time is {@link IsoTime#INVALID} when the message gave none (an Exchange snapshot), for
   * the feed to stamp with the arrival.
   */
  record BookMessage(BookUpdate update) implements FeedMessage {
  }

  /** {@code timeMs}: the exchange's time of sending, {@link IsoTime#INVALID} when absent or unreadable. */
  record Heartbeat(String symbol, long lastTradeId, long timeMs) implements FeedMessage {
  }

  record Subscriptions() implements FeedMessage {
  }

  /** The server's own {@code error} message, e.g. a rejected subscribe. */
  record ServerError(String message, String reason) implements FeedMessage {
  }

  /** A well-formed message of a type tapewatch does not use (status, ...). */
  record Ignored(String type) implements FeedMessage {
  }

  record Malformed(MalformedReason reason) implements FeedMessage {
  }
}
