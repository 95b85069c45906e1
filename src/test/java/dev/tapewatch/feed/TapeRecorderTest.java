package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TapeRecorderTest {
  private static final long T = Instant.parse("2026-12-01T05:30:00Z").toEpochMilli();
  private final Vertx vertx = Vertx.vertx();

  @TempDir
  Path dir;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void closeRecorder(TapeRecorder r) throws Exception {
    r.close(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String gunzip(InputStream raw) throws IOException {
    try (InputStream in = new GZIPInputStream(raw)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aRestartWithinTheHourAppendsToItsFileAndBothPartsReadAsOne() throws Exception {
    TapeRecorder first = new TapeRecorder(dir, "coinbase", () -> T);
    first.record("{\"type\":\"heartbeat\",\"n\":1}");
    closeRecorder(first);
    TapeRecorder second = new TapeRecorder(dir, "coinbase", () -> T + 60_000);
    second.record("{\"type\":\"heartbeat\",\"n\":2}");
    closeRecorder(second);
    Path file = dir.resolve("coinbase-2026-12-01T05.ndjson.gz");
    assertEquals("{\"type\":\"heartbeat\",\"n\":1}\n{\"type\":\"heartbeat\",\"n\":2}\n",
        gunzip(Files.newInputStream(file)));
  }

  /**
   * A named pipe nobody reads stands for a disk that cannot keep up: the writer blocks opening it, one message in
   * hand and {@link TapeRecorder#QUEUE_MAX} waiting; every further one is dropped and counted, and the loop's call
   * returns at once. Once read, the kept messages come out whole and in order.
   */
  @Test
  void aStalledDiskDropsWhatTheQueueCannotHoldAndKeepsTheRestInOrder() throws Exception {
    Path fifo = dir.resolve("coinbase-2026-12-01T05.ndjson.gz");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    TapeRecorder r = new TapeRecorder(dir, "coinbase", () -> T);
    int kept = TapeRecorder.QUEUE_MAX + 1;
    int sent = kept + 9;
    for (int i = 0; i < sent; i++) {
      r.record("m" + i);
    }
    assertEquals(new JsonObject().put("dir", dir.toString()).put("files", 0L).put("written", 0L).put("dropped", 9L)
        .put("errors", 0L), r.toJson());
    CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
      try {
        // A FileInputStream: the NIO one seeks, which a pipe refuses.
        return gunzip(new FileInputStream(fifo.toFile()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    closeRecorder(r);
    assertEquals(IntStream.range(0, kept).mapToObj(i -> "m" + i + "\n").collect(Collectors.joining()),
        read.get(30, TimeUnit.SECONDS));
    assertEquals(new JsonObject().put("dir", dir.toString()).put("files", 1L).put("written", (long) kept)
        .put("dropped", 9L).put("errors", 0L), r.toJson());
  }
}
