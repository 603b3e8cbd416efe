package dev.softlabels.testing;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.dataset.TrainingData;
import dev.softlabels.evaluate.EvaluateSettings;
import dev.softlabels.train.Checkpoints;
import dev.softlabels.train.Networks;
import dev.softlabels.train.NeuralNet;
import dev.softlabels.train.TrainSettings;
import dev.softlabels.train.TrainState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Models to score without training one (which takes minutes): the default network with its initial
 * weights, saved as a model directory's best checkpoint.
 */
public final class UntrainedModels {

  private UntrainedModels() {}

  /**
   * Saves the default network for a generated dataset's images and classes into {@code modelDir},
   * after {@code change} (e.g. weights set to NaN).
   */
  public static void save(
      SparkSession spark, Path generated, Path modelDir, Consumer<NeuralNet> change) {
    TrainSettings settings =
        TrainSettings.from(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.train.images", generated.resolve("images").toString(),
                    "softlabels.train.labels", generated.resolve("labels").toString(),
                    "softlabels.train.model-dir", modelDir.toString())));
    TrainingData.Prepared data = TrainingData.prepare(spark, settings.data());
    NeuralNet network;
    try {
      network =
          Networks.create(
              settings.network(), data.shape(), settings.optimizer(), null, settings.seed());
    } finally {
      data.examples().unpersist();
    }
    change.accept(network);
    new Checkpoints(spark, modelDir.toString())
        .save(
            Checkpoints.BEST,
            network,
            new TrainState(1, 1, Double.NaN, List.of(), null, List.of()));
  }

  /**
   * The evaluation of {@code modelDir} on a generated dataset's test images into {@code output}.
   */
  public static EvaluateSettings evaluation(Path generated, Path modelDir, Path output) {
    return EvaluateSettings.from(
        ConfigLoader.withOverrides(
            Map.of(
                "softlabels.evaluate.images", generated.resolve("images").toString(),
                "softlabels.evaluate.labels", generated.resolve("labels").toString(),
                "softlabels.evaluate.model-dir", modelDir.toString(),
                "softlabels.evaluate.output", output.toString())));
  }
}
