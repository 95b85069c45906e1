package dev.tapewatch.feed;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The messages of a recorded tape in their order, each stamped with the moment its line was read (its arrival) and,
 * for an Exchange message, already parsed. One by one, as the lines are read; or, for a replay as fast as possible,
 * parsed ahead in chunks on {@code threads} threads of its own while the caller delivers the chunks before them:
 * parsing is most of a replay's work, and a message's parse depends on nothing before it.
 */
abstract class TapeArrivals implements AutoCloseable {
  /** A line read at {@code nowMs} / {@code nowNanos}; {@code parsed} is its Exchange message, else null. */
  record Arrival(RecordedLine recorded, long nowMs, long nowNanos, FeedMessage parsed) {
  }

  static final int CHUNK_LINES = 256;
  /** Chunks read and being parsed ahead of the one delivered, per parsing thread. */
  static final int CHUNKS_AHEAD_PER_THREAD = 2;

  /** The next arrival, or null at the end of the tape. */
  abstract Arrival next() throws IOException;

  @Override
  public void close() {
  }

  static TapeArrivals oneByOne(TapeLines lines, ExchangeTape exchange) {
    return new TapeArrivals() {
      @Override
      Arrival next() throws IOException {
        String line = nextLine(lines);
        return line == null ? null : parsed(line, System.currentTimeMillis(), System.nanoTime(), exchange);
      }
    };
  }

  static TapeArrivals parsedAhead(TapeLines lines, ExchangeTape exchange, int threads, String threadName) {
    return new ParsedAhead(lines, exchange, threads, threadName);
  }

  /** The next line that is not blank, or null. */
  private static String nextLine(TapeLines lines) throws IOException {
    String line;
    do {
      line = lines.readLine();
    } while (line != null && line.isBlank());
    return line;
  }

  private static Arrival parsed(String line, long nowMs, long nowNanos, ExchangeTape exchange) {
    RecordedLine recorded = RecordedLine.of(line);
    return new Arrival(recorded, nowMs, nowNanos,
        recorded.kind() == RecordedLine.Kind.EXCHANGE ? exchange.parse(recorded.message()) : null);
  }

  private static final class ParsedAhead extends TapeArrivals {
    private final TapeLines lines;
    private final ExchangeTape exchange;
    private final ExecutorService parsers;
    private final int ahead;
    private final ArrayDeque<CompletableFuture<List<Arrival>>> chunks = new ArrayDeque<>();
    private List<Arrival> current = List.of();
    private int index;
    private boolean ended;

    ParsedAhead(TapeLines lines, ExchangeTape exchange, int threads, String threadName) {
      this.lines = lines;
      this.exchange = exchange;
      this.ahead = threads * CHUNKS_AHEAD_PER_THREAD;
      AtomicInteger n = new AtomicInteger();
      this.parsers = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    Arrival next() throws IOException {
      while (index == current.size()) {
        readAhead();
        if (chunks.isEmpty()) {
          return null;
        }
        try {
          current = chunks.poll().get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("replay interrupted", e);
        } catch (ExecutionException e) {
          // What parsing threw, as if the line had been parsed here.
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new IOException(e.getCause());
        }
        index = 0;
      }
      return current.get(index++);
    }

    /** Reads chunks, stamping each line as it is read, and hands them to the parsers until enough are ahead. */
    private void readAhead() throws IOException {
      while (!ended && chunks.size() < ahead) {
        List<String> raw = new ArrayList<>(CHUNK_LINES);
        long[] ms = new long[CHUNK_LINES];
        long[] nanos = new long[CHUNK_LINES];
        String line;
        while (raw.size() < CHUNK_LINES && (line = nextLine(lines)) != null) {
          ms[raw.size()] = System.currentTimeMillis();
          nanos[raw.size()] = System.nanoTime();
          raw.add(line);
        }
        ended = raw.size() < CHUNK_LINES;
        if (!raw.isEmpty()) {
          chunks.add(CompletableFuture.supplyAsync(() -> {
            List<Arrival> out = new ArrayList<>(raw.size());
            for (int i = 0; i < raw.size(); i++) {
              out.add(parsed(raw.get(i), ms[i], nanos[i], exchange));
            }
            return out;
          }, parsers));
        }
      }
    }

    @Override
    public void close() {
      parsers.shutdownNow();
    }
  }
}
