package dev.softlabels.bench;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.Night;
import dev.softlabels.testing.SparkExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench relabel} at a small size: what it prints, and that its MERGE replay changes no label. */
@ExtendWith(SparkExtension.class)
class RelabelBenchmarkTest {

  @TempDir Path work;

  @Test
  void replayingTheNightsMergeOnACopyLeavesTheLabelsAsTheNightLeftThem(SparkSession spark) {
    StringWriter printed = new StringWriter();
    RelabelBenchmark.Figures figures = RelabelBenchmark.run(spark, ConfigLoader.withOverrides(Map.of()), 3_000,
        0.1, work.toString(), new PrintWriter(printed, true));

    LabelStore store = new LabelStore(spark, work.resolve("relabel-store-3000").toString());
    LabelStore replay = new LabelStore(spark, work.resolve("relabel-merge-3000").toString());
    assertThat(store.version()).isEqualTo(2);
    assertThat(replay.version()).isEqualTo(3);
    List<Row> nightLabels = sorted(store.read(2));
    assertThat(sorted(replay.read(3))).isEqualTo(nightLabels);
    long touched = store.read(2).where(col(LabelStore.LAST_CHANGED).equalTo("2026-01-02")).count();
    assertThat(touched).isPositive().isLessThan(nightLabels.size());

    // 3,000 rows of 10 votes an image: 300 images; the night's 300 rows: 150 more votes on them, 150 on 15 new ones.
    assertThat(nightLabels).hasSize(315);
    assertThat(store.nights()).extracting(Night::date, Night::rowsRead, Night::rowsQuarantined, Night::imagesTouched,
        Night::newImages).containsExactly(tuple("2026-01-01", 3_000L, 0L, 300L, 300L),
        tuple("2026-01-02", 300L, 0L, touched, 15L));
    assertThat(replay.nights()).as("the replayed MERGE records no night").extracting(Night::version)
        .containsExactly(1L, 2L);

    assertThat(figures.rows()).isEqualTo(3_000);
    assertThat(figures.nightRows()).isEqualTo(300);
    assertThat(figures.touchedImages()).isEqualTo(touched);
    assertThat(figures.mergeSeconds()).isPositive();
    assertThat(printed.toString())
        .contains("night (300 new rows, 10.00 % of the store's)")
        .contains("the night's Delta MERGE alone (its " + touched + " touched images")
        .containsPattern("night / full aggregate: \\d+\\.\\d{3} \\(target <= 0\\.20: (met|NOT met)\\)");
  }

  private static List<Row> sorted(Dataset<Row> table) {
    return LabelColumns.table(table).orderBy("image_id").collectAsList();
  }
}
