package dev.softlabels.testing;

import dev.softlabels.labels.Metrics;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * MetricsTest's four images as rows (truth, prediction) and every metric of them, worked out by
 * hand.
 */
public final class HandWorkedMetrics {

  /** By metric key: see the comments for the arithmetic. */
  public static final Map<String, Double> EXPECTED =
      Map.of(
          Metrics.MACRO_ACCURACY, 0.5,
          Metrics.ACCURACY, 0.5,
          Metrics.MACRO_F1, 0.5,
          Metrics.ECE, 0.4,
          // (.14 + .14 + .06 + .5) / 4
          Metrics.BRIER, 0.21,
          // -(ln .7 + ln .2 + ln .8 + ln .5) / 4
          Metrics.NLL, 0.720600897061747,
          // Mean of LabelMath.klDivergence with 1e-5 clipping; the zero predictions of the last
          // image are clipped.
          Metrics.KL, 0.40983123902529406);

  private HandWorkedMetrics() {}

  public static Dataset<Row> rows(SparkSession spark) {
    return rows(
        spark,
        RowFactory.create(new Double[] {1.0, 0.0, 0.0}, new Double[] {0.7, 0.2, 0.1}),
        RowFactory.create(new Double[] {0.5, 0.5, 0.0}, new Double[] {0.2, 0.6, 0.2}),
        RowFactory.create(new Double[] {0.0, 0.0, 1.0}, new Double[] {0.1, 0.1, 0.8}),
        RowFactory.create(new Double[] {0.0, 1.0, 0.0}, new Double[] {0.5, 0.5, 0.0}));
  }

  /** Rows of two Double[] each as columns truth and prediction (array&lt;double&gt;). */
  public static Dataset<Row> rows(SparkSession spark, Row... truthAndPrediction) {
    StructType schema =
        new StructType()
            .add("truth", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("prediction", DataTypes.createArrayType(DataTypes.DoubleType));
    return spark.createDataFrame(List.of(truthAndPrediction), schema);
  }
}
