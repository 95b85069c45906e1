package dev.tapewatch.feed;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every raw message the live feed receives, one a line, to {@code <prefix>-<UTC hour>.ndjson.gz} in the
 * recording directory, a tape that replay and backtest read. The event loop only hands a message over: one thread
 * of its own writes them, in the order received, and a full queue (a disk that cannot keep up) drops the message,
 * counted and logged, rather than ever blocking the loop. A file is finished (its gzip trailer written) when the hour
 * of the messages rolls over and when the recorder closes; a restart within the hour appends a second gzip member,
 * which replay reads on as one stream.
 */
final class TapeRecorder {
  /** Messages waiting for the disk; at several thousand messages a second this is a few seconds of stall. */
  static final int QUEUE_MAX = 20_000;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
  private static final long HOUR_MS = 3_600_000L;
  private static final Logger LOG = LoggerFactory.getLogger(TapeRecorder.class);

  private final Path dir;
  private final String prefix;
  private final LongSupplier clock;
  private final ThreadPoolExecutor writer;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  // Touched only by the writer thread, and by close() once that thread has finished.
  private OutputStream out;
  private long openHour = Long.MIN_VALUE;

  /** {@code clock} gives the receive time, in epoch ms, that picks a message's file. */
  TapeRecorder(Path dir, String prefix, LongSupplier clock) {
    this.dir = dir;
    this.prefix = prefix;
    this.clock = clock;
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_MAX), r -> {
      Thread t = new Thread(r, "tapewatch-recorder");
      t.setDaemon(true);
      return t;
    });
  }

  /** The file a message received at {@code ms} goes to. */
  Path fileFor(long ms) {
    return dir.resolve(prefix + "-" + HOUR.format(Instant.ofEpochMilli(ms)) + ".ndjson.gz");
  }

  /** Hands {@code text} to the writer; never blocks. */
  void record(String text) {
    long hour = Math.floorDiv(clock.getAsLong(), HOUR_MS);
    try {
      writer.execute(() -> write(hour, text));
    } catch (RejectedExecutionException e) {
      long n = dropped.incrementAndGet();
      // One line for the first drop and then one per thousand: a slow disk must not also flood the log.
      if (n == 1 || n % 1000 == 0) {
        LOG.warn("recording to " + dir + " cannot keep up: " + n + " messages dropped so far");
      }
    }
  }

  private void write(long hour, String text) {
    try {
      if (hour != openHour) {
        finish();
        out = new GZIPOutputStream(Files.newOutputStream(fileFor(hour * HOUR_MS), StandardOpenOption.CREATE,
            StandardOpenOption.APPEND), 1 << 16);
        openHour = hour;
        files.incrementAndGet();
      }
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      written.incrementAndGet();
    } catch (IOException e) {
      errors.incrementAndGet();
      LOG.error("recording to " + fileFor(hour * HOUR_MS) + " failed: " + e.getMessage());
      // The next message opens the file afresh rather than writing after a gap into a broken stream.
      openHour = Long.MIN_VALUE;
      try {
        finish();
      } catch (IOException ignored) {
        // Already counted and logged: the stream is given up either way.
      }
    }
  }

  private void finish() throws IOException {
    if (out != null) {
      OutputStream o = out;
      out = null;
      o.close();
    }
  }

  /** {@code {dir, files, written, dropped, errors}}, for the feed's status. */
  JsonObject toJson() {
    return new JsonObject().put("dir", dir.toString()).put("files", files.get()).put("written", written.get())
        .put("dropped", dropped.get()).put("errors", errors.get());
  }

  /** Writes what is queued, then finishes the open file; off the event loop. */
  Future<Void> close(Vertx vertx) {
    writer.shutdown();
    return vertx.executeBlocking(() -> {
      if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("recording to " + dir + " still busy after 30 s; its last file may be cut short");
        return null;
      }
      finish();
      return null;
    }, false);
  }
}
