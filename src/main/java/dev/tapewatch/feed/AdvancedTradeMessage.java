package dev.tapewatch.feed;

import java.util.List;
import java.util.Map;

/**
 * One Coinbase Advanced Trade websocket message after parsing, with its {@code sequence_num}: one counter per
 * connection across every channel, so that a lost message of any channel shows as a gap.
 */
public sealed interface AdvancedTradeMessage {
  /** {@link #sequence()} of a message whose {@code sequence_num} could not be read. */
  long NO_SEQUENCE = -1;

  long sequence();

  /**
   * {@code market_trades}: every trade of every event in wire order (newest first, as Coinbase batches them), each a
   * {@link FeedMessage.TradeMessage} with the taker's side or a {@link FeedMessage.Malformed}; {@code snapshot} when
   * the batch is the recent trades sent on subscribing.
   */
  record Trades(long sequence, boolean snapshot, List<FeedMessage> trades) implements AdvancedTradeMessage {
  }

  /** {@code ticker}: a {@link FeedMessage.TickerMessage} (stamped with the message's time) or why not, per ticker. */
  record Tickers(long sequence, List<FeedMessage> tickers) implements AdvancedTradeMessage {
  }

  /** {@code l2_data}: a {@link FeedMessage.BookMessage} or why not, per event (one product each). */
  record Books(long sequence, List<FeedMessage> books) implements AdvancedTradeMessage {
  }

  /** {@code heartbeats}: the connection is alive. */
  record Heartbeat(long sequence) implements AdvancedTradeMessage {
  }

  /** {@code subscriptions}: every channel the connection is now subscribed to, with its products. */
  record Subscriptions(long sequence, Map<String, List<String>> channels) implements AdvancedTradeMessage {
  }

  /** A well-formed message of a channel tapewatch does not use ({@code candles}, {@code status}...). */
  record Ignored(long sequence, String channel) implements AdvancedTradeMessage {
  }

  /** The server's {@code {"type":"error","message":...}}, e.g. a rejected subscribe. */
  record ServerError(long sequence, String message) implements AdvancedTradeMessage {
  }

  /** A message skipped whole; its sequence still counts when it could be read. */
  record Malformed(long sequence, MalformedReason reason) implements AdvancedTradeMessage {
  }
}
