package dev.softlabels.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SyntheticData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class AnnotateJobTest {

  @TempDir Path dir;

  private Path generate(SparkSession spark, int images) {
    return SyntheticData.generate(spark, dir.resolve("generated"), images).resolve("labels");
  }

  private static Map<String, double[]> softLabels(SparkSession spark, Path labels) {
    return spark
        .read()
        .parquet(labels.toString())
        .select("image_id", "soft_label")
        .collectAsList()
        .stream()
        .collect(
            Collectors.toMap(
                r -> r.getString(0),
                r -> r.<Double>getList(1).stream().mapToDouble(Double::doubleValue).toArray()));
  }

  @Test
  void noiseFreeVotesAggregateBackToTheExactSoftLabels(SparkSession spark) {
    Path truth = generate(spark, 40);
    Path simulated = dir.resolve("annotated");
    Map<String, Object> summary =
        AnnotateJob.run(
            spark,
            AnnotateSettings.from(
                ConfigLoader.withOverrides(
                    Map.of(
                        "softlabels.annotate.input",
                        truth.toString(),
                        "softlabels.annotate.output",
                        simulated.toString(),
                        "softlabels.annotate.votes-per-image",
                        1000,
                        "softlabels.annotate.votes-distribution",
                        "fixed",
                        "softlabels.annotate.pool",
                        1000))));
    assertThat(summary)
        .containsEntry("annotations", 40_000L)
        .containsEntry(
            "classes",
            List.of(
                "red_circle",
                "red_ellipse",
                "green_circle",
                "green_ellipse",
                "blue_circle",
                "blue_ellipse"));

    Path aggregated = dir.resolve("aggregated");
    AggregateJob.run(
        spark,
        AggregateSettings.from(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.aggregate.input", simulated.resolve("annotations").toString(),
                    "softlabels.aggregate.output", aggregated.toString()))));

    Map<String, double[]> exact = softLabels(spark, truth);
    Map<String, double[]> estimated = softLabels(spark, aggregated.resolve("labels"));
    assertThat(estimated.keySet()).isEqualTo(exact.keySet());
    double meanKl =
        exact.entrySet().stream()
            .mapToDouble(e -> LabelMath.klDivergence(e.getValue(), estimated.get(e.getKey()), 1e-5))
            .average()
            .orElseThrow();
    assertThat(meanKl).isLessThan(0.01);
  }

  @Test
  void votesAreReproducibleAndComeFromDistinctAnnotators(SparkSession spark) {
    Path truth = generate(spark, 30);
    Map<String, Object> overrides =
        new HashMap<>(
            Map.of(
                "softlabels.annotate.input",
                truth.toString(),
                "softlabels.annotate.pool",
                20,
                "softlabels.annotate.spammer-share",
                0.25,
                "softlabels.annotate.swapper-share",
                0.25,
                "softlabels.annotate.flip-rate",
                List.of(0.0, 0.2)));
    overrides.put("softlabels.annotate.output", dir.resolve("a").toString());
    Map<String, Object> first =
        AnnotateJob.run(spark, AnnotateSettings.from(ConfigLoader.withOverrides(overrides)));
    overrides.put("softlabels.annotate.output", dir.resolve("b").toString());
    AnnotateJob.run(spark, AnnotateSettings.from(ConfigLoader.withOverrides(overrides)));

    List<Row> a =
        spark
            .read()
            .parquet(dir.resolve("a/annotations").toString())
            .orderBy("image_id", "annotator_id")
            .collectAsList();
    List<Row> b =
        spark
            .read()
            .parquet(dir.resolve("b/annotations").toString())
            .orderBy("image_id", "annotator_id")
            .collectAsList();
    assertThat(a).isEqualTo(b);
    assertThat(
            spark
                .read()
                .parquet(dir.resolve("a/annotations").toString())
                .groupBy("image_id", "annotator_id")
                .count()
                .filter("count > 1")
                .count())
        .isZero();
    assertThat((double) first.get("mean_votes_per_image")).isCloseTo(15, within(3.0));
    assertThat(first.get("annotators"))
        .isEqualTo(Map.of("reliable", 10L, "spammer", 5L, "swapper", 5L));

    Row annotators =
        spark
            .read()
            .parquet(dir.resolve("a/annotators").toString())
            .filter("type = 'swapper'")
            .first();
    List<List<Double>> confusion =
        annotators
            .<scala.collection.Seq<Double>>getList(annotators.fieldIndex("confusion"))
            .stream()
            .map(scala.collection.JavaConverters::seqAsJavaList)
            .toList();
    assertThat(confusion)
        .hasSize(6)
        .allSatisfy(
            row ->
                assertThat(row.stream().mapToDouble(Double::doubleValue).sum())
                    .isCloseTo(1.0, within(1e-12)));
    long swappedRows = confusion.stream().filter(row -> row.contains(0.8)).count();
    assertThat(swappedRows).isEqualTo(2);
  }
}
