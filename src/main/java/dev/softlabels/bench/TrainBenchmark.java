package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.train.Networks;
import dev.softlabels.train.TrainSettings;
import dev.softlabels.train.TrainingData;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training throughput of the same network on the same minibatches: Spark parameter averaging in the
 * given session, against a plain single-JVM {@code MultiLayerNetwork.fit} in the driver.
 */
public final class TrainBenchmark {

  private TrainBenchmark() {}

  public record Figures(double sparkExamplesPerSecond, double singleExamplesPerSecond) {
    public double ratio() {
      return sparkExamplesPerSecond / singleExamplesPerSecond;
    }
  }

  public static Figures run(SparkSession spark, Config config, long images, int size, int epochs, String work,
      PrintWriter out) {
    TrainSettings settings = GeneratedImages.settings(spark, config, "train", images, size, work, out);
    TrainingData.Prepared data = TrainingData.prepare(spark, settings.data());
    try {
      TrainingData.Shape shape = data.shape();
      JavaRDD<DataSet> batches = TrainingData.batches(data.examples(), shape, settings.batchSizePerWorker()).cache();
      long examples = data.examples().count();
      batches.count();

      SparkDl4jMultiLayer sparkNetwork = new SparkDl4jMultiLayer(JavaSparkContext.fromSparkContext(spark.sparkContext()),
          newNetwork(settings, shape), dev.softlabels.train.TrainJob.trainingMaster(spark, settings));
      sparkNetwork.fit(batches);
      long started = System.nanoTime();
      for (int e = 0; e < epochs; e++) {
        sparkNetwork.fit(batches);
      }
      double distributed = epochs * examples / ((System.nanoTime() - started) / 1e9);
      out.printf(Locale.ROOT, "spark parameter averaging (%s, %d examples x %d epochs): %,.0f examples/s%n",
          sparkMaster(data), examples, epochs, distributed);
      out.flush();

      // The single-JVM baseline needs the minibatches in the driver: that is what it measures.
      List<DataSet> local = new ArrayList<>();
      batches.toLocalIterator().forEachRemaining(local::add);
      batches.unpersist();
      Nd4j.getEnvironment().setMaxThreads(Runtime.getRuntime().availableProcessors());
      MultiLayerNetwork single = newNetwork(settings, shape);
      fitAll(single, local);
      started = System.nanoTime();
      for (int e = 0; e < epochs; e++) {
        fitAll(single, local);
      }
      double alone = epochs * examples / ((System.nanoTime() - started) / 1e9);
      out.printf(Locale.ROOT, "single-JVM fit (%d native threads): %,.0f examples/s%n",
          Nd4j.getEnvironment().maxThreads(), alone);
      Figures figures = new Figures(distributed, alone);
      out.printf(Locale.ROOT, "spark / single-JVM: %.2fx%n", figures.ratio());
      return figures;
    } finally {
      data.examples().unpersist();
    }
  }

  private static void fitAll(MultiLayerNetwork network, List<DataSet> batches) {
    for (DataSet batch : batches) {
      network.fit(batch);
    }
  }

  private static String sparkMaster(TrainingData.Prepared data) {
    return data.examples().sparkSession().sparkContext().master();
  }

  private static MultiLayerNetwork newNetwork(TrainSettings settings, TrainingData.Shape shape) {
    MultiLayerNetwork network = new MultiLayerNetwork(Networks.build(settings.network(), shape.channels(),
        shape.height(), shape.width(), shape.classes(), settings.optimizer(), settings.classWeights(), settings.seed()));
    network.init();
    return network;
  }
}
