package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A replay reads its tape in bytes: every line and every character must be what BufferedReader.readLine over a UTF-8
 * reader gives, whatever the line ends, the bytes (broken UTF-8 included) and the way the stream hands them over.
 */
class TapeLinesTest {
  @Test
  void sameLinesAsBufferedReader() throws IOException {
    assertSame("");
    assertSame("{\"type\":\"match\"}\n{\"type\":\"ticker\"}\n");
    assertSame("no end");
    assertSame("a\r\nb\rc\n\nd\r\r\ne\n\r");
    assertSame("caf\u00e9 \u20ac \ud83d\ude00\n");
  }

  @Test
  void randomBytesInEveryBufferSize() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    byte[] alphabet = {'a', '{', '"', '\n', '\r', (byte) 0xE2, (byte) 0x82, (byte) 0xAC, (byte) 0xF0, (byte) 0x9F,
        (byte) 0xC3, (byte) 0xFF};
    for (int i = 0; i < 5000; i++) {
      byte[] bytes = new byte[rnd.nextInt(60)];
      for (int k = 0; k < bytes.length; k++) {
        bytes[k] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
      }
      assertSame(bytes, 1 + rnd.nextInt(8));
    }
  }

  private static void assertSame(String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int size : new int[] {1, 2, 3, 5, TapeLines.BUFFER}) {
      assertSame(bytes, size);
    }
  }

  private static void assertSame(byte[] bytes, int bufferSize) throws IOException {
    List<String> expected = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        expected.add(line);
      }
    }
    List<String> actual = new ArrayList<>();
    try (TapeLines lines = new TapeLines(new Trickle(bytes), bufferSize)) {
      String line;
      while ((line = lines.readLine()) != null) {
        actual.add(line);
      }
    }
    assertEquals(expected, actual, () -> "buffer " + bufferSize + ", bytes " + Arrays.toString(bytes));
  }

  /** Hands over at most three bytes a read, as a slow stream would. */
  private static final class Trickle extends InputStream {
    private final byte[] bytes;
    private int pos;

    Trickle(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, 3), bytes.length - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
