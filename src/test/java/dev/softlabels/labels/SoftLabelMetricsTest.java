package dev.softlabels.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.testing.HandWorkedMetrics;
import dev.softlabels.testing.SparkExtension;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

  /** A diverged network's NaN outputs have argmax -1, which once indexed the confusion matrix. */
  @Test
  void nanOrInfinitePredictionsStopTheMetricsWithTheirCount(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("truth", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("prediction", DataTypes.createArrayType(DataTypes.DoubleType));
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                RowFactory.create(new Double[] {1.0, 0.0}, new Double[] {Double.NaN, Double.NaN}),
                RowFactory.create(new Double[] {0.0, 1.0}, new Double[] {0.3, 0.7}),
                RowFactory.create(
                    new Double[] {0.0, 1.0}, new Double[] {0.0, Double.POSITIVE_INFINITY})),
            schema);

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
