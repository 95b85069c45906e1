package dev.tapewatch;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.tapewatch.config.LogSettings;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Applies LOG_FORMAT and LOG_LEVEL to Logback: readable lines, or one JSON object per line (time, level, logger,
 * message, and the key-value fields a line carries: symbol, agent, finding_id, duration_ms...). Netty and Hazelcast
 * stay at WARN unless DEBUG or TRACE is asked for.
 */
public final class Logging {
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{36}: %msg %kvp%n";

  private Logging() {
  }

  public static void configure(LogSettings settings) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Encoder<ILoggingEvent> encoder;
    if (settings.json()) {
      LogstashEncoder json = new LogstashEncoder();
      json.setContext(context);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern(TEXT_PATTERN);
      text.start();
      encoder = text;
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(settings.json() ? "json" : "text");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(console);
    Level level = Level.toLevel(settings.level());
    root.setLevel(level);
    Level libraries = level.isGreaterOrEqual(Level.INFO) ? Level.WARN : level;
    context.getLogger("io.netty").setLevel(libraries);
    context.getLogger("com.hazelcast").setLevel(libraries);
    // Warns at every start that CP structures run unsafe; tapewatch uses none (ownership is a plain map).
    context.getLogger("com.hazelcast.cp.CPSubsystem").setLevel(Level.ERROR);
  }
}
