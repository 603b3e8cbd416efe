package dev.softlabels.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.AggregateSummary;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.ClassList;
import dev.softlabels.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark compares like with like: DuckDB's same-semantics peer gives the aggregate job's
 * labels and quarantine on generated rows with duplicate votes plus a file of bad rows.
 */
@ExtendWith(SparkExtension.class)
class DuckDbAggregateTest {

  @TempDir Path dir;

  @Test
  void theSameSemanticsPeerGivesTheJobsLabelsAndQuarantine(SparkSession spark) throws Exception {
    AnnotationSource source =
        AggregateBenchmark.parquet(AnnotationSource.from(ConfigLoader.withOverrides(Map.of())));
    ClassList classes = source.givenClasses().orElseThrow();
    Path input = dir.resolve("annotations");
    AnnotationGenerator.rows(spark, 20_000, 10, classes, 5L, 0.01)
        .write()
        .parquet(input.toString());
    StructType schema =
        new StructType()
            .add("image_id", DataTypes.StringType)
            .add("annotator_id", DataTypes.StringType)
            .add("label", DataTypes.StringType);
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("img-0000000001", "ann-900", "wolf"),
                RowFactory.create("", "ann-901", classes.name(0)),
                RowFactory.create("img-0000000001", " ", classes.name(1)),
                RowFactory.create("img-0000000002", "ann-902", null),
                RowFactory.create(" img-0000000002 ", "ann-903", " " + classes.name(2) + " "),
                RowFactory.create("img-0000000002", "ann-903", classes.name(1)),
                RowFactory.create("img-0000000003", "ann-904", "1")),
            schema)
        .coalesce(1)
        .write()
        .parquet(dir.resolve("bad").toString());
    // Named to sort last, so its rows come after the generated files' in input order.
    try (var written = Files.list(dir.resolve("bad"))) {
      Files.move(
          written.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow(),
          input.resolve("zz-bad.parquet"));
    }

    Path output = dir.resolve("job");
    AggregateSummary summary =
        AggregateJob.run(
            spark,
            AggregateSettings.majority(
                ConfigLoader.withOverrides(Map.of()), source, input.toString(), output.toString()));
    Path duck = dir.resolve("duckdb");
    Files.createDirectories(duck);
    DuckDbAggregate.seconds(
        DuckDbAggregate.sameSemantics(input + "/*.parquet", duck.toString(), classes));

    String[] labelColumns = {
      "image_id",
      "n_annotations",
      "counts",
      "hard_label",
      "hard_label_name",
      "is_tie",
      "round(agreement, 12)",
      "round(entropy, 12)",
      "transform(soft_label, p -> round(p, 12))"
    };
    assertThat(sorted(spark, output.resolve("labels"), labelColumns))
        .isEqualTo(sorted(spark, duck.resolve("labels.parquet"), labelColumns));
    String[] quarantineColumns = {"image_id", "annotator_id", "label", "reason"};
    List<String> quarantine = sorted(spark, output.resolve("quarantine"), quarantineColumns);
    assertThat(quarantine)
        .isEqualTo(sorted(spark, duck.resolve("quarantine.parquet"), quarantineColumns));
    assertThat(summary.quarantinedByReason())
        .containsEntry("unknown_class", 2L)
        .containsEntry("missing_image_id", 1L)
        .containsEntry("missing_annotator_id", 1L)
        .containsEntry("missing_label", 1L);
    assertThat(summary.quarantinedByReason().get("duplicate_vote")).isGreaterThan(100);
    assertThat(quarantine)
        .contains(
            "[img-0000000002,ann-903," + classes.name(1) + ",duplicate_vote]",
            "[img-0000000003,ann-904,1,unknown_class]");
  }

  private static List<String> sorted(SparkSession spark, Path parquet, String... columns) {
    return spark.read().parquet(parquet.toString()).selectExpr(columns).collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }
}
