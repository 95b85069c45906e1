package dev.tapewatch.market;

import dev.tapewatch.tape.Timeframe;

import dev.tapewatch.tape.BookUpdate;
import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Trade;
import java.util.EnumMap;
import java.util.Map;

/**
 * Everything tapewatch knows about one symbol: the cached trades, the latest quote, the bars of every timeframe and
 * the order book. Plain and single-threaded: its {@link SymbolVerticle} is the only caller.
 */
public final class SymbolState {
  /** Bars kept per timeframe, whatever happens to the trade cache. */
  public static final int BARS_KEPT = 1000;

  private final String symbol;
  private final TradeRing trades;
  private LegacySignals legacy;
  private final Map<Timeframe, BarSeries> bars = new EnumMap<>(Timeframe.class);
  private Quote quote;
  private final OrderBook book;
  private BookFeatures bookFeatures;
  private boolean bookFeaturesCurrent;

  /** {@code bookDepth}: the levels kept a side of the order book. */
  public SymbolState(String symbol, int tradesMax, int bookDepth) {
    this.symbol = symbol;
    this.trades = new TradeRing(tradesMax);
    this.book = new OrderBook(bookDepth);
    for (Timeframe tf : Timeframe.values()) {
      bars.put(tf, new BarSeries(tf.widthMs(), BARS_KEPT));
    }
  }

  public String symbol() {
    return symbol;
  }

  public void apply(Trade t) {
    legacy = null;
    trades.add(t.timeMs(), t.price(), t.size(), t.takerSide(), t.tradeId());
    for (BarSeries series : bars.values()) {
      series.add(t.timeMs(), t.price(), t.size(), t.takerSide());
    }
  }

  /** Keeps the newest quote by exchange time; an older one arriving late is ignored. */
  public void apply(Quote q) {
    if (quote == null || q.timeMs() >= quote.timeMs()) {
      quote = q;
    }
  }

  public OrderBook.Applied apply(BookUpdate u) {
    bookFeaturesCurrent = false;
    return book.apply(u);
  }

  public OrderBook book() {
    return book;
  }

  /** The book's features, or null while it has none (see {@link BookFeatures#of}); kept until the book changes. */
  public BookFeatures bookFeatures() {
    if (!bookFeaturesCurrent) {
      bookFeatures = BookFeatures.of(book);
      bookFeaturesCurrent = true;
    }
    return bookFeatures;
  }

  public TradeRing trades() {
    return trades;
  }

  public BarSeries bars(Timeframe tf) {
    return bars.get(tf);
  }

  /** The latest quote, or null. */
  public Quote quote() {
    return quote;
  }

  public boolean hasTrades() {
    return trades.size() > 0;
  }

  /** Price of the latest trade by trade time; only meaningful when {@link #hasTrades()}. */
  public double lastPrice() {
    return trades.price(trades.size() - 1);
  }

  public long lastTradeTimeMs() {
    return trades.time(trades.size() - 1);
  }

  /**
   * The features of one timeframe; P is the last trade price, or the close of the latest bar while only candles
   * from the warm-up are there.
   */
  public TimeframeFeatures features(Timeframe tf) {
    BarSeries series = bars.get(tf);
    if (series.size() == 0) {
      return TimeframeFeatures.EMPTY;
    }
    double p = hasTrades() ? lastPrice() : series.close(series.size() - 1);
    return TimeframeFeatures.of(series, p);
  }

  /**
   * Kept until the next trade: every agent due at one time asks for them (on the tape clock, at every tick of a
   * backtest).
   */
  public LegacySignals legacySignals() {
    if (legacy == null) {
      legacy = LegacySignals.of(trades);
    }
    return legacy;
  }
}
