package dev.tapewatch.feed;

import dev.tapewatch.tape.Quote;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A seedable random tape for one symbol: a geometric random walk at a realistic price level whose drift switches
 * between up, down and flat regimes every few minutes, trade arrivals at several a second with occasional volume
 * bursts, taker side leaning with the drift, and a quote around the last price. Plain: the caller supplies the clock.
 */
public final class SimulatedMarket {
  private static final double BASE_TRADES_PER_SEC = 4.0;
  private static final double VOLATILITY_PER_SQRT_SEC = 0.00012;

  private final String symbol;
  private final SplittableRandom random;
  private final double ticksPerUnit;
  private final double typicalSize;
  private double price;
  private double driftPerSec;
  private long regimeEndsMs;
  private long burstEndsMs;
  private long tradeId;

  public SimulatedMarket(String symbol, long seed) {
    this.symbol = symbol;
    this.random = new SplittableRandom(seed ^ symbol.hashCode() * 0x9E3779B97F4A7C15L);
    String base = symbol.substring(0, symbol.indexOf('-'));
    switch (base) {
      case "BTC" -> {
        price = 95_000;
        ticksPerUnit = 100;
        typicalSize = 0.02;
      }
      case "ETH" -> {
        price = 3_400;
        ticksPerUnit = 100;
        typicalSize = 0.4;
      }
      case "ADA", "XRP", "DOGE" -> {
        price = 0.45;
        ticksPerUnit = 10_000;
        typicalSize = 1_500;
      }
      default -> {
        price = 100;
        ticksPerUnit = 100;
        typicalSize = 5;
      }
    }
    price *= 0.9 + 0.2 * random.nextDouble();
  }

  /** Generates the trades of (fromMs, toMs] in time order, then the quote at {@code toMs}. */
  public void advance(long fromMs, long toMs, Consumer<Trade> trades, Consumer<Quote> quotes) {
    long t = fromMs;
    while (true) {
      double rate = BASE_TRADES_PER_SEC * (t < burstEndsMs ? 6.0 : 1.0);
      t += Math.max(1, (long) (-Math.log(1 - random.nextDouble()) / rate * 1000));
      if (t > toMs) {
        break;
      }
      maybeSwitchRegime(t);
      trades.accept(nextTrade(t));
    }
    double halfSpread = Math.max(1 / ticksPerUnit, price * 0.00008 * (1 + random.nextDouble()));
    quotes.accept(new Quote(symbol, toMs, round(price - halfSpread), round(price + halfSpread)));
  }

  private void maybeSwitchRegime(long t) {
    if (t >= regimeEndsMs) {
      double pick = random.nextDouble();
      driftPerSec = pick < 0.3 ? 0.000008 : pick < 0.6 ? -0.000008 : 0.0;
      regimeEndsMs = t + 120_000 + (long) (random.nextDouble() * 480_000);
    }
    if (t >= burstEndsMs && random.nextDouble() < 0.0005) {
      burstEndsMs = t + 20_000 + (long) (random.nextDouble() * 40_000);
    }
  }

  private Trade nextTrade(long t) {
    double dt = 1.0 / BASE_TRADES_PER_SEC;
    double gauss = random.nextGaussian();
    price *= Math.exp(driftPerSec * dt + VOLATILITY_PER_SQRT_SEC * Math.sqrt(dt) * gauss);
    double buyBias = 0.5 + Math.signum(driftPerSec) * 0.1;
    Side side = random.nextDouble() < buyBias ? Side.BUY : Side.SELL;
    double size = typicalSize * Math.exp(random.nextDouble() * 3 - 1.5) * (t < burstEndsMs ? 2.0 : 1.0);
    return new Trade(symbol, t, round(price), Math.max(1e-8, Math.round(size * 1e8) / 1e8), side, ++tradeId);
  }

  /** To the price tick, dividing by a whole number so the result is the double nearest the decimal price. */
  private double round(double p) {
    return Math.max(1, Math.round(p * ticksPerUnit)) / ticksPerUnit;
  }
}
