package dev.softlabels.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
    StructType schema = new StructType()
        .add("truth", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("prediction", DataTypes.createArrayType(DataTypes.DoubleType));
    Dataset<Row> rows = spark.createDataFrame(List.of(
        RowFactory.create(new Double[] {1.0, 0.0, 0.0}, new Double[] {0.7, 0.2, 0.1}),
        RowFactory.create(new Double[] {0.5, 0.5, 0.0}, new Double[] {0.2, 0.6, 0.2}),
        RowFactory.create(new Double[] {0.0, 0.0, 1.0}, new Double[] {0.1, 0.1, 0.8}),
        RowFactory.create(new Double[] {0.0, 1.0, 0.0}, new Double[] {0.5, 0.5, 0.0})), schema);

    Map<String, Double> metrics = SoftLabelMetrics.evaluate(rows, "truth", "prediction", 3);

    assertThat(metrics.get(Metrics.MACRO_ACCURACY)).isCloseTo(0.5, within(1e-12));
    assertThat(metrics.get(Metrics.ACCURACY)).isCloseTo(0.5, within(1e-12));
    assertThat(metrics.get(Metrics.MACRO_F1)).isCloseTo(0.5, within(1e-12));
    assertThat(metrics.get(Metrics.ECE)).isCloseTo(0.4, within(1e-12));
    // (.14 + .14 + .06 + .5) / 4
    assertThat(metrics.get(Metrics.BRIER)).isCloseTo(0.21, within(1e-12));
    // -(ln .7 + ln .2 + ln .8 + ln .5) / 4
    assertThat(metrics.get(Metrics.NLL)).isCloseTo(0.720600897061747, within(1e-12));
    // Mean of LabelMath.klDivergence with 1e-5 clipping; the zero predictions of the last image are clipped.
    assertThat(metrics.get(Metrics.KL)).isCloseTo(0.40983123902529406, within(1e-12));

    Map<String, Double> withLoss = SoftLabelMetrics.withLoss(rows, "truth", "truth", "prediction", 3);
    // Cross-entropy against the soft truth: -(ln .7 + .5 ln .2 + .5 ln .6 + ln .8 + ln .5) / 4
    double expected = -(Math.log(0.7) + 0.5 * Math.log(0.2) + 0.5 * Math.log(0.6) + Math.log(0.8) + Math.log(0.5)) / 4;
    assertThat(withLoss.get(SoftLabelMetrics.LOSS)).isCloseTo(expected, within(1e-12));
    assertThat(withLoss).containsAllEntriesOf(metrics);
  }
}
