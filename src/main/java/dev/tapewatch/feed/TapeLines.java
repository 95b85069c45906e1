package dev.tapewatch.feed;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a recorded tape exactly as {@link java.io.BufferedReader#readLine} over a UTF-8 reader gives them (a
 * line ends at {@code \n}, {@code \r} or {@code \r\n}; the last may end at the end of the stream), but split in bytes
 * and each decoded at once into its string: no pass through a char buffer and back, which costs a replay as much as
 * all its other work outside the parser. A newline byte is never part of a multi-byte UTF-8 sequence, so decoding
 * line by line gives the characters decoding the whole stream gives, replacement characters included.
 */
final class TapeLines implements Closeable {
  static final int BUFFER = 1 << 16;

  private final InputStream in;
  private byte[] buffer;
  private int pos;
  private int limit;
  /** The last line ended with {@code \r}: a {@code \n} right after it ends nothing. */
  private boolean skipLf;

  TapeLines(InputStream in) {
    this(in, BUFFER);
  }

  TapeLines(InputStream in, int bufferSize) {
    this.in = in;
    this.buffer = new byte[bufferSize];
  }

  /** The next line, without its end, or null at the end of the stream. */
  String readLine() throws IOException {
    int start = pos;
    while (true) {
      if (pos == limit) {
        int kept = limit - start;
        if (!fill(start)) {
          return kept == 0 ? null : decode(0, kept);
        }
        start = 0;
        continue;
      }
      if (skipLf) {
        skipLf = false;
        if (buffer[pos] == '\n') {
          start = ++pos;
          continue;
        }
      }
      // The scan for the line's end alone, in a loop the compiler keeps tight: a replay reads every byte here.
      int end = pos;
      while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') {
        end++;
      }
      pos = end;
      if (end < limit) {
        String line = decode(start, end);
        skipLf = buffer[end] == '\r';
        pos++;
        return line;
      }
    }
  }

  /** Keeps the bytes from {@code start} at the front, growing the buffer if they fill it, and reads more after them. */
  private boolean fill(int start) throws IOException {
    int kept = limit - start;
    if (kept == buffer.length) {
      buffer = Arrays.copyOf(buffer, 2 * buffer.length);
    } else if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, kept);
    }
    pos = kept;
    limit = kept;
    int n = in.read(buffer, kept, buffer.length - kept);
    if (n <= 0) {
      return false;
    }
    limit += n;
    return true;
  }

  private String decode(int from, int to) {
    return new String(buffer, from, to - from, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
