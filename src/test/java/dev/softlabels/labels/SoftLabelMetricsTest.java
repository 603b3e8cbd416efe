package dev.softlabels.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.testing.HandWorkedMetrics;
import dev.softlabels.testing.SparkExtension;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Spark computation on MetricsTest's four images, against values worked out by hand. */
@ExtendWith(SparkExtension.class)
class SoftLabelMetricsTest {

  @Test
  void computesEveryMetricOnTheHandWorkedExample(SparkSession spark) {
    Dataset<Row> rows = HandWorkedMetrics.rows(spark);

    Map<String, Double> metrics = SoftLabelMetrics.evaluate(rows, "truth", "prediction", 3);

    assertThat(metrics).containsOnlyKeys(Metrics.LARGER_IS_BETTER.keySet());
    HandWorkedMetrics.EXPECTED.forEach(
        (name, value) -> assertThat(metrics.get(name)).as(name).isCloseTo(value, within(1e-12)));

    Map<String, Double> withLoss =
        SoftLabelMetrics.withLoss(rows, "truth", "truth", "prediction", 3);
    // Cross-entropy against the soft truth: -(ln .7 + .5 ln .2 + .5 ln .6 + ln .8 + ln .5) / 4
    double expected =
        -(Math.log(0.7) + 0.5 * Math.log(0.2) + 0.5 * Math.log(0.6) + Math.log(0.8) + Math.log(0.5))
            / 4;
    assertThat(withLoss.get(SoftLabelMetrics.LOSS)).isCloseTo(expected, within(1e-12));
    assertThat(withLoss).containsAllEntriesOf(metrics);
  }

  /**
   * Six images of two classes: confidences .95 and .92 (only the first correct) and 1.0 (correct,
   * in the last bin); .65 and .62, both correct; .5, a tie predicted as class 0 while the truth is
   * class 1.
   */
  @Test
  void confidenceBinsHoldEachBinsImagesConfidencesAndCorrectPredictions(SparkSession spark) {
    Dataset<Row> rows =
        HandWorkedMetrics.rows(
            spark,
            RowFactory.create(new Double[] {1.0, 0.0}, new Double[] {0.95, 0.05}),
            RowFactory.create(new Double[] {0.0, 1.0}, new Double[] {0.92, 0.08}),
            RowFactory.create(new Double[] {0.0, 1.0}, new Double[] {0.0, 1.0}),
            RowFactory.create(new Double[] {0.3, 0.7}, new Double[] {0.35, 0.65}),
            RowFactory.create(new Double[] {1.0, 0.0}, new Double[] {0.62, 0.38}),
            RowFactory.create(new Double[] {0.4, 0.6}, new Double[] {0.5, 0.5}));

    ConfidenceBins bins = SoftLabelMetrics.confidenceBins(rows, "truth", "prediction");

    assertThat(bins.bins())
        .extracting(ConfidenceBins.Bin::images)
        .containsExactly(0L, 0L, 0L, 0L, 0L, 1L, 2L, 0L, 0L, 3L);
    ConfidenceBins.Bin tie = bins.bins().get(5);
    assertThat(tie.meanConfidence()).isEqualTo(0.5);
    assertThat(tie.accuracy()).isZero();
    ConfidenceBins.Bin middle = bins.bins().get(6);
    assertThat(middle.meanConfidence()).isCloseTo(0.635, within(1e-12));
    assertThat(middle.accuracy()).isEqualTo(1.0);
    ConfidenceBins.Bin top = bins.bins().get(9);
    assertThat(top.meanConfidence()).isCloseTo(2.87 / 3, within(1e-12));
    assertThat(top.accuracy()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(bins.bins().get(7).accuracy()).isNull();
    // (|0 - .5| + |2 - 1.27| + |2 - 2.87|) / 6 = (.5 + .73 + .87) / 6
    assertThat(bins.ece()).isCloseTo(0.35, within(1e-12));
    SoftLabelMetrics.Evaluation evaluation =
        SoftLabelMetrics.evaluation(rows, "truth", "prediction", 2);
    assertThat(evaluation.calibration().bins())
        .extracting(ConfidenceBins.Bin::images)
        .isEqualTo(bins.bins().stream().map(ConfidenceBins.Bin::images).toList());
    assertThat(evaluation.metrics().get(Metrics.ECE))
        .as("metrics.json's ECE is that of calibration.json's bins")
        .isEqualTo(evaluation.calibration().ece())
        .isCloseTo(0.35, within(1e-12));
  }

  /** A diverged network's NaN outputs have argmax -1, which once indexed the confusion matrix. */
  @Test
  void nanOrInfinitePredictionsStopTheMetricsWithTheirCount(SparkSession spark) {
    Dataset<Row> rows =
        HandWorkedMetrics.rows(
            spark,
            RowFactory.create(new Double[] {1.0, 0.0}, new Double[] {Double.NaN, Double.NaN}),
            RowFactory.create(new Double[] {0.0, 1.0}, new Double[] {0.3, 0.7}),
            RowFactory.create(
                new Double[] {0.0, 1.0}, new Double[] {0.0, Double.POSITIVE_INFINITY}));

    assertThatThrownBy(() -> SoftLabelMetrics.withLoss(rows, "truth", "truth", "prediction", 2))
        .isInstanceOf(NonFinitePredictions.class)
        .hasMessage(
            "2 of 3 predicted distributions in column prediction hold NaN or infinite values")
        .satisfies(
            e -> {
              assertThat(((NonFinitePredictions) e).nonFinite()).isEqualTo(2);
              assertThat(((NonFinitePredictions) e).rows()).isEqualTo(3);
            });
  }
}
