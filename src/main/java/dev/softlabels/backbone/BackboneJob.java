package dev.softlabels.backbone;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.DataSpec;
import dev.softlabels.dataset.ImageTable;
import dev.softlabels.dataset.LabelType;
import dev.softlabels.evaluate.EvaluateJob;
import dev.softlabels.evaluate.EvaluateSettings;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.Metrics;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.train.Checkpoints;
import dev.softlabels.train.TrainJob;
import dev.softlabels.train.TrainSettings;
import dev.softlabels.train.TrainState;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backbone to fine-tune from: a network trained on the 50,000 CIFAR-10 training images with their
 * single labels ({@code cifar10-train}) by the train job — checkpointed and resumable, with the
 * recipe of a train preset (softlabels.backbone.train-preset: network, epochs, optimiser,
 * augmentation) — then scored on the 10,000 CIFAR-10 test images. No training image is a test
 * image, so networks fine-tuned from it are evaluated on CIFAR-10H (the test images' human labels)
 * without leakage.
 */
public final class BackboneJob {

  public static final String TRAIN_SET = "cifar10-train";
  public static final String TEST_SET = "cifar10-test";
  public static final String MODEL = "model";
  public static final String SUMMARY = "backbone.json";
  private static final int CLASSES = 10;

  /** A file name's stem is the image id, in both sets (airplane_0042.jpg, 00042_cat.jpg). */
  private static final String STEM = "^(.+)\\.[A-Za-z]+$";

  private static final Logger LOG = LoggerFactory.getLogger(BackboneJob.class);

  private BackboneJob() {}

  /**
   * What the backbone is and how well it does: {@code trainSeconds} sums its epochs' training (the
   * parameter-averaging passes, over every run that resumed it), {@code runSeconds} is the wall
   * time of the run that finished it, preparation and validation included.
   */
  public record Result(
      @JsonProperty("network") String network,
      @JsonProperty("epochs") int epochs,
      @JsonProperty("train_seconds") double trainSeconds,
      @JsonProperty("run_seconds") double runSeconds,
      @JsonProperty("test_accuracy") double testAccuracy,
      @JsonProperty("test_macro_accuracy") double testMacroAccuracy,
      @JsonProperty("model_dir") String modelDir) {

    public String line() {
      return String.format(
          Locale.ROOT,
          "backbone: %s, %d epochs on CIFAR-10 train (%.1f min of training, this run "
              + "%.1f min); CIFAR-10 test accuracy %.4f (macro %.4f) -> %s",
          network,
          epochs,
          trainSeconds / 60,
          runSeconds / 60,
          testAccuracy,
          testMacroAccuracy,
          modelDir);
    }
  }

  /**
   * The backbone in {@code settings.modelDir()}: trained and scored, unless it is there with the
   * recipe's epochs already; a run stopped part-way, or one asked for more epochs, resumes from its
   * last checkpoint.
   */
  public static Result run(SparkSession spark, Config config, BackboneSettings settings) {
    long started = System.nanoTime();
    HadoopPaths paths = HadoopPaths.of(spark);
    String trainSet = HadoopPaths.child(settings.sharedData(), TRAIN_SET);
    String testSet = HadoopPaths.child(settings.sharedData(), TEST_SET);
    String data = HadoopPaths.child(settings.modelDir(), "data");
    String trainLabels = HadoopPaths.child(data, "train-labels");
    String testLabels = HadoopPaths.child(data, "test-labels");
    String model = HadoopPaths.child(settings.modelDir(), MODEL);

    Config recipe = ConfigLoader.withValues(config, recipe(config, settings.trainPreset()));
    DataSpec trainData =
        DataSpec.of(recipe, HadoopPaths.child(trainSet, "jpg"), trainLabels, LabelType.HARD, 0)
            .withFractions(1 - settings.validationFraction(), settings.validationFraction())
            .withImageIdPattern(STEM);
    TrainSettings recipeSettings = TrainSettings.from(recipe, trainData, model).withInitFrom("", 0);
    TrainSettings trainSettings =
        settings.epochs() > 0 ? recipeSettings.withEpochs(settings.epochs()) : recipeSettings;
    String summary = HadoopPaths.child(settings.modelDir(), SUMMARY);
    if (paths.exists(summary)) {
      Result done = Json.read(paths.readText(summary), Result.class);
      if (done.epochs() == trainSettings.epochs()) {
        LOG.info(
            "backbone: already trained in {} (test accuracy {})",
            settings.modelDir(),
            done.testAccuracy());
        return done;
      }
    }
    paths.requireExists(
        HadoopPaths.child(trainSet, "index.csv"),
        "CIFAR-10 training images (softlabels.backbone.shared-data)");
    paths.requireExists(
        HadoopPaths.child(testSet, "index.csv"),
        "CIFAR-10 test images (softlabels.backbone.shared-data)");
    labels(spark, trainSet, trainLabels);
    labels(spark, testSet, testLabels);
    LOG.info(
        "backbone: {} on {} for {} epochs (train preset {}) -> {}",
        trainSettings.network(),
        trainSet,
        trainSettings.epochs(),
        settings.trainPreset(),
        model);
    TrainState state = TrainJob.run(spark, trainSettings);

    // Every test image is in the test part: the split fractions put them all there.
    DataSpec testData =
        trainData.forScoring(HadoopPaths.child(testSet, "jpg"), testLabels, 0).withFractions(0, 0);
    Map<String, Double> test =
        EvaluateJob.run(
            spark,
            EvaluateSettings.from(
                    recipe, testData, model, HadoopPaths.child(settings.modelDir(), "test"), true)
                .withCheckpoint(Checkpoints.BEST)
                .withSplitName(ImageTable.TEST));

    Result result =
        new Result(
            trainSettings.network().toString(),
            state.epochsDone(),
            state.history().stream().mapToDouble(TrainState.Epoch::trainSeconds).sum(),
            (System.nanoTime() - started) / 1e9,
            test.get(Metrics.ACCURACY),
            test.get(Metrics.MACRO_ACCURACY),
            settings.modelDir());
    paths.writeText(summary, Json.write(result));
    LOG.info(result.line());
    return result;
  }

  /** The named softlabels.train.presets entry as softlabels.train keys. */
  private static Map<String, Object> recipe(Config config, String preset) {
    String path = "softlabels.train.presets." + ConfigUtil.quoteString(preset);
    if (!config.hasPath(path)) {
      throw new UserError(
          "unknown train preset '"
              + preset
              + "' (softlabels.backbone.train-preset); known: "
              + config.getConfig("softlabels.train.presets").root().keySet());
    }
    Map<String, Object> keys = new HashMap<>();
    for (Map.Entry<String, ConfigValue> entry : config.getConfig(path).entrySet()) {
      keys.put("softlabels.train." + entry.getKey(), entry.getValue().unwrapped());
    }
    return keys;
  }

  /**
   * A set's index.csv (jpg_file, label, class) as a label table: the file name's stem, its class as
   * hard_label and the one-hot distribution as soft_label, with the class names (by label index)
   * recorded, so that a network fine-tuned from the backbone knows whether its classes are the
   * backbone's. Written once.
   */
  private static void labels(SparkSession spark, String set, String output) {
    if (!HadoopPaths.of(spark).exists(HadoopPaths.child(output, "_SUCCESS"))) {
      Dataset<Row> index =
          spark.read().option("header", true).csv(HadoopPaths.child(set, "index.csv"));
      // One row per class: bounded by the class count, not by the images.
      List<String> names =
          index
              .select(col("label").cast("int").as("label"), col("class"))
              .distinct()
              .orderBy("label")
              .collectAsList()
              .stream()
              .map(row -> row.getString(1))
              .toList();
      if (names.size() != CLASSES) {
        throw new UserError(
            HadoopPaths.child(set, "index.csv")
                + " names "
                + names.size()
                + " label/class pairs, not CIFAR-10's "
                + CLASSES
                + ": "
                + names);
      }
      Dataset<Row> table =
          index
              .select(
                  regexp_extract(col("jpg_file"), "([^/]+)\\.[A-Za-z]+$", 1).as(LabelColumns.IMAGE),
                  col("label").cast("int").as(LabelColumns.HARD_LABEL))
              .withColumn(
                  LabelColumns.SOFT_LABEL,
                  LabelColumns.oneHot(col(LabelColumns.HARD_LABEL), CLASSES));
      LabelColumns.withClasses(table, new ClassList(names))
          .write()
          .mode("overwrite")
          .parquet(output);
    }
  }
}
