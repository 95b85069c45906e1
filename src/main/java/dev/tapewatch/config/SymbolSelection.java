package dev.tapewatch.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code SYMBOL} asks for: products named outright and patterns such as {@code *-USD}, in the order given, with
 * at most {@code limit} products in all ({@code SYMBOL_LIMIT}). A pattern is resolved at start-up against a product
 * list (the exchange's, or the simulator's), which only the feed knows; {@link #resolve} is the pure part of that.
 */
public record SymbolSelection(String raw, List<String> parts, int limit) {
  private static final Pattern PRODUCT = Pattern.compile("[A-Z0-9]{1,12}-[A-Z0-9]{1,12}");
  /** A product with {@code *} standing for any run of letters and digits, at least one of them. */
  private static final Pattern PRODUCT_PATTERN = Pattern.compile("[A-Z0-9*]{1,12}-[A-Z0-9*]{1,12}");

  static SymbolSelection read(ConfigReader r) {
    String raw = r.raw("SYMBOL");
    String accepted = "a comma list of products like BTC-USD,ETH-USD or patterns like *-USD (upper case, no"
        + " duplicates)";
    List<String> parts = new ArrayList<>();
    for (String part : raw.split(",", -1)) {
      String s = part.trim();
      boolean ok = PRODUCT.matcher(s).matches() || PRODUCT_PATTERN.matcher(s).matches() && !s.contains("**");
      if (!ok || parts.contains(s)) {
        throw new ConfigException("SYMBOL", ConfigException.quote(raw), accepted);
      }
      parts.add(s);
    }
    return new SymbolSelection(raw, List.copyOf(parts), r.integer("SYMBOL_LIMIT", 1, 2000));
  }

  /** Whether every part names a product, so that no product list is needed. */
  public boolean explicit() {
    return parts.stream().noneMatch(SymbolSelection::isPattern);
  }

  /** The products named outright, capped at the limit: what an explicit selection watches. */
  List<String> named() {
    return resolve(List.of(), "");
  }

  /**
   * The products to watch: each part in order, a pattern giving every product of {@code available} it matches in
   * that list's order (the most traded first, where the list is ordered so), no product twice, at most
   * {@code limit}.
   *
   * @param source where {@code available} came from, named when a pattern matches nothing
   * @throws ConfigException when the selection comes to no product
   */
  public List<String> resolve(List<String> available, String source) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : parts) {
      if (isPattern(part)) {
        Pattern p = Pattern.compile(Pattern.quote(part).replace("*", "\\E[A-Z0-9]+\\Q"));
        available.stream().filter(s -> p.matcher(s).matches()).forEach(out::add);
      } else {
        out.add(part);
      }
    }
    if (out.isEmpty()) {
      throw new ConfigException("SYMBOL", ConfigException.quote(raw), "a pattern that matches at least one online"
          + " product of " + source);
    }
    return List.copyOf(out).subList(0, Math.min(limit, out.size()));
  }

  private static boolean isPattern(String part) {
    return part.indexOf('*') >= 0;
  }
}
