package dev.tapewatch.feed;

import dev.tapewatch.tape.BookUpdate;
import java.util.List;

/**
 * Coinbase Exchange ws-feed messages read into a {@link FeedTape}: a {@code match} or {@code last_match} is a trade
 * (a resent one a duplicate there, a jump in a product's {@code trade_id} a gap; ids, not {@code sequence}, which
 * counts every order-book event), a {@code ticker} a quote, a {@code snapshot} or {@code l2update} a change of the
 * product's book, a {@code heartbeat} may vouch for a held trade.
 */
public final class ExchangeTape {
  private final CoinbaseMessageParser parser;
  private final FeedTape tape;

  public ExchangeTape(List<String> symbols, FeedTape tape) {
    this.parser = new CoinbaseMessageParser(symbols);
    this.tape = tape;
  }

  /** Parses and delivers one message; returns it so the caller can act on subscriptions and errors. */
  public FeedMessage accept(String raw, long nowMs, long nowNanos) {
    return deliver(parse(raw), nowMs, nowNanos);
  }

  /** Parses one message without delivering it: safe on any thread, so that a replay may parse ahead in parallel. */
  FeedMessage parse(String raw) {
    return parser.parse(raw);
  }

  /** Delivers a message {@link #parse parsed} from what arrived at {@code nowMs}, in arrival order. */
  FeedMessage deliver(FeedMessage m, long nowMs, long nowNanos) {
    tape.arrived(nowMs, nowNanos);
    if (m instanceof FeedMessage.TradeMessage tm) {
      tape.trade(tm.trade());
    } else if (m instanceof FeedMessage.TickerMessage tk) {
      tape.quote(tk.quote());
    } else if (m instanceof FeedMessage.BookMessage bm) {
      BookUpdate u = bm.update();
      // An Exchange snapshot carries no time: it is stamped with its arrival, for the book's age.
      tape.book(u.timeMs() != IsoTime.INVALID ? u : new BookUpdate(u.symbol(), nowMs, u.snapshot(), u.bidPrices(),
          u.bidSizes(), u.askPrices(), u.askSizes()));
    } else if (m instanceof FeedMessage.Heartbeat hb) {
      tape.heartbeat(hb.symbol(), hb.lastTradeId(), hb.timeMs());
    } else if (m instanceof FeedMessage.Malformed bad) {
      tape.malformed(bad.reason());
    } else if (m instanceof FeedMessage.ServerError err) {
      tape.serverError(err.reason().isEmpty() ? err.message() : err.message() + ": " + err.reason());
    }
    return m;
  }
}
