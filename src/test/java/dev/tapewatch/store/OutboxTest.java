package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox on a real file system: what is appended survives a reopen, in order, until it is acknowledged. */
class OutboxTest {
  private static final long MB = 1024 * 1024;

  @TempDir
  Path dir;

  private static List<byte[]> entries(String prefix, int n, int size) {
    return IntStream.range(0, n).mapToObj(i -> {
      String head = prefix + i + ":";
      return (head + "x".repeat(Math.max(0, size - head.length()))).getBytes(StandardCharsets.UTF_8);
    }).toList();
  }

  private static List<String> heads(List<Outbox.Entry> entries) {
    return entries.stream().map(e -> e.text().substring(0, e.text().indexOf(':'))).toList();
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
    }
  }

  @Test
  void entriesSurviveAReopenInOrderUntilAcknowledged() throws Exception {
    try (Outbox box = Outbox.open(dir, 512 * MB)) {
      assertEquals(3, box.append(entries("a", 3, 10), 1_000));
      assertEquals(5, box.append(entries("b", 2, 10), 2_000));
      assertEquals(5, box.depth());
      assertEquals(1_000, box.oldestUnackedMs());
      assertEquals(List.of("a0", "a1", "a2"), heads(box.peek(3)));
      box.acknowledge(3);
      assertEquals(2, box.depth());
      assertEquals(2_000, box.oldestUnackedMs());
    }
    // A crash after the acknowledgement: the next start resumes after it, sequence numbers go on.
    try (Outbox box = Outbox.open(dir, 512 * MB)) {
      assertEquals(2, box.depth());
      assertEquals(List.of("b0", "b1"), heads(box.peek(10)));
      assertEquals(6, box.append(entries("c", 1, 10), 3_000));
      assertEquals(List.of("b0", "b1", "c0"), heads(box.peek(10)));
      box.acknowledge(6);
      assertEquals(0, box.depth());
      assertEquals(-1, box.oldestUnackedMs());
      assertEquals(List.of(), box.peek(10));
    }
  }

  @Test
  void aTornTailIsCutOffAndEverythingBeforeItKept() throws Exception {
    try (Outbox box = Outbox.open(dir, 512 * MB)) {
      box.append(entries("e", 4, 50), 1_000);
    }
    Path segment = segments().get(0);
    long whole = Files.size(segment);
    // The last record half written, as a kill during its write leaves it.
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(whole - 30);
    }
    try (Outbox box = Outbox.open(dir, 512 * MB)) {
      assertEquals(List.of("e0", "e1", "e2"), heads(box.peek(10)));
      assertEquals(Outbox.HEADER_BYTES + 50 - 30, box.tornBytes());
      assertEquals(3 * (Outbox.HEADER_BYTES + 50), Files.size(segment), "the torn bytes are gone from the file");
      // The sequence goes on from the last whole record.
      assertEquals(4, box.append(entries("f", 1, 50), 2_000));
      assertEquals(List.of("e0", "e1", "e2", "f0"), heads(box.peek(10)));
    }
  }

  @Test
  void aCorruptedRecordFailsItsChecksumAndIsCutOffWithTheRest() throws Exception {
    try (Outbox box = Outbox.open(dir, 512 * MB)) {
      box.append(entries("e", 3, 50), 1_000);
    }
    Path segment = segments().get(0);
    // One byte of the second record's payload flipped, as a bad sector or a stray write would.
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = (Outbox.HEADER_BYTES + 50) + Outbox.HEADER_BYTES + 10;
      ch.write(ByteBuffer.wrap(new byte[] {'?'}), at);
    }
    try (Outbox box = Outbox.open(dir, 512 * MB)) {
      assertEquals(List.of("e0"), heads(box.peek(10)));
      assertEquals(2 * (Outbox.HEADER_BYTES + 50), box.tornBytes());
    }
  }

  @Test
  void aFullOutboxDropsItsOldestSegmentsAndCountsTheUnsentEntries() throws Exception {
    // 1 MiB bound: segments of 128 KiB, the floor of 64 KiB being below an eighth of it.
    try (Outbox box = Outbox.open(dir, MB)) {
      int size = 32 * 1024 - Outbox.HEADER_BYTES;
      // 40 entries of exactly 32 KiB: four to a segment, ten segments, 1.25 MiB.
      box.append(entries("e", 40, size), 1_000);
      // Over 1 MiB by two segments' worth and a bit: the two oldest (eight entries) go, none of them sent.
      assertEquals(8, box.dropped());
      assertEquals(32, box.depth());
      assertEquals(MB, box.bytes());
      assertEquals(8, segments().size());
      assertEquals("e8", heads(box.peek(1)).get(0));
      box.acknowledge(20);
      // What was acknowledged and then fell out of the bound is not counted as dropped.
      box.append(entries("g", 4, size), 2_000);
      assertEquals(8, box.dropped());
      assertTrue(box.bytes() <= MB);
    }
    try (Outbox box = Outbox.open(dir, MB)) {
      assertEquals(List.of("e20", "e21"), heads(box.peek(2)));
      assertEquals(24, box.depth());
    }
  }

  @Test
  void peeksAndAcknowledgementsInterleavedWithAppendsSeeEveryEntryOnceInOrder() throws Exception {
    List<String> seen = new java.util.ArrayList<>();
    int size = 8 * 1024 - Outbox.HEADER_BYTES;
    try (Outbox box = Outbox.open(dir, MB)) {
      int appended = 0;
      for (int round = 0; round < 60; round++) {
        // Appends of 3 and acknowledgements of 2, so a backlog grows across 64 KiB segments (8 entries each).
        box.append(entries("r" + round + "-", 3, size), round);
        appended += 3;
        List<Outbox.Entry> batch = box.peek(2);
        seen.addAll(heads(batch));
        box.acknowledge(batch.get(batch.size() - 1).seq());
        assertEquals(appended - seen.size(), box.depth());
      }
      List<Outbox.Entry> rest = box.peek(1000);
      seen.addAll(heads(rest));
      box.acknowledge(rest.get(rest.size() - 1).seq());
      assertEquals(0, box.depth());
      assertEquals(1, segments().size(), "only the segment being written is left");
    }
    List<String> expected = IntStream.range(0, 60).boxed()
        .flatMap(r -> Stream.of("r" + r + "-0", "r" + r + "-1", "r" + r + "-2")).toList();
    assertEquals(expected, seen);
  }

  @Test
  void acknowledgedSegmentsAreDeleted() throws Exception {
    try (Outbox box = Outbox.open(dir, MB)) {
      int size = 32 * 1024 - Outbox.HEADER_BYTES;
      box.append(entries("e", 12, size), 1_000);
      assertEquals(3, segments().size());
      box.acknowledge(8);
      assertEquals(1, segments().size(), "the two segments holding entries 1 to 8 are gone");
      assertEquals(List.of("e8"), heads(box.peek(1)));
    }
  }
}
