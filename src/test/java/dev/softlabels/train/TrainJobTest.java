package dev.softlabels.train;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.TrainingData;
import dev.softlabels.evaluate.EvaluateJob;
import dev.softlabels.evaluate.EvaluateSettings;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SyntheticData;
import dev.softlabels.testing.Training;
import dev.softlabels.testing.UntrainedModels;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Short real trainings on a small generated set (16 px, so they take seconds on two cores). */
@ExtendWith(SparkExtension.class)
@Training
class TrainJobTest {

  @TempDir static Path dir;
  static Path generated;

  @BeforeAll
  static void generate(SparkSession spark) {
    generated = SyntheticData.generate(spark, dir.resolve("generated"), 900);
  }

  static TrainSettings settings(String labelType, Path modelDir, int epochs) {
    return settings(labelType, generated.resolve("labels"), modelDir, epochs);
  }

  static TrainSettings settings(String labelType, Path labels, Path modelDir, int epochs) {
    return settings(labelType, labels, modelDir, epochs, Map.of());
  }

  static TrainSettings settings(
      String labelType, Path labels, Path modelDir, int epochs, Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.put("softlabels.train.images", generated.resolve("images").toString());
    overrides.put("softlabels.train.labels", labels.toString());
    overrides.put("softlabels.train.model-dir", modelDir.toString());
    overrides.put("softlabels.train.label-type", labelType);
    overrides.put("softlabels.train.epochs", epochs);
    overrides.putIfAbsent("softlabels.train.optimizer.learning-rate", 0.1);
    return TrainSettings.from(ConfigLoader.withOverrides(overrides));
  }

  @Test
  void learnsAboveChanceAndTheSavedModelPredictsTheSame(SparkSession spark) {
    TrainSettings settings = settings("soft", dir.resolve("model"), 4);
    TrainState state = TrainJob.run(spark, settings);

    List<TrainState.Epoch> history = state.history();
    assertThat(history).hasSize(4);
    assertThat(history.get(3).validationLoss()).isLessThan(history.get(0).validationLoss());
    TrainState.Epoch best = history.get(state.bestEpoch() - 1);
    assertThat(best.validationMacroAccuracy()).as("chance is 1/6").isGreaterThan(0.5);
    assertThat(dir.resolve("model/export"))
        .as("the exported minibatches are scratch space")
        .doesNotExist();

    Checkpoints checkpoints = new Checkpoints(spark, settings.modelDir());
    NeuralNet saved = checkpoints.network(Checkpoints.BEST);
    NeuralNet reloaded = checkpoints.network(Checkpoints.BEST);
    TrainingData.Prepared data = TrainingData.prepare(spark, settings.data());
    Dataset<Row> sample = data.split("test").limit(50);
    Map<String, List<Double>> first = predictions(spark, saved, sample, data.shape());
    Map<String, List<Double>> second = predictions(spark, reloaded, sample, data.shape());
    assertThat(first).hasSize(50).isEqualTo(second);
    data.examples().unpersist();

    // Resuming a finished run does nothing more.
    assertThat(TrainJob.run(spark, settings).epochsDone()).isEqualTo(4);
  }

  /**
   * A run started from another run's best model: its first epoch trains the new output layer only,
   * checkpointed frozen; resumed for a second epoch it unfreezes and every layer trains.
   */
  @Test
  void fineTuningStartsFromATrainedModelFrozenThenResumesIntoTrainingEveryLayer(SparkSession spark)
      throws Exception {
    Path base = dir.resolve("base");
    TrainJob.run(spark, settings("hard", base, 1));
    MultiLayerNetwork pretrained =
        stack(new Checkpoints(spark, base.toString()).network(Checkpoints.BEST));
    Path zip = dir.resolve("base.zip");
    ModelSerializer.writeModel(pretrained, zip.toFile(), false);
    assertThat(FineTuning.load(spark, zip.toString(), Network.CNN, null).params())
        .isEqualTo(pretrained.params());
    assertThatThrownBy(
            () -> FineTuning.load(spark, dir.resolve("nothing-here").toString(), Network.CNN, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("nothing-here is neither a model zip nor a model directory");

    Path tuned = dir.resolve("tuned");
    Map<String, Object> fineTune =
        Map.of("softlabels.train.init-from", base.toString(), "softlabels.train.frozen-epochs", 1);
    TrainJob.run(spark, settings("soft", generated.resolve("labels"), tuned, 1, fineTune));
    Checkpoints checkpoints = new Checkpoints(spark, tuned.toString());
    MultiLayerNetwork frozen = stack(checkpoints.network(Checkpoints.LAST));
    assertThat(FineTuning.isFrozen(new NeuralNet.Stack(frozen))).isTrue();
    int output = pretrained.getnLayers() - 1;
    for (int layer = 0; layer < output; layer++) {
      assertThat(frozen.getLayer(layer).params())
          .as("layer %d after the frozen epoch", layer)
          .isEqualTo(pretrained.getLayer(layer).params());
    }
    assertThat(frozen.getLayer(output).params()).isNotEqualTo(pretrained.getLayer(output).params());

    // The base model records the classes of the table it learned, the same as the tuned one's, so
    // the fine-tune keeps its output layer: with nothing learned in the frozen epoch (no weight
    // decay, and a learning rate whose steps vanish in float arithmetic: it must be positive), that
    // layer is still the pretrained one bit for bit.
    List<String> classes =
        LabelColumns.classes(spark.read().parquet(generated.resolve("labels").toString()).schema())
            .orElseThrow()
            .names();
    assertThat(
            new Checkpoints(spark, base.toString()).state(Checkpoints.BEST).orElseThrow().classes())
        .isEqualTo(classes)
        .hasSize(6);
    Path still = dir.resolve("tuned-still");
    Map<String, Object> still0 = new HashMap<>(fineTune);
    still0.put("softlabels.train.optimizer.learning-rate", 1e-30);
    still0.put("softlabels.train.optimizer.weight-decay", 0.0);
    TrainJob.run(spark, settings("soft", generated.resolve("labels"), still, 1, still0));
    assertThat(
            stack(new Checkpoints(spark, still.toString()).network(Checkpoints.LAST))
                .getLayer(output)
                .params()
                .toFloatVector())
        .containsExactly(pretrained.getLayer(output).params().toFloatVector());

    TrainState resumed =
        TrainJob.run(spark, settings("soft", generated.resolve("labels"), tuned, 2, fineTune));
    assertThat(resumed.epochsDone()).isEqualTo(2);
    MultiLayerNetwork trained = stack(checkpoints.network(Checkpoints.LAST));
    assertThat(FineTuning.isFrozen(new NeuralNet.Stack(trained))).isFalse();
    assertThat(trained.getLayer(0).params()).isNotEqualTo(pretrained.getLayer(0).params());
  }

  /**
   * A zoo graph (ResNet50, here on 16 px images) trains under parameter averaging, is checkpointed,
   * scores and gives its features, and fine-tunes from its checkpoint frozen, then every layer.
   */
  @Test
  void aZooGraphTrainsWithSparkScoresAndFineTunesFromItsCheckpoint(SparkSession spark) {
    // 48 images (28 to train on, a minibatch per partition and so per worker): ResNet50's cost here
    // is mostly per run (building the network, shipping it to the workers, checkpoints), not per
    // image. At learning rate 0.01, 100 images diverged to NaN outputs in a second epoch.
    Path labels = dir.resolve("labels-48");
    spark
        .read()
        .parquet(generated.resolve("labels").toString())
        .orderBy("image_id")
        .limit(48)
        .write()
        .parquet(labels.toString());
    Path base = dir.resolve("resnet50");
    Map<String, Object> resnet =
        Map.of(
            "softlabels.train.network",
            "resnet50",
            "softlabels.train.optimizer.learning-rate",
            0.001);
    TrainSettings settings = settings("hard", labels, base, 1, resnet);
    assertThat(TrainJob.run(spark, settings).history().get(0).validationLoss()).isFinite();
    NeuralNet trained = new Checkpoints(spark, base.toString()).network(Checkpoints.BEST);
    assertThat(trained).isInstanceOf(NeuralNet.Graph.class);

    TrainingData.Prepared data = TrainingData.prepare(spark, settings.data());
    Dataset<Row> sample = data.split("test").limit(20);
    int scored = (int) sample.count();
    assertThat(scored).isPositive();
    assertThat(predictions(spark, trained, sample, data.shape()).values())
        .hasSize(scored)
        .allSatisfy(
            p -> assertThat(p.stream().mapToDouble(d -> d).sum()).isCloseTo(1, within(1e-4)));
    assertThat(Inference.features(spark, trained, sample, data.shape(), 8).collectAsList())
        .hasSize(scored)
        .allSatisfy(row -> assertThat(row.getList(1)).hasSize(2048));
    data.examples().unpersist();

    Path tuned = dir.resolve("resnet50-tuned");
    Map<String, Object> fineTune =
        Map.of(
            "softlabels.train.init-from",
            base.toString(),
            "softlabels.train.frozen-epochs",
            1,
            "softlabels.train.optimizer.learning-rate",
            0.001);
    TrainJob.run(spark, settings("soft", labels, tuned, 1, fineTune));
    Checkpoints checkpoints = new Checkpoints(spark, tuned.toString());
    NeuralNet frozen = checkpoints.network(Checkpoints.LAST);
    assertThat(FineTuning.isFrozen(frozen)).isTrue();
    assertThat(layer(frozen, "res2a_branch2a"))
        .as("a frozen convolution")
        .isEqualTo(layer(trained, "res2a_branch2a"));
    assertThat(layer(frozen, "output")).isNotEqualTo(layer(trained, "output"));
    // Unfreezing a graph is FineTuningTest's (no Spark), resuming a fine-tune into every layer
    // fineTuningStartsFromATrainedModelFrozenThenResumesIntoTrainingEveryLayer's: a third ResNet50
    // run here cost ~20 s for neither.
  }

  private static INDArray layer(NeuralNet graph, String name) {
    return ((NeuralNet.Graph) graph).graph().getLayer(name).params();
  }

  /**
   * NaN outputs (once argmax -1 and an index error in the metrics) stop a training at the epoch
   * that diverged, before its checkpoint, and an evaluation of a diverged model, each with one
   * line.
   */
  @Test
  void aDivergedNetworkStopsTrainingAndEvaluationNamingTheLearningRate(SparkSession spark) {
    Path diverging = dir.resolve("diverging");
    TrainSettings settings =
        settings(
            "soft",
            generated.resolve("labels"),
            diverging,
            2,
            Map.of("softlabels.train.optimizer.learning-rate", 1e30));
    assertThatThrownBy(() -> TrainJob.run(spark, settings))
        .isInstanceOf(UserError.class)
        .hasMessageMatching(
            "the model's outputs are NaN or infinite after epoch 1 \\(for \\d+ of \\d+ validation"
                + " images\\): training diverged at learning rate 1\\.000e\\+30; lower"
                + " softlabels\\.train\\.optimizer\\.learning-rate");
    assertThat(new Checkpoints(spark, diverging.toString()).state(Checkpoints.LAST)).isEmpty();

    Path diverged = dir.resolve("diverged");
    UntrainedModels.save(spark, generated, diverged, nan -> nan.params().assign(Double.NaN));
    EvaluateSettings evaluate =
        UntrainedModels.evaluation(generated, diverged, dir.resolve("diverged-scores"));
    assertThatThrownBy(() -> EvaluateJob.run(spark, evaluate))
        .isInstanceOf(UserError.class)
        .hasMessageMatching(
            "the model in .*diverged \\(best checkpoint\\) outputs NaN or infinite values for"
                + " (\\d+) of \\1 images: its training diverged; train it again with a lower"
                + " softlabels\\.train\\.optimizer\\.learning-rate");
    assertThat(dir.resolve("diverged-scores")).doesNotExist();
  }

  @Test
  void posteriorTrainsOnlyOnDawidSkeneLabelsAndSoftNeverDoes(SparkSession spark) {
    assertThatThrownBy(
            () -> TrainJob.run(spark, settings("posterior", dir.resolve("refused-1"), 1)))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("label type posterior needs a model's posteriors")
        .hasMessageContaining("--method dawid-skene");
    Path posteriors = dir.resolve("marked-as-posteriors");
    LabelColumns.withAggregation(
            spark.read().parquet(generated.resolve("labels").toString()),
            AggregationMethod.DAWID_SKENE)
        .write()
        .parquet(posteriors.toString());
    assertThatThrownBy(
            () -> TrainJob.run(spark, settings("soft", posteriors, dir.resolve("refused-2"), 1)))
        .isInstanceOf(UserError.class)
        .hasMessageContaining(
            "are dawid-skene posteriors: train on them with --label-type posterior");

    TrainState state =
        TrainJob.run(spark, settings("posterior", posteriors, dir.resolve("posterior"), 1));
    assertThat(state.epochsDone()).isEqualTo(1);
    assertThat(state.history().get(0).validationLoss()).isFinite();
  }

  /**
   * The figures that choose the best epoch are the validation part's: the last epoch's recorded
   * validation figures are what its checkpoint scores on the validation part, not on the test part;
   * the best epoch is the one with the lowest of them (select-by kl), its rate warmed up.
   */
  @Test
  void theBestEpochIsChosenOnTheValidationPartAlone(SparkSession spark) {
    TrainSettings settings =
        settings(
            "soft",
            generated.resolve("labels"),
            dir.resolve("chosen-on-validation"),
            2,
            Map.of("softlabels.train.select-by", "kl", "softlabels.train.warmup-epochs", 1));
    TrainState state = TrainJob.run(spark, settings);

    assertThat(state.history().get(0).learningRate())
        .as("warmed up: half the rate")
        .isEqualTo(0.05);
    TrainState.Epoch last = state.history().get(1);
    assertThat(state.bestEpoch())
        .isEqualTo(state.history().get(0).validationKl() <= last.validationKl() ? 1 : 2);
    NeuralNet network = new Checkpoints(spark, settings.modelDir()).network(Checkpoints.LAST);
    TrainingData.Prepared data = TrainingData.prepare(spark, settings.data());
    Map<String, Double> validation =
        TrainJob.validate(
            spark, network, data.split("validation"), data.shape(), settings.inferenceBatch());
    Map<String, Double> test =
        TrainJob.validate(
            spark, network, data.split("test"), data.shape(), settings.inferenceBatch());
    data.examples().unpersist();
    assertThat(validation.get("kl")).isCloseTo(last.validationKl(), within(1e-9));
    assertThat(validation.get("macro_accuracy"))
        .isCloseTo(last.validationMacroAccuracy(), within(1e-9));
    assertThat(test.get("kl"))
        .as("the test part scores otherwise")
        .isNotCloseTo(last.validationKl(), within(1e-6));
  }

  @Test
  void softTargetsReachTheModel(SparkSession spark) {
    double hard = meanKlOnInterpolatedTrainingImages(spark, "hard");
    double soft = meanKlOnInterpolatedTrainingImages(spark, "soft");
    assertThat(soft).as("KL(soft label || prediction) of the soft-trained model").isLessThan(hard);
  }

  private double meanKlOnInterpolatedTrainingImages(SparkSession spark, String labelType) {
    TrainSettings settings = settings(labelType, dir.resolve("kl-" + labelType), 4);
    TrainJob.run(spark, settings);
    NeuralNet network = new Checkpoints(spark, settings.modelDir()).network(Checkpoints.LAST);
    TrainingData.Prepared data = TrainingData.prepare(spark, settings.data());
    Dataset<Row> interpolated =
        data.split("train")
            .join(
                spark
                    .read()
                    .parquet(generated.resolve("images").toString())
                    .filter(col("kind").notEqual("pure"))
                    .select("image_id"),
                "image_id");
    Map<String, List<Double>> predicted = predictions(spark, network, interpolated, data.shape());
    Map<String, double[]> truth =
        interpolated.select("image_id", "soft_label").collectAsList().stream()
            .collect(
                Collectors.toMap(
                    r -> r.getString(0),
                    r -> r.<Double>getList(1).stream().mapToDouble(d -> d).toArray()));
    data.examples().unpersist();
    return truth.entrySet().stream()
        .mapToDouble(
            e ->
                LabelMath.klDivergence(
                    e.getValue(),
                    predicted.get(e.getKey()).stream().mapToDouble(d -> d).toArray(),
                    1e-5))
        .average()
        .orElseThrow();
  }

  private static MultiLayerNetwork stack(NeuralNet network) {
    return ((NeuralNet.Stack) network).network();
  }

  private static Map<String, List<Double>> predictions(
      SparkSession spark, NeuralNet network, Dataset<Row> rows, TrainingData.Shape shape) {
    return Inference.predict(spark, network, rows, shape, 64).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getList(1)));
  }
}
