package dev.softlabels.evaluate;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.zip_with;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Metrics of predicted distributions against soft ground truth, computed in Spark with built-ins:
 * per-row values as array expressions, then one aggregation (plus one per-class grouping of k rows
 * for macro accuracy). The plain-Java definitions they follow are in LabelMath.
 */
public final class SoftLabelMetrics {

  /** Clipping of both distributions in KL, as in the paper authors' benchmark code. */
  public static final double KL_EPSILON = 1e-5;
  /** Floor of predicted probabilities inside logarithms of the cross-entropy. */
  public static final double LOG_FLOOR = 1e-7;

  public static final String LOSS = "loss";
  public static final String KL = "kl";
  public static final String MACRO_ACCURACY = "macro_accuracy";
  public static final String ACCURACY = "accuracy";

  private SoftLabelMetrics() {}

  /** The class an image belongs to: argmax of the distribution, ties to the lowest index. */
  public static Column argmax(Column distribution) {
    return array_position(distribution, array_max(distribution)).cast(DataTypes.IntegerType).minus(1);
  }

  /** KL(truth || prediction), both clipped to [eps, 1 - eps] without renormalising. */
  public static Column kl(Column truth, Column prediction) {
    return sum(zip_with(truth, prediction, (t, p) -> clip(t).multiply(log(clip(t).divide(clip(p))))));
  }

  /** Cross-entropy of the prediction against a target distribution (one-hot or soft). */
  public static Column crossEntropy(Column target, Column prediction) {
    return sum(zip_with(target, prediction, (t, p) -> t.multiply(log(greatest(p, lit(LOG_FLOOR)))))).multiply(-1);
  }

  private static Column clip(Column x) {
    return least(greatest(x, lit(KL_EPSILON)), lit(1 - KL_EPSILON));
  }

  private static Column sum(Column values) {
    return aggregate(values, lit(0.0), Column::plus);
  }

  /**
   * Loss (cross-entropy against target), KL against truth, accuracy and macro accuracy (mean over
   * the true classes present of their recall) for rows holding the three distributions.
   */
  public static Map<String, Double> compute(Dataset<Row> rows, String truth, String target, String prediction) {
    Dataset<Row> scored = rows
        .withColumn("_true", argmax(col(truth)))
        .withColumn("_correct", when(argmax(col(prediction)).equalTo(col("_true")), 1.0).otherwise(0.0))
        .withColumn("_loss", crossEntropy(col(target), col(prediction)))
        .withColumn("_kl", kl(col(truth), col(prediction)));
    Row totals = scored.agg(avg("_loss"), avg("_kl"), avg("_correct"), count(lit(1))).first();
    Row macro = scored.groupBy("_true").agg(avg("_correct").as("recall")).agg(avg("recall")).first();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(LOSS, totals.isNullAt(0) ? Double.NaN : totals.getDouble(0));
    metrics.put(KL, totals.isNullAt(1) ? Double.NaN : totals.getDouble(1));
    metrics.put(ACCURACY, totals.isNullAt(2) ? Double.NaN : totals.getDouble(2));
    metrics.put(MACRO_ACCURACY, macro.isNullAt(0) ? Double.NaN : macro.getDouble(0));
    return metrics;
  }
}
