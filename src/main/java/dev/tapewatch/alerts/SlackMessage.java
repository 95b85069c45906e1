package dev.tapewatch.alerts;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.agents.LabelSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One payload for Slack's incoming webhook and the alerts it carries. {@code text} is a single readable line
 * (what notifications and clients without blocks show); {@code blocks} hold the same as a section, a context line
 * (time, agent, finding id for looking it up in /findings) and, with ALERT_VERBOSE, the details as a code block.
 * When the scorecard has rows for the finding's label, its track record ({@link TrackRecord#line}) ends the text and
 * the section, so the reader weighs the alert by how the label has done. A
 * digest folds several alerts into "N alerts: ..." when they arrive faster than the webhook may be called.
 */
record SlackMessage(JsonObject payload, List<String> lines, int alerts) {
  /** Slack rejects a section (and a context element) whose text is longer than this. */
  static final int TEXT_MAX = 3000;
  /** Lines a digest keeps; beyond that only its count grows, so a long burst cannot grow one message unboundedly. */
  static final int DIGEST_LINES_MAX = 50;

  boolean isDigest() {
    return alerts > 1;
  }

  static SlackMessage of(JsonObject finding, boolean verbose, TrackRecord record) {
    String agent = finding.getString("agent", "?");
    String label = finding.getString("label", "?");
    String symbol = finding.getString("symbol", "?");
    JsonObject details = finding.getValue("details") instanceof JsonObject d ? d : new JsonObject();
    String score = score(num(finding, "score"));
    String who = label + (label.equals(agent) ? "" : " (" + agent + ")");
    String price = price(details);
    String reason = reason(agent, label, num(finding, "score"), details);
    String track = record.line(agent, label).orElse(null);

    String text = clip(esc(symbol + " " + who + " score " + score + (price == null ? "" : " at " + price)
        + ": " + reason + (track == null ? "" : "; " + track)), TEXT_MAX);
    String section = clip("*" + esc(symbol) + "* " + esc(who) + " · score *" + score + "*"
        + (price == null ? "" : " · price " + price) + "\n" + esc(reason) + (track == null ? "" : "\n" + esc(track)),
        TEXT_MAX);
    String context = clip(esc(finding.getString("ts_utc", "") + " · " + agent + " · id "
        + finding.getString("id", "?")), TEXT_MAX);
    JsonArray blocks = new JsonArray().add(section(section))
        .add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(mrkdwn(context))));
    if (verbose) {
      blocks.add(section("```" + clip(esc(details.encodePrettily()), TEXT_MAX - 6) + "```"));
    }
    String line = symbol + " " + label + " " + score + (label.equals(agent) ? "" : " (" + agent + ")");
    return new SlackMessage(new JsonObject().put("text", text).put("blocks", blocks), List.of(line), 1);
  }

  /** Folds {@code parts} (singles or earlier digests) into one message, oldest first. */
  static SlackMessage digest(List<SlackMessage> parts) {
    int alerts = 0;
    List<String> lines = new ArrayList<>();
    for (SlackMessage p : parts) {
      alerts += p.alerts;
      for (String l : p.lines) {
        if (lines.size() < DIGEST_LINES_MAX) {
          lines.add(l);
        }
      }
    }
    String head = alerts + " alerts: ";
    String text = clip(esc(head + String.join("; ", lines)), TEXT_MAX);
    StringBuilder list = new StringBuilder("*" + alerts + " alerts* (more than the webhook may be sent one by one)");
    int shown = 0;
    for (String l : lines) {
      String item = "\n• " + esc(l);
      // Room is kept for the "…and N more" line so the section stays under Slack's limit.
      if (list.length() + item.length() > TEXT_MAX - 40) {
        break;
      }
      list.append(item);
      shown++;
    }
    if (shown < alerts) {
      list.append("\n…and ").append(alerts - shown).append(" more");
    }
    JsonArray blocks = new JsonArray().add(section(list.toString()));
    return new SlackMessage(new JsonObject().put("text", text).put("blocks", blocks), List.copyOf(lines), alerts);
  }

  /** A one-line explanation of the label, in its agent's words; the bare label for one no agent declares. */
  static String reason(String agent, String label, Number score, JsonObject d) {
    return AgentCatalog.label(agent, label).map(l -> l.reason().explain(score, d)).orElse(label);
  }

  /** The price the finding speaks of: details price, last_price, or the quote's mid; null when it has none. */
  static String price(JsonObject d) {
    Number p = num(d, "price");
    if (p == null) {
      p = num(d, "last_price");
    }
    if (p == null && num(d, "best_bid") != null && num(d, "best_ask") != null) {
      p = (num(d, "best_bid").doubleValue() + num(d, "best_ask").doubleValue()) / 2;
    }
    if (p == null || !Double.isFinite(p.doubleValue())) {
      return null;
    }
    // Eight significant digits suit both BTC (95012.015) and ADA (0.45123) without binary noise.
    return new BigDecimal(p.doubleValue()).round(new MathContext(8)).stripTrailingZeros().toPlainString();
  }

  static String score(Number n) {
    return LabelSpec.number(n);
  }

  /** Slack reads &, < and > in mrkdwn as markup (links, mentions), so text from findings must be escaped. */
  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A number field, or null when absent or not a number: a malformed finding still gets a message. */
  static Number num(JsonObject o, String key) {
    return LabelSpec.field(o, key);
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static JsonObject section(String text) {
    return new JsonObject().put("type", "section").put("text", mrkdwn(text));
  }

  private static JsonObject mrkdwn(String text) {
    return new JsonObject().put("type", "mrkdwn").put("text", text);
  }
}
