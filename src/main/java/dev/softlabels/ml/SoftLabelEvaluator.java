package dev.softlabels.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.Metrics;
import dev.softlabels.labels.SoftLabelMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Predicted distributions against soft ground truth as a Spark ML {@link Evaluator}: the same
 * numbers as the evaluate job, which computes its metrics.json through {@link #evaluation}. Both
 * columns may be array&lt;double&gt; or ML vectors. metricName: macroAccuracy (default), kl,
 * accuracy, macroF1, ece, brier or nll; accuracy-type metrics are larger-is-better, the rest
 * smaller-is-better.
 */
public final class SoftLabelEvaluator extends Evaluator implements DefaultParamsWritable {

  private static final long serialVersionUID = 1L;

  /** metricName -> the key of the evaluate job's metrics.json ({@link Metrics}). */
  private static final Map<String, String> METRICS = new LinkedHashMap<>();

  static {
    METRICS.put("macroAccuracy", Metrics.MACRO_ACCURACY);
    METRICS.put("kl", Metrics.KL);
    METRICS.put("accuracy", Metrics.ACCURACY);
    METRICS.put("macroF1", Metrics.MACRO_F1);
    METRICS.put("ece", Metrics.ECE);
    METRICS.put("brier", Metrics.BRIER);
    METRICS.put("nll", Metrics.NLL);
  }

  private final String uid;
  private final Param<String> metricName;
  private final Param<String> labelCol;
  private final Param<String> probabilityCol;

  public SoftLabelEvaluator() {
    this(Identifiable$.MODULE$.randomUID("softLabelEvaluator"));
  }

  public SoftLabelEvaluator(String uid) {
    this.uid = uid;
    metricName =
        new Param<>(
            this,
            "metricName",
            "one of " + METRICS.keySet(),
            ParamValidators.inArray(METRICS.keySet().toArray(String[]::new)));
    labelCol = new Param<>(this, "labelCol", "soft ground truth: array<double> or vector");
    probabilityCol =
        new Param<>(this, "probabilityCol", "predicted distribution: array<double> or vector");
    setDefault(metricName, "macroAccuracy");
    setDefault(labelCol, LabelColumns.SOFT_LABEL);
    setDefault(probabilityCol, LabelColumns.PROBABILITIES);
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    return metrics(dataset).get(METRICS.get(getMetricName()));
  }

  /**
   * Every metric at once, keyed as in the evaluate job's metrics.json (one pass of aggregations).
   */
  public Map<String, Double> metrics(Dataset<?> dataset) {
    return evaluation(dataset).metrics();
  }

  /**
   * {@link #metrics} with the confidence bins its ECE comes from: the evaluate job's metrics.json
   * and calibration.json.
   */
  public SoftLabelMetrics.Evaluation evaluation(Dataset<?> dataset) {
    Dataset<Row> rows =
        dataset.select(
            asArray(dataset, getLabelCol()).as("_truth"),
            asArray(dataset, getProbabilityCol()).as("_probabilities"));
    Row first =
        rows.select(size(col("_truth"))).limit(1).collectAsList().stream()
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException("SoftLabelEvaluator: no rows to evaluate"));
    return SoftLabelMetrics.evaluation(rows, "_truth", "_probabilities", first.getInt(0));
  }

  private static Column asArray(Dataset<?> dataset, String column) {
    return dataset.schema().apply(column).dataType().equals(SQLDataTypes.VectorType())
        ? functions.vector_to_array(col(column), "float64")
        : col(column);
  }

  @Override
  public boolean isLargerBetter() {
    return Metrics.LARGER_IS_BETTER.get(METRICS.get(getMetricName()));
  }

  @Override
  public SoftLabelEvaluator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }

  public static MLReader<SoftLabelEvaluator> read() {
    return new DefaultParamsReader<>();
  }

  public static SoftLabelEvaluator load(String path) {
    return read().load(path);
  }

  public Param<String> metricName() {
    return metricName;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public String getMetricName() {
    return $(metricName);
  }

  public String getLabelCol() {
    return $(labelCol);
  }

  public String getProbabilityCol() {
    return $(probabilityCol);
  }

  public SoftLabelEvaluator setMetricName(String value) {
    set(metricName, value);
    return this;
  }

  public SoftLabelEvaluator setLabelCol(String value) {
    set(labelCol, value);
    return this;
  }

  public SoftLabelEvaluator setProbabilityCol(String value) {
    set(probabilityCol, value);
    return this;
  }
}
