package dev.softlabels.labels;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
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
import org.apache.spark.sql.functions;

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

  private SoftLabelMetrics() {}

  /** KL(truth || prediction), both clipped to [eps, 1 - eps] without renormalising. */
  public static Column kl(Column truth, Column prediction) {
    return arraySum(
        zip_with(truth, prediction, (t, p) -> clip(t).multiply(log(clip(t).divide(clip(p))))));
  }

  /** Cross-entropy of the prediction against a target distribution (one-hot or soft). */
  public static Column crossEntropy(Column target, Column prediction) {
    return arraySum(
            zip_with(target, prediction, (t, p) -> t.multiply(log(greatest(p, lit(LOG_FLOOR))))))
        .multiply(-1);
  }

  private static Column clip(Column x) {
    return least(greatest(x, lit(KL_EPSILON)), lit(1 - KL_EPSILON));
  }

  private static Column arraySum(Column values) {
    return aggregate(values, lit(0.0), Column::plus);
  }

  /**
   * The metrics of {@link #evaluate} with the confidence bins its ECE comes from, for a reliability
   * diagram of the same predictions.
   */
  public record Evaluation(Map<String, Double> metrics, ConfidenceBins calibration) {}

  /**
   * All of {@link Metrics} for rows holding a soft ground truth and a predicted distribution, both
   * arrays of k values: per-row values with built-ins, then three small aggregations (the means
   * with a count of non-finite predictions, the k x k confusion matrix, the {@link
   * #confidenceBins}) that the driver combines.
   *
   * @throws NonFinitePredictions when a predicted distribution holds NaN or infinite values
   */
  public static Map<String, Double> evaluate(
      Dataset<Row> rows, String truth, String prediction, int classes) {
    return evaluation(rows, truth, prediction, classes).metrics();
  }

  /**
   * {@link #evaluate} and its confidence bins.
   *
   * @throws NonFinitePredictions when a predicted distribution holds NaN or infinite values
   */
  public static Evaluation evaluation(
      Dataset<Row> rows, String truth, String prediction, int classes) {
    Column trueClass = LabelColumns.argmax(col(truth));
    Column predicted = LabelColumns.argmax(col(prediction));
    Dataset<Row> scored =
        rows.select(
            trueClass.as("_true"),
            predicted.as("_predicted"),
            kl(col(truth), col(prediction)).as("_kl"),
            log(greatest(element_at(col(prediction), trueClass.plus(1)), lit(LOG_FLOOR)))
                .multiply(-1)
                .as("_nll"),
            arraySum(
                    zip_with(
                        col(prediction), col(truth), (p, t) -> p.minus(t).multiply(p.minus(t))))
                .as("_brier"),
            exists(col(prediction), p -> isnan(p).or(abs(p).equalTo(Double.POSITIVE_INFINITY)))
                .as("_non_finite"));

    // Before the confusion matrix: a NaN distribution's argmax is -1, which indexes no class.
    Row means =
        scored
            .agg(
                avg("_kl"),
                avg("_nll"),
                avg("_brier"),
                count(when(col("_non_finite"), true)),
                count(lit(1)))
            .first();
    if (means.getLong(3) > 0) {
      throw new NonFinitePredictions(prediction, means.getLong(3), means.getLong(4));
    }
    long[][] confusion = new long[classes][classes];
    for (Row row : scored.groupBy("_true", "_predicted").count().collectAsList()) {
      confusion[row.getInt(0)][row.getInt(1)] = row.getLong(2);
    }
    ConfidenceBins bins = confidenceBins(rows, truth, prediction);
    return new Evaluation(
        Metrics.all(confusion, orNaN(means, 0), orNaN(means, 1), orNaN(means, 2), bins), bins);
  }

  /**
   * The {@link Metrics#ECE_BINS} confidence bins of rows holding a soft ground truth and a
   * predicted distribution (arrays of k values), in one aggregation: confidence is the largest
   * predicted probability, and a prediction is correct when its argmax is the truth's (ties to the
   * lowest index on both sides).
   */
  public static ConfidenceBins confidenceBins(Dataset<Row> rows, String truth, String prediction) {
    Column confidence = array_max(col(prediction));
    Column correct =
        when(LabelColumns.argmax(col(prediction)).equalTo(LabelColumns.argmax(col(truth))), 1.0)
            .otherwise(0.0);
    Column bin =
        least(floor(confidence.multiply(Metrics.ECE_BINS)), lit(Metrics.ECE_BINS - 1)).cast("int");
    long[] images = new long[Metrics.ECE_BINS];
    double[] confidenceSums = new double[Metrics.ECE_BINS];
    double[] correctSums = new double[Metrics.ECE_BINS];
    for (Row row :
        rows.groupBy(bin.as("_bin"))
            .agg(count(lit(1)), functions.sum(confidence), functions.sum(correct))
            .collectAsList()) {
      images[row.getInt(0)] = row.getLong(1);
      confidenceSums[row.getInt(0)] = row.getDouble(2);
      correctSums[row.getInt(0)] = row.getDouble(3);
    }
    return ConfidenceBins.of(images, confidenceSums, correctSums);
  }

  /**
   * {@link #evaluate} plus the loss: cross-entropy of the prediction against the training target.
   */
  public static Map<String, Double> withLoss(
      Dataset<Row> rows, String truth, String target, String prediction, int classes) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Row loss = rows.agg(avg(crossEntropy(col(target), col(prediction)))).first();
    metrics.put(LOSS, orNaN(loss, 0));
    metrics.putAll(evaluate(rows, truth, prediction, classes));
    return metrics;
  }

  private static double orNaN(Row row, int field) {
    return row.isNullAt(field) ? Double.NaN : row.getDouble(field);
  }
}
