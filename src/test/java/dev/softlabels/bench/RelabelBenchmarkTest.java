package dev.softlabels.bench;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.Night;
import dev.softlabels.testing.Acceptance;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SqlLabels;
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

/** {@code bench relabel} at a small size: what it prints, and that each night's store is right. */
@ExtendWith(SparkExtension.class)
@Acceptance
class RelabelBenchmarkTest {

  @TempDir Path work;

  @Test
  void everyNightMeetsTheSameStoreAndLeavesTheLabelsOfOneAggregateOverItsRows(SparkSession spark) {
    StringWriter printed = new StringWriter();
    List<RelabelBenchmark.Figures> all =
        RelabelBenchmark.run(
            spark,
            ConfigLoader.withOverrides(Map.of()),
            List.of(3_000L),
            0.1,
            List.of(100L, 7L),
            2,
            work.toString(),
            new PrintWriter(printed, true));

    assertThat(all).hasSize(1);
    RelabelBenchmark.Figures figures = all.get(0);
    assertThat(figures.rows()).isEqualTo(3_000);
    assertThat(figures.nights())
        .extracting(RelabelBenchmark.NightFigures::rows)
        .containsExactly(300L, 100L, 7L);
    assertThat(figures.aggregateSeconds()).isPositive();
    LabelStore store = new LabelStore(spark, work.resolve("relabel-store-3000").toString());
    // 3,000 rows of 10 votes an image: 300 images, one night.
    assertThat(store.nights())
        .extracting(Night::date, Night::rowsRead, Night::imagesTouched, Night::newImages)
        .containsExactly(tuple("2026-01-01", 3_000L, 300L, 300L));

    // The last night (7 rows: 3 more votes on existing images, 4 on a new one) ran on a copy of
    // that store.
    LabelStore last = new LabelStore(spark, work.resolve("relabel-night-store").toString());
    assertThat(last.nights())
        .extracting(Night::date, Night::rowsRead, Night::newImages)
        .containsExactly(tuple("2026-01-01", 3_000L, 300L), tuple("2026-01-02", 7L, 1L));
    assertThat(figures.nights().get(2).touchedImages())
        .isEqualTo(last.nights().get(1).imagesTouched())
        .isBetween(2L, 4L);
    ClassList classes =
        AggregateBenchmark.parquet(AnnotationSource.from(ConfigLoader.withOverrides(Map.of())))
            .givenClasses()
            .orElseThrow();
    Dataset<Row> votes =
        spark
            .read()
            .parquet(work.resolve("annotations-3000").toString())
            .unionByName(spark.read().parquet(work.resolve("night-3000-7").toString()))
            .withColumn(
                LabelColumns.CLASS_INDEX,
                LabelColumns.classIndexOfName(col(LabelColumns.LABEL), classes));
    assertThat(sorted(last.read(last.version())))
        .isEqualTo(sorted(SqlLabels.derive(LabelColumns.countVotes(votes, classes), classes)));

    assertThat(printed.toString())
        .contains("3,000-vote store: first night (all its rows into an empty store)")
        .contains("night of 300 rows (10.000 % of the store's) (run 1/2)")
        .contains("night of 7 rows (0.233 % of the store's) (run 2/2)")
        .contains("full aggregate (3,300 rows) (run 2/2)")
        .contains("night / full aggregate, by store (medians of 2 runs):")
        .containsPattern(
            "3,000-vote store, 7-row night: \\d+\\.\\d{2} s / \\d+\\.\\d{2} s = \\d+\\.\\d{3}");
  }

  private static List<Row> sorted(Dataset<Row> table) {
    return LabelColumns.table(table).orderBy("image_id").collectAsList();
  }
}
