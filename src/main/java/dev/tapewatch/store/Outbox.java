package dev.tapewatch.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local write-ahead log of what the node must not lose, in a directory of its own: entries are appended to
 * segment files and forced to disk before {@link #append} returns, read back in order by the writer that feeds the
 * store, and acknowledged once the store has them. An acknowledged segment is deleted; the last acknowledged
 * sequence number is kept in a small file, so a restart resumes after it (and re-sends at most what was written but
 * not yet acknowledged, which the store's idempotent writes absorb).
 *
 * <p>Each record is {@code [int length][int crc32c][long seq][long appended_ms][payload]}, the checksum over all but
 * the first two fields: a torn write at the tail (power cut, kill during a write) fails its check and is cut off at
 * open, with a log line, and everything before it is kept. The log is bounded by bytes: when it outgrows the bound
 * its oldest segment goes, and the unacknowledged entries it held are counted as dropped and logged.
 *
 * <p>Blocking file I/O: used from one thread at a time, off the event loop (the store runs it with ordered
 * {@code executeBlocking}). The counters may be read from any thread.
 */
final class Outbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  static final int HEADER_BYTES = 24;
  /** One entry's payload may not exceed this: a larger length in a header is damage, not data. */
  static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
  private static final String ACKED_FILE = "acked";
  private static final String SEGMENT_PREFIX = "segment-";
  private static final String SEGMENT_SUFFIX = ".log";

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final List<Segment> segments = new ArrayList<>();
  private FileChannel active;
  private long nextSeq;
  private long ackedSeq;
  /** Where the first unacknowledged entry starts, or the end of the log. */
  private Position cursor;
  /** The last entry the last peek returned, and where the entry after it starts: what an acknowledgement moves to. */
  private long peekedSeq = -1;
  private Position peekedEnd;
  private volatile long depth;
  private volatile long oldestUnackedMs = -1;
  private volatile long dropped;
  private volatile long bytes;
  private volatile long tornBytes;

  private static final class Segment {
    final Path path;
    final long firstSeq;
    long lastSeq;
    long size;

    Segment(Path path, long firstSeq) {
      this.path = path;
      this.firstSeq = firstSeq;
      this.lastSeq = firstSeq - 1;
    }

    /** Entries of this segment after {@code acked}. */
    long unackedAfter(long acked) {
      return Math.max(0, lastSeq - Math.max(firstSeq - 1, acked));
    }
  }

  /** A record's place: its segment and its offset there. */
  private record Position(Segment segment, long offset) {
  }

  /** One entry read back: its sequence number, when it was appended, its payload. */
  record Entry(long seq, long appendedMs, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private Outbox(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = Math.max(64 * 1024, Math.min(64L * 1024 * 1024, maxBytes / 8));
  }

  /** Opens (creating it if need be) the outbox in {@code dir}, checking every record and cutting off a torn tail. */
  static Outbox open(Path dir, long maxBytes) throws IOException {
    Files.createDirectories(dir);
    Outbox box = new Outbox(dir, maxBytes);
    box.load();
    return box;
  }

  private void load() throws IOException {
    Path ackedFile = dir.resolve(ACKED_FILE);
    ackedSeq = Files.exists(ackedFile) ? Long.parseLong(Files.readString(ackedFile).trim()) : 0;
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().startsWith(SEGMENT_PREFIX)).sorted().toList();
    }
    for (Path p : files) {
      String name = p.getFileName().toString();
      Segment s = new Segment(p, Long.parseLong(name.substring(SEGMENT_PREFIX.length(),
          name.length() - SEGMENT_SUFFIX.length())));
      scan(s);
      if (s.lastSeq <= ackedSeq && p != files.get(files.size() - 1)) {
        Files.delete(p);
      } else {
        segments.add(s);
      }
    }
    nextSeq = Math.max(ackedSeq, segments.isEmpty() ? 0 : segments.get(segments.size() - 1).lastSeq) + 1;
    if (segments.isEmpty()) {
      segments.add(new Segment(segmentPath(nextSeq), nextSeq));
    }
    active = FileChannel.open(segments.get(segments.size() - 1).path, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    active.position(active.size());
    cursor = firstAfter(ackedSeq);
    refresh();
  }

  /** Reads a segment's records, checking each; cuts the file at the first that fails, which the log says. */
  private void scan(Segment s) throws IOException {
    try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long offset = 0;
      long expected = s.firstSeq;
      while (offset < size) {
        Entry e = read(ch, offset, size);
        if (e == null || e.seq() != expected) {
          long cut = size - offset;
          tornBytes += cut;
          LOG.atWarn().addKeyValue("segment", s.path.getFileName().toString()).addKeyValue("offset", offset)
              .addKeyValue("bytes", cut)
              .log("outbox: a damaged or torn record was cut off; the " + (expected - s.firstSeq)
                  + " entries before it are kept");
          ch.truncate(offset);
          ch.force(true);
          size = offset;
          break;
        }
        offset += HEADER_BYTES + e.payload().length;
        expected++;
      }
      s.lastSeq = expected - 1;
      s.size = size;
    }
  }

  /** The record at {@code offset}, or null when it is incomplete or fails its check. */
  private static Entry read(FileChannel ch, long offset, long size) throws IOException {
    if (size - offset < HEADER_BYTES) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(ch, header, offset);
    header.flip();
    int length = header.getInt();
    int crc = header.getInt();
    long seq = header.getLong();
    long appendedMs = header.getLong();
    if (length < 0 || length > MAX_PAYLOAD_BYTES || size - offset - HEADER_BYTES < length) {
      return null;
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(ch, payload, offset + HEADER_BYTES);
    if (checksum(seq, appendedMs, payload.array()) != crc) {
      return null;
    }
    return new Entry(seq, appendedMs, payload.array());
  }

  private static void readFully(FileChannel ch, ByteBuffer into, long offset) throws IOException {
    while (into.hasRemaining()) {
      if (ch.read(into, offset + into.position()) < 0) {
        throw new IOException("outbox segment ended inside a record");
      }
    }
  }

  private static int checksum(long seq, long appendedMs, byte[] payload) {
    CRC32C crc = new CRC32C();
    ByteBuffer b = ByteBuffer.allocate(16).putLong(seq).putLong(appendedMs).flip();
    crc.update(b);
    crc.update(payload);
    return (int) crc.getValue();
  }

  private Path segmentPath(long firstSeq) {
    return dir.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, firstSeq, SEGMENT_SUFFIX));
  }

  /**
   * Appends the payloads in order and forces them to disk before returning: once this returns they survive a crash.
   * Returns the sequence number of the last.
   */
  long append(List<byte[]> payloads, long nowMs) throws IOException {
    for (byte[] p : payloads) {
      if (p.length > MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException("outbox entry of " + p.length + " bytes");
      }
    }
    int from = 0;
    while (from < payloads.size()) {
      Segment tail = segments.get(segments.size() - 1);
      if (tail.size >= segmentBytes) {
        tail = roll();
      }
      // As many as fit in what is left of the segment, at least one.
      int to = from;
      long size = 0;
      do {
        size += HEADER_BYTES + payloads.get(to).length;
        to++;
      } while (to < payloads.size() && tail.size + size < segmentBytes);
      write(tail, payloads.subList(from, to), nowMs, (int) size);
      from = to;
    }
    bound();
    refresh();
    return nextSeq - 1;
  }

  /** Closes the full segment, forced, and starts the next, named by its first sequence number. */
  private Segment roll() throws IOException {
    active.force(false);
    active.close();
    Segment next = new Segment(segmentPath(nextSeq), nextSeq);
    segments.add(next);
    active = FileChannel.open(next.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    // The new file's name must survive a crash as well as its contents.
    forceDirectory();
    return next;
  }

  private void write(Segment tail, List<byte[]> payloads, long nowMs, int total) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(total);
    for (byte[] p : payloads) {
      long seq = nextSeq++;
      out.putInt(p.length).putInt(checksum(seq, nowMs, p)).putLong(seq).putLong(nowMs).put(p);
    }
    out.flip();
    while (out.hasRemaining()) {
      active.write(out);
    }
    active.force(false);
    if (cursor == null) {
      cursor = new Position(tail, tail.size);
    }
    tail.lastSeq = nextSeq - 1;
    tail.size += total;
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for reading; the entries are forced all the same.
      LOG.debug("outbox directory not forced: " + e.getMessage());
    }
  }

  /** Over the bound, the oldest segments go (never the one being written); what they held unsent is counted. */
  private void bound() throws IOException {
    long total = segments.stream().mapToLong(s -> s.size).sum();
    while (total > maxBytes && segments.size() > 1) {
      Segment oldest = segments.remove(0);
      long lost = oldest.unackedAfter(ackedSeq);
      total -= oldest.size;
      Files.deleteIfExists(oldest.path);
      if (lost > 0) {
        dropped += lost;
        ackedSeq = Math.max(ackedSeq, oldest.lastSeq);
        LOG.atError().addKeyValue("dropped", lost).addKeyValue("dropped_total", dropped)
            .addKeyValue("outbox_max_bytes", maxBytes)
            .log("outbox full: its oldest entries, never written to the store, were dropped");
      }
      cursor = firstAfter(ackedSeq);
    }
  }

  /** Up to {@code max} entries after the last acknowledged one, oldest first; the outbox is not changed. */
  List<Entry> peek(int max) throws IOException {
    List<Entry> out = new ArrayList<>();
    if (cursor == null) {
      return out;
    }
    int segment = segments.indexOf(cursor.segment());
    long offset = cursor.offset();
    while (out.size() < max && segment < segments.size()) {
      Segment s = segments.get(segment);
      if (offset >= s.size) {
        if (segment == segments.size() - 1) {
          break;
        }
        segment++;
        offset = 0;
        continue;
      }
      try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
        while (out.size() < max && offset < s.size) {
          Entry e = read(ch, offset, s.size);
          if (e == null) {
            throw new IOException("outbox record at " + s.path.getFileName() + ":" + offset + " cannot be read");
          }
          out.add(e);
          offset += HEADER_BYTES + e.payload().length;
        }
      }
    }
    if (!out.isEmpty()) {
      peekedSeq = out.get(out.size() - 1).seq();
      peekedEnd = new Position(segments.get(Math.min(segment, segments.size() - 1)), offset);
    }
    return out;
  }

  /**
   * The store has every entry up to {@code seq}: they will not be read again, and segments holding only such entries
   * are deleted. Acknowledging what the last peek returned costs only that; any other sequence number is looked up
   * from the start of its segment.
   */
  void acknowledge(long seq) throws IOException {
    if (seq <= ackedSeq) {
      return;
    }
    ackedSeq = Math.min(seq, nextSeq - 1);
    Path tmp = dir.resolve(ACKED_FILE + ".tmp");
    Files.writeString(tmp, Long.toString(ackedSeq));
    Files.move(tmp, dir.resolve(ACKED_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    while (segments.size() > 1 && segments.get(0).lastSeq <= ackedSeq) {
      Files.deleteIfExists(segments.remove(0).path);
    }
    cursor = ackedSeq == peekedSeq && segments.contains(peekedEnd.segment()) ? peekedEnd : firstAfter(ackedSeq);
    refresh();
  }

  /** The position of the first entry after {@code seq}, or null when there is none. */
  private Position firstAfter(long seq) throws IOException {
    for (Segment s : segments) {
      if (s.lastSeq <= seq) {
        continue;
      }
      if (s.firstSeq > seq) {
        return new Position(s, 0);
      }
      try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
        long offset = 0;
        for (long at = s.firstSeq; at <= seq; at++) {
          ByteBuffer len = ByteBuffer.allocate(4);
          readFully(ch, len, offset);
          offset += HEADER_BYTES + len.flip().getInt();
        }
        return new Position(s, offset);
      }
    }
    return null;
  }

  /** The append time of the entry at the cursor (the oldest unacknowledged one), or -1 when there is none. */
  private long oldestTime() throws IOException {
    if (cursor == null) {
      return -1;
    }
    int i = segments.indexOf(cursor.segment());
    long offset = cursor.offset();
    while (i < segments.size() - 1 && offset >= segments.get(i).size) {
      i++;
      offset = 0;
    }
    Segment s = segments.get(i);
    if (offset >= s.size) {
      return -1;
    }
    try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      readFully(ch, header, offset);
      return header.getLong(16);
    }
  }

  private void refresh() throws IOException {
    long d = 0;
    long size = 0;
    for (Segment s : segments) {
      d += s.unackedAfter(ackedSeq);
      size += s.size;
    }
    depth = d;
    bytes = size;
    oldestUnackedMs = d > 0 ? oldestTime() : -1;
  }

  /** Entries appended and not yet acknowledged. */
  long depth() {
    return depth;
  }

  /** When the oldest unacknowledged entry was appended (epoch ms), or -1 when there is none. */
  long oldestUnackedMs() {
    return oldestUnackedMs;
  }

  /** Entries dropped unsent because the outbox was full, since it was opened. */
  long dropped() {
    return dropped;
  }

  long bytes() {
    return bytes;
  }

  /** Bytes of damaged or torn records cut off when the outbox was opened. */
  long tornBytes() {
    return tornBytes;
  }

  @Override
  public void close() throws IOException {
    active.close();
  }
}
