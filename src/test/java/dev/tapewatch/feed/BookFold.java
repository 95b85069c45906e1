package dev.tapewatch.feed;

import dev.tapewatch.tape.BookUpdate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The book that level-2 changes describe, folded the plainest way (a snapshot replaces it, a level set to 0 goes):
 * what any correct book built from them must hold. A test's yardstick, not the service's order book.
 */
final class BookFold {
  final NavigableMap<Long, Double> bids = new TreeMap<>(Collections.reverseOrder());
  final NavigableMap<Long, Double> asks = new TreeMap<>();

  static BookFold of(List<BookUpdate> updates) {
    BookFold f = new BookFold();
    updates.forEach(f::apply);
    return f;
  }

  void apply(BookUpdate u) {
    if (u.snapshot()) {
      bids.clear();
      asks.clear();
    }
    set(bids, u.bidPrices(), u.bidSizes());
    set(asks, u.askPrices(), u.askSizes());
  }

  private static void set(NavigableMap<Long, Double> side, long[] prices, double[] sizes) {
    for (int i = 0; i < prices.length; i++) {
      if (sizes[i] == 0) {
        side.remove(prices[i]);
      } else {
        side.put(prices[i], sizes[i]);
      }
    }
  }

  /** The generated market's book of {@code product}, in the same terms. */
  static BookFold of(AdvancedTradeMarket.State state, String product) {
    BookFold f = new BookFold();
    state.bids.get(product).forEach((price, q) -> f.bids.put(price, Double.parseDouble(q)));
    state.offers.get(product).forEach((price, q) -> f.asks.put(price, Double.parseDouble(q)));
    return f;
  }

  Map<String, Map<Long, Double>> sides() {
    return Map.of("bids", bids, "asks", asks);
  }
}
