package dev.tapewatch.feed;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulator's own product list, what {@code SYMBOL=*-USD} resolves to without an exchange: about as many USD
 * products as Coinbase lists, the majors first by name and then made-up tickers, with a few EUR, GBP and BTC pairs
 * of the majors. Like a real market, activity falls off steeply down the list: the first
 * {@value #MAJORS} products trade at the simulator's full rate, the long tail at a few trades a minute, so that a
 * simulated whole market costs what a real one would. A product not on the list (any name given outright) trades at
 * the full rate.
 */
public final class SimulatedProducts {
  static final int USD_PRODUCTS = 400;
  static final int MAJORS = 8;
  private static final List<String> KNOWN = List.of(
      "BTC", "ETH", "SOL", "XRP", "DOGE", "ADA", "AVAX", "LINK", "LTC", "BCH", "DOT", "SHIB", "SUI", "UNI", "XLM",
      "HBAR", "NEAR", "APT", "ICP", "ETC", "AAVE", "ARB", "OP", "FIL", "ATOM", "INJ", "RNDR", "SEI", "TIA", "ONDO",
      "PEPE", "BONK", "WIF", "JUP", "PYTH", "JTO", "FET", "GRT", "ALGO", "STX", "IMX", "LDO", "MKR", "CRV", "COMP",
      "SNX", "SAND", "MANA", "AXS", "APE", "GALA", "CHZ", "FLOW", "KAVA", "XTZ", "EOS", "EGLD", "QNT", "ENS", "ZEC",
      "DASH", "BAT", "ZRX", "1INCH", "SUSHI", "YFI", "BAL", "UMA", "BAND", "SKL", "STORJ", "ANKR", "CVX", "LRC",
      "MASK", "AUDIO", "API3", "BLUR", "AMP", "ACH", "AERO", "BICO", "BNT", "CELR", "COTI", "CTSI", "DIA", "DYDX",
      "ENJ", "GLM", "GTC", "HNT", "IOTX", "JASMY", "KNC", "KSM", "LPT", "LQTY", "MINA", "NKN", "NMR", "OCEAN", "OGN",
      "OXT", "PERP", "POL", "POWR", "RAD", "REQ", "RLC", "ROSE", "SPELL", "SUPER", "SYN", "TRB", "TRU", "VET", "XYO",
      "ZEN", "W");
  private static final List<String> OTHER_QUOTES = List.of("EUR", "GBP", "BTC");
  private static final int MAJORS_WITH_OTHER_QUOTES = 15;
  private static final List<String> ALL = build();

  private SimulatedProducts() {
  }

  /** Every simulated product: the USD ones, most traded first, then the other quotes. */
  public static List<String> all() {
    return ALL;
  }

  /**
   * How busy {@code symbol} is against the simulator's full rate: 1 for the majors and any product not on the list,
   * falling as 1 / (1 + (rank − {@value #MAJORS}) / 4) down the list.
   */
  static double activity(String symbol) {
    int rank = ALL.indexOf(symbol);
    return rank < MAJORS ? 1.0 : 1.0 / (1.0 + (rank - MAJORS) / 4.0);
  }

  private static List<String> build() {
    Set<String> bases = new LinkedHashSet<>(KNOWN);
    // Made-up tickers, the same every time: consonant-vowel syllables, as many tickers are.
    SplittableRandom random = new SplittableRandom(0x7A9E);
    String consonants = "BCDFGHJKLMNPRSTVXZ";
    String vowels = "AEIOUY";
    while (bases.size() < USD_PRODUCTS) {
      StringBuilder b = new StringBuilder();
      int syllables = 2 + random.nextInt(2);
      for (int i = 0; i < syllables; i++) {
        b.append(consonants.charAt(random.nextInt(consonants.length())));
        b.append(vowels.charAt(random.nextInt(vowels.length())));
      }
      bases.add(b.substring(0, Math.min(b.length(), 3 + random.nextInt(3))));
    }
    List<String> out = new ArrayList<>(bases.stream().map(base -> base + "-USD").toList());
    OTHER_QUOTES.forEach(quote -> KNOWN.stream().limit(MAJORS_WITH_OTHER_QUOTES)
        .filter(base -> !base.equals(quote)).map(base -> base + "-" + quote).forEach(out::add));
    return List.copyOf(out);
  }
}
