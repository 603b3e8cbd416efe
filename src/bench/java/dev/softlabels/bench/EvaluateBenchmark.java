package dev.softlabels.bench;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.transform;

import com.typesafe.config.Config;
import dev.softlabels.dataset.ImageTable;
import dev.softlabels.dataset.TrainingData;
import dev.softlabels.labels.SoftLabelMetrics;
import dev.softlabels.train.Inference;
import dev.softlabels.train.Networks;
import dev.softlabels.train.NeuralNet;
import dev.softlabels.train.TrainSettings;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Evaluation speed: distributed inference (predictions/s) of the configured network over generated
 * images, and the seconds the metrics take over many prediction rows (random distributions, cached
 * first so only the metrics are timed).
 */
final class EvaluateBenchmark {

  private static final int CLASSES = 6;

  private EvaluateBenchmark() {}

  public static void run(
      SparkSession spark,
      Config config,
      long images,
      int size,
      long rows,
      String work,
      PrintWriter out) {
    TrainSettings settings =
        GeneratedImages.settings(spark, config, "evaluate", images, size, work, out);
    TrainingData.Shape shape = new TrainingData.Shape(3, size, size, CLASSES);
    NeuralNet network =
        Networks.create(settings.network(), shape, settings.optimizer(), null, settings.seed());
    Dataset<Row> pictures = ImageTable.read(spark, settings.data());
    long started = System.nanoTime();
    Inference.predict(spark, network, pictures, shape, settings.inferenceBatch())
        .write()
        .format("noop")
        .mode("overwrite")
        .save();
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        Locale.ROOT,
        "inference (%s network, %d px): %,d images in %.1f s, %,.0f predictions/s%n",
        settings.network(),
        size,
        images,
        seconds,
        images / seconds);
    out.flush();

    Dataset<Row> predictions =
        spark
            .range(rows)
            .select(draws(10).as("truth"), draws(20).as("prediction"))
            .select(
                normalised(col("truth")).as("truth"),
                normalised(col("prediction")).as("prediction"))
            .cache();
    predictions.count();
    started = System.nanoTime();
    var metrics = SoftLabelMetrics.evaluate(predictions, "truth", "prediction", CLASSES);
    seconds = (System.nanoTime() - started) / 1e9;
    predictions.unpersist();
    out.printf(
        Locale.ROOT,
        "metrics over %,d prediction rows: %.2f s (%s)%n",
        rows,
        seconds,
        dev.softlabels.evaluate.EvaluateJob.format(metrics));
  }

  /** k uniform draws. */
  private static Column draws(long seed) {
    Column[] values = new Column[CLASSES];
    for (int k = 0; k < CLASSES; k++) {
      values[k] = rand(seed + k);
    }
    return org.apache.spark.sql.functions.array(values);
  }

  /** The draws scaled to sum 1: a random distribution over the classes. */
  private static Column normalised(Column draws) {
    return transform(draws, x -> x.divide(aggregate(draws, lit(0.0), Column::plus)));
  }
}
