package dev.softlabels.evaluate;

import static org.apache.spark.sql.functions.col;

import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.TrainingData;
import dev.softlabels.labels.ConfidenceBins;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.NonFinitePredictions;
import dev.softlabels.labels.SoftLabelMetrics;
import dev.softlabels.ml.SoftLabelEvaluator;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.train.Checkpoints;
import dev.softlabels.train.Inference;
import dev.softlabels.train.NeuralNet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one part of a split with a trained model (broadcast copy, mapPartitions), writes {@code
 * predictions/} (image_id, probabilities, predicted_label), {@code metrics.json} and {@code
 * calibration.json} (the confidence bins of its ECE), with the metrics computed in Spark against
 * the soft ground truth of the label table.
 */
public final class EvaluateJob {

  public static final String PREDICTIONS = "predictions";
  public static final String METRICS = "metrics.json";

  /** The {@link ConfidenceBins} of the scored images: a reliability diagram's data. */
  public static final String CALIBRATION = "calibration.json";

  public static final String PREDICTED_LABEL = "predicted_label";
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);

  private EvaluateJob() {}

  public static Map<String, Double> run(SparkSession spark, EvaluateSettings settings) {
    PhaseLog phases = new PhaseLog(LOG, "evaluate", System.nanoTime());
    HadoopPaths paths = HadoopPaths.of(spark);
    NeuralNet network = new Checkpoints(spark, settings.modelDir()).require(settings.checkpoint());
    TrainingData.Prepared data = null;
    try (StagedOutput output =
        StagedOutput.directory(
            spark,
            settings.output(),
            settings.overwrite(),
            "output",
            "evaluate",
            List.of(settings.modelDir(), settings.data().images(), settings.data().labels()))) {
      data = TrainingData.prepare(spark, settings.data());
      Dataset<Row> rows = data.split(settings.splitName());
      String predictionsPath = output.child(PREDICTIONS);
      LOG.info(
          "evaluate: scoring the {} images of split {} with {}/{} -> {}",
          settings.splitName(),
          settings.data().split(),
          settings.modelDir(),
          settings.checkpoint(),
          settings.output());
      long started = System.nanoTime();
      Inference.predict(spark, network, rows, data.shape(), settings.inferenceBatch())
          .withColumn(PREDICTED_LABEL, LabelColumns.argmax(col(LabelColumns.PROBABILITIES)))
          .write()
          .parquet(predictionsPath);
      double seconds = (System.nanoTime() - started) / 1e9;
      phases.done("predictions written");

      Dataset<Row> scored =
          spark
              .read()
              .parquet(predictionsPath)
              .join(
                  rows.select(col(LabelColumns.IMAGE), col(LabelColumns.SOFT_LABEL)),
                  LabelColumns.IMAGE);
      SoftLabelMetrics.Evaluation evaluation;
      try {
        evaluation =
            new SoftLabelEvaluator()
                .setLabelCol(LabelColumns.SOFT_LABEL)
                .setProbabilityCol(LabelColumns.PROBABILITIES)
                .evaluation(scored);
      } catch (NonFinitePredictions e) {
        throw new UserError(
            "the model in "
                + settings.modelDir()
                + " ("
                + settings.checkpoint()
                + " checkpoint) outputs NaN or infinite values for "
                + e.nonFinite()
                + " of "
                + e.rows()
                + " images: its training diverged; train it again with a lower"
                + " softlabels.train.optimizer.learning-rate");
      }
      Map<String, Double> metrics = evaluation.metrics();
      Map<String, Object> report = new java.util.LinkedHashMap<>(metrics);
      report.put("images", spark.read().parquet(predictionsPath).count());
      report.put("inference_seconds", seconds);
      paths.writeText(output.child(METRICS), Json.write(report));
      paths.writeText(output.child(CALIBRATION), Json.write(evaluation.calibration()));
      phases.done("metrics computed and written");
      output.commit();
      LOG.info("evaluate: {}", format(metrics));
      return metrics;
    } finally {
      if (data != null) {
        data.examples().unpersist();
      }
    }
  }

  /** The {@link #CALIBRATION} of an evaluate job's output directory. */
  public static ConfidenceBins calibration(SparkSession spark, String evaluationDir) {
    String file = HadoopPaths.child(evaluationDir, CALIBRATION);
    HadoopPaths paths = HadoopPaths.of(spark);
    paths.requireExists(
        file, CALIBRATION + " of an evaluation (one from before reliability diagrams has none)");
    return Json.read(paths.readText(file), ConfidenceBins.class);
  }

  public static String format(Map<String, Double> metrics) {
    StringBuilder text = new StringBuilder();
    metrics.forEach(
        (name, value) ->
            text.append(text.length() == 0 ? "" : ", ")
                .append(name)
                .append(' ')
                .append(String.format(Locale.ROOT, "%.4f", value)));
    return text.toString();
  }
}
