package dev.tapewatch.feed;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The shared Advanced Trade capture (see {@code ../shared/data/PROVENANCE.md}): one connection's 1,030 server
 * messages for BTC-USD and ETH-USD in recorder envelopes, and the 279 distinct trades derived from it. Read once.
 */
final class AdvancedTradeCapture {
  static final Path CAPTURE = Path.of("..", "shared", "data", "coinbase_advtrade_ws_capture_2026-08-09.jsonl.gz");
  static final Path TRADES = Path.of("..", "shared", "data", "coinbase_advtrade_trades_btc_eth_2026-08-09.ndjson");
  static final List<String> PRODUCTS = List.of("BTC-USD", "ETH-USD");

  private static List<String> lines;
  private static List<String> received;

  private AdvancedTradeCapture() {
  }

  /** Every line of the capture, envelopes as written. */
  static synchronized List<String> lines() {
    if (lines == null) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          new GZIPInputStream(Files.newInputStream(CAPTURE)), StandardCharsets.UTF_8))) {
        lines = in.lines().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return lines;
  }

  /** The server's messages, in the order received, exactly as sent. */
  static synchronized List<String> received() {
    if (received == null) {
      List<String> out = new ArrayList<>();
      for (String line : lines()) {
        JsonObject envelope = new JsonObject(line);
        if ("recv".equals(envelope.getString("t"))) {
          out.add(envelope.getString("data"));
        }
      }
      received = List.copyOf(out);
    }
    return received;
  }

  /** The derived trades file, one JSON object a line. */
  static List<JsonObject> trades() {
    try {
      return Files.readAllLines(TRADES, StandardCharsets.UTF_8).stream().map(JsonObject::new).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
