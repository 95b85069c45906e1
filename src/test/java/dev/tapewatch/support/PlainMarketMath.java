package dev.tapewatch.support;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The README's market-math definitions computed the plain way, from a full list of trades and whole bar lists, as
 * an independent check of the incremental implementation. Trades with equal times keep their arrival order.
 */
public final class PlainMarketMath {

  public record T(long timeMs, double price, double size, boolean buy) {
  }

  public record Bar(long bucket, double open, double high, double low, double close, double volume, double pv) {
  }

  private PlainMarketMath() {
  }

  public static List<T> byTime(List<T> arrivalOrder) {
    List<T> sorted = new ArrayList<>(arrivalOrder);
    sorted.sort(Comparator.comparingLong(T::timeMs));
    return sorted;
  }

  public static List<Bar> bars(List<T> arrivalOrder, long widthMs) {
    List<T> trades = byTime(arrivalOrder);
    List<Bar> bars = new ArrayList<>();
    if (trades.isEmpty()) {
      return bars;
    }
    long first = Math.floorDiv(trades.get(0).timeMs(), widthMs);
    long last = Math.floorDiv(trades.get(trades.size() - 1).timeMs(), widthMs);
    double prevClose = trades.get(0).price();
    int i = 0;
    for (long b = first; b <= last; b++) {
      List<T> in = new ArrayList<>();
      while (i < trades.size() && Math.floorDiv(trades.get(i).timeMs(), widthMs) == b) {
        in.add(trades.get(i++));
      }
      if (in.isEmpty()) {
        bars.add(new Bar(b, prevClose, prevClose, prevClose, prevClose, 0, 0));
        continue;
      }
      double high = in.stream().mapToDouble(T::price).max().orElseThrow();
      double low = in.stream().mapToDouble(T::price).min().orElseThrow();
      double volume = 0;
      double pv = 0;
      for (T t : in) {
        volume += t.size();
        pv += t.price() * t.size();
      }
      Bar bar = new Bar(b, in.get(0).price(), high, low, in.get(in.size() - 1).price(), volume, pv);
      bars.add(bar);
      prevClose = bar.close();
    }
    return bars;
  }

  public static double lastPrice(List<T> arrivalOrder) {
    List<T> trades = byTime(arrivalOrder);
    return trades.get(trades.size() - 1).price();
  }

  public static double momBps(List<Bar> b) {
    int n = b.size();
    return n < 2 ? 0.0 : (b.get(n - 1).close() / b.get(n - 2).close() - 1) * 1e4;
  }

  public static double pxVsVwapBps(List<Bar> b, double lastPrice) {
    List<Bar> window = b.subList(Math.max(0, b.size() - 20), b.size());
    double pv = window.stream().mapToDouble(Bar::pv).sum();
    double v = window.stream().mapToDouble(Bar::volume).sum();
    return v == 0 ? 0.0 : (lastPrice / (pv / v) - 1) * 1e4;
  }

  public static double rvol(List<Bar> b) {
    int n = b.size();
    if (n < 2) {
      return 0.0;
    }
    List<Bar> before = b.subList(Math.max(0, n - 1 - 20), n - 1);
    double mean = before.stream().mapToDouble(Bar::volume).average().orElse(0);
    return mean == 0 ? 0.0 : b.get(n - 1).volume() / mean;
  }

  public static double atr(List<Bar> b) {
    int n = b.size();
    if (n < 2) {
      return 0.0;
    }
    List<Double> trs = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      Bar cur = b.get(i);
      double pc = b.get(i - 1).close();
      trs.add(Math.max(cur.high() - cur.low(), Math.max(Math.abs(cur.high() - pc), Math.abs(cur.low() - pc))));
    }
    return trs.subList(Math.max(0, trs.size() - 14), trs.size()).stream().mapToDouble(Double::doubleValue)
        .average().orElse(0);
  }

  /** mom1/mom5: P against the last trade at or before t − lookback. */
  public static double tradeMomentumBps(List<T> arrivalOrder, long lookbackMs) {
    List<T> trades = byTime(arrivalOrder);
    T last = trades.get(trades.size() - 1);
    T ref = null;
    for (T t : trades) {
      if (t.timeMs() <= last.timeMs() - lookbackMs) {
        ref = t;
      }
    }
    return ref == null ? 0.0 : (last.price() / ref.price() - 1) * 1e4;
  }

  public static double rvolVsRecent(List<T> arrivalOrder) {
    List<T> trades = byTime(arrivalOrder);
    long t = trades.get(trades.size() - 1).timeMs();
    double total = trades.stream().mapToDouble(T::size).sum();
    double recent = trades.stream().filter(x -> x.timeMs() > t - 300_000).mapToDouble(T::size).sum();
    double spanS = (t - trades.get(0).timeMs()) / 1000.0;
    return total == 0 ? 0.0 : recent / (total * 300 / Math.max(spanS, 300));
  }

  public static double tradeVwapBps(List<T> arrivalOrder) {
    double pv = arrivalOrder.stream().mapToDouble(x -> x.price() * x.size()).sum();
    double v = arrivalOrder.stream().mapToDouble(T::size).sum();
    return (lastPrice(arrivalOrder) / (pv / v) - 1) * 1e4;
  }
}
