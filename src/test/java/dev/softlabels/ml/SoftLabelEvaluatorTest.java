package dev.softlabels.ml;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.labels.Metrics;
import dev.softlabels.testing.HandWorkedMetrics;
import dev.softlabels.testing.SparkExtension;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class SoftLabelEvaluatorTest {

  private static final Map<String, String> KEYS =
      Map.of(
          "macroAccuracy",
          Metrics.MACRO_ACCURACY,
          "kl",
          Metrics.KL,
          "accuracy",
          Metrics.ACCURACY,
          "macroF1",
          Metrics.MACRO_F1,
          "ece",
          Metrics.ECE,
          "brier",
          Metrics.BRIER,
          "nll",
          Metrics.NLL);

  @TempDir Path dir;

  @Test
  void everyMetricEqualsTheHandWorkedValueOnArraysAndOnVectors(SparkSession spark) {
    Dataset<Row> arrays = HandWorkedMetrics.rows(spark);
    Dataset<Row> vectors =
        arrays.select(
            functions.array_to_vector(col("truth")).as("truth"),
            functions.array_to_vector(col("prediction")).as("prediction"));
    SoftLabelEvaluator evaluator =
        new SoftLabelEvaluator().setLabelCol("truth").setProbabilityCol("prediction");
    KEYS.forEach(
        (name, key) -> {
          evaluator.setMetricName(name);
          double expected = HandWorkedMetrics.EXPECTED.get(key);
          assertThat(evaluator.evaluate(arrays)).as(name).isCloseTo(expected, within(1e-12));
          assertThat(evaluator.evaluate(vectors))
              .as(name + " on vectors")
              .isCloseTo(expected, within(1e-12));
          assertThat(evaluator.isLargerBetter())
              .as(name)
              .isEqualTo(name.toLowerCase().contains("accuracy") || name.equals("macroF1"));
        });
    assertThat(evaluator.metrics(arrays)).containsOnlyKeys(Metrics.LARGER_IS_BETTER.keySet());
  }

  @Test
  void savedAndLoadedItComputesTheSame(SparkSession spark) throws Exception {
    SoftLabelEvaluator evaluator =
        new SoftLabelEvaluator()
            .setLabelCol("truth")
            .setProbabilityCol("prediction")
            .setMetricName("kl");
    String path = dir.resolve("evaluator").toString();
    evaluator.save(path);
    SoftLabelEvaluator loaded = SoftLabelEvaluator.load(path);
    assertThat(loaded.uid()).isEqualTo(evaluator.uid());
    assertThat(loaded.getMetricName()).isEqualTo("kl");
    assertThat(loaded.isLargerBetter()).isFalse();
    assertThat(loaded.evaluate(HandWorkedMetrics.rows(spark)))
        .isEqualTo(evaluator.evaluate(HandWorkedMetrics.rows(spark)));
  }

  @Test
  void anUnknownMetricIsRefused() {
    assertThatThrownBy(() -> new SoftLabelEvaluator().setMetricName("f2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metricName");
  }
}
