package dev.softlabels.votes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.annotations.AnnotationReader.ReadRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoteBucketsTest {

  @TempDir Path dir;

  private static final Comparator<ReadRow> BY_ORDER = Comparator.comparingLong(ReadRow::rowOrder);

  @Test
  void everyRowComesBackWholeInTheOneBucketOfItsImage() throws Exception {
    List<ReadRow> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(
          new ReadRow(
              i % 50 == 0 ? null : "img" + i % 37,
              i % 7 == 0 ? null : "u" + i % 5,
              i % 11 == 0 ? "" : "čat \uD83D\uDC08",
              i % 13 == 0 ? "raw,record" : null,
              i % 17 == 0 ? "rejected_in_tool" : null,
              i % 3,
              (long) (i % 2) << 33 | i));
    }
    List<ReadRow> back = new ArrayList<>();
    Path folder;
    try (VoteBuckets buckets = VoteBuckets.create(dir, 8)) {
      try (VoteBuckets.Writer first = buckets.writer();
          VoteBuckets.Writer second = buckets.writer()) {
        for (ReadRow row : rows) {
          (row.rowOrder() % 2 == 0 ? first : second).add(row);
        }
      }
      for (int bucket = 0; bucket < buckets.buckets(); bucket++) {
        List<ReadRow> one = buckets.read(bucket);
        int expected = bucket;
        assertThat(one).allMatch(row -> buckets.bucketOf(row.image()) == expected);
        back.addAll(one);
      }
      assertThat(rows.stream().map(ReadRow::image).distinct().map(buckets::bucketOf).distinct())
          .as("the images spread over several buckets")
          .hasSizeGreaterThan(4);
      try (var made = Files.list(dir)) {
        folder = made.findFirst().orElseThrow();
      }
    }
    back.sort(BY_ORDER);
    rows.sort(BY_ORDER);
    assertThat(back).isEqualTo(rows);
    assertThat(folder).doesNotExist();
  }
}
