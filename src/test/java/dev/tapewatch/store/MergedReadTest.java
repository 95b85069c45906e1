package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A store's answer merged with what is not yet written, against sorting them all together as the reads once did. */
class MergedReadTest {
  /** A row as a read gives it: {@code copy} tells an unwritten copy from the store's. */
  private record Row(Instant ts, String id, String copy) {
  }

  private static final Comparator<Row> NEWEST_FIRST = FindingQuery.newestFirst(Row::ts, Row::id);

  /** All of them in one stable sort, unwritten first, then the first copy of each id, up to the limit. */
  private static List<Row> sortedTogether(List<Row> stored, List<Row> unwritten, int limit) {
    List<Row> all = new ArrayList<>(unwritten);
    all.addAll(stored);
    all.sort(NEWEST_FIRST);
    List<Row> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Row r : all) {
      if (out.size() < limit && ids.add(r.id())) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void aMergeGivesWhatASortOfAllOfThemGaveWithTheUnwrittenCopyOfAFindingInBoth() {
    Random random = new Random(17);
    for (int round = 0; round < 5000; round++) {
      int times = 1 + random.nextInt(20);
      List<Row> stored = new ArrayList<>();
      for (int i = random.nextInt(40); i > 0; i--) {
        stored.add(new Row(Instant.ofEpochSecond(random.nextInt(times)), "id-" + random.nextInt(60), "stored"));
      }
      stored = new ArrayList<>(stored.stream().collect(Collectors.toMap(Row::id, r -> r,
          (a, b) -> a)).values());
      stored.sort(NEWEST_FIRST);
      List<Row> unwritten = new ArrayList<>();
      for (int i = random.nextInt(6); i > 0; i--) {
        // Now and then a finding already in the store, or one given twice: a copy has its finding's time.
        Row r = random.nextInt(3) == 0 && !stored.isEmpty() ? stored.get(random.nextInt(stored.size()))
            : random.nextInt(4) == 0 && !unwritten.isEmpty() ? unwritten.get(random.nextInt(unwritten.size()))
            : new Row(Instant.ofEpochSecond(random.nextInt(times)), "new-" + random.nextInt(60), "stored");
        unwritten.add(new Row(r.ts(), r.id(), "unwritten " + i));
      }
      int limit = 1 + random.nextInt(50);
      assertEquals(sortedTogether(stored, unwritten, limit),
          FindingQuery.merged(stored, unwritten, NEWEST_FIRST, Row::id, limit),
          "stored " + stored + ", unwritten " + unwritten + ", limit " + limit);
    }
  }
}
