package dev.softlabels.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.testing.HandWorkedMetrics;
import dev.softlabels.testing.SparkExtension;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
}
