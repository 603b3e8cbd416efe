package dev.softlabels.train;

import static dev.softlabels.config.UserError.require;

import com.typesafe.config.Config;
import dev.softlabels.config.Choices;
import dev.softlabels.dataset.Augmentation;
import dev.softlabels.dataset.DataSpec;
import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;

/**
 * Typed, validated {@code softlabels.train} (its preset, if any, already layered in by
 * ConfigLoader).
 */
public record TrainSettings(
    DataSpec data,
    String modelDir,
    Network network,
    int epochs,
    long seed,
    int batchSizePerWorker,
    int averagingFrequency,
    int prefetchBatches,
    MinibatchRepartition repartition,
    TrainingApproach trainingApproach,
    String exportDir,
    OptimizerSettings optimizer,
    double[] classWeights,
    boolean resume,
    int inferenceBatch,
    Augmentation augmentation,
    String initFrom,
    int frozenEpochs,
    boolean keepMatchingOutput,
    int warmupEpochs,
    EpochSelection selectBy)
    implements Serializable {

  public TrainSettings {
    require(
        !modelDir.isBlank(),
        "no model directory given: pass --model-dir DIR (or set softlabels.train.model-dir)");
    require(epochs >= 1, "softlabels.train.epochs must be at least 1, got " + epochs);
    require(
        batchSizePerWorker >= 1
            && averagingFrequency >= 1
            && prefetchBatches >= 0
            && inferenceBatch >= 1,
        "softlabels.train batch sizes and frequencies must be positive");
    require(
        optimizer.learningRate() > 0
            && optimizer.minLearningRate() >= 0
            && optimizer.minLearningRate() <= optimizer.learningRate(),
        "softlabels.train.optimizer needs learning-rate > 0 and 0 <= min-learning-rate <= learning-rate");
    require(frozenEpochs >= 0, "softlabels.train.frozen-epochs must be >= 0, got " + frozenEpochs);
    require(warmupEpochs >= 0, "softlabels.train.warmup-epochs must be >= 0, got " + warmupEpochs);
    require(
        frozenEpochs == 0 || !initFrom.isBlank(),
        "softlabels.train.frozen-epochs needs a network to start from (softlabels.train.init-from, --init-from)");
    require(
        !initFrom.equals(ZooNetworks.IMAGENET) || network.fromZoo(),
        "softlabels.train.init-from = imagenet needs a zoo network (--network resnet50 or vgg16): "
            + network
            + " has no ImageNet weights");
  }

  /**
   * The learning rate of a 0-based epoch: the schedule's, ramped up linearly over the first
   * warmup-epochs epochs that train every layer (the frozen epochs, which train the output layer
   * alone, at the schedule's), so a pretrained body is not shaken by full-rate steps of a still
   * untrained head: the i-th of them (from 1) at i / (warmup-epochs + 1) of the rate.
   */
  public double learningRate(int epoch) {
    double scheduled = optimizer.learningRate(epoch, epochs);
    int bodyEpoch = epoch - frozenEpochs + 1;
    if (bodyEpoch < 1 || bodyEpoch > warmupEpochs) {
      return scheduled;
    }
    return scheduled * bodyEpoch / (warmupEpochs + 1);
  }

  public TrainSettings withEpochs(int epochs) {
    return with(copy -> copy.epochs = epochs);
  }

  /**
   * Starting from {@code initFrom} (blank: random weights) with its layers but the output frozen
   * for a while.
   */
  public TrainSettings withInitFrom(String initFrom, int frozenEpochs) {
    return with(
        copy -> {
          copy.initFrom = initFrom;
          copy.frozenEpochs = frozenEpochs;
        });
  }

  public TrainSettings withOptimizer(OptimizerSettings optimizer) {
    return with(copy -> copy.optimizer = optimizer);
  }

  public TrainSettings withWarmupEpochs(int warmupEpochs) {
    return with(copy -> copy.warmupEpochs = warmupEpochs);
  }

  public TrainSettings withSelectBy(EpochSelection selectBy) {
    return with(copy -> copy.selectBy = selectBy);
  }

  private TrainSettings with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.settings();
  }

  /** Every field, settable: the withX methods change some and build validated settings again. */
  private static final class Copy {
    private DataSpec data;
    private String modelDir;
    private Network network;
    private int epochs;
    private long seed;
    private int batchSizePerWorker;
    private int averagingFrequency;
    private int prefetchBatches;
    private MinibatchRepartition repartition;
    private TrainingApproach trainingApproach;
    private String exportDir;
    private OptimizerSettings optimizer;
    private double[] classWeights;
    private boolean resume;
    private int inferenceBatch;
    private Augmentation augmentation;
    private String initFrom;
    private int frozenEpochs;
    private boolean keepMatchingOutput;
    private int warmupEpochs;
    private EpochSelection selectBy;

    private Copy(TrainSettings settings) {
      data = settings.data;
      modelDir = settings.modelDir;
      network = settings.network;
      epochs = settings.epochs;
      seed = settings.seed;
      batchSizePerWorker = settings.batchSizePerWorker;
      averagingFrequency = settings.averagingFrequency;
      prefetchBatches = settings.prefetchBatches;
      repartition = settings.repartition;
      trainingApproach = settings.trainingApproach;
      exportDir = settings.exportDir;
      optimizer = settings.optimizer;
      classWeights = settings.classWeights;
      resume = settings.resume;
      inferenceBatch = settings.inferenceBatch;
      augmentation = settings.augmentation;
      initFrom = settings.initFrom;
      frozenEpochs = settings.frozenEpochs;
      keepMatchingOutput = settings.keepMatchingOutput;
      warmupEpochs = settings.warmupEpochs;
      selectBy = settings.selectBy;
    }

    private TrainSettings settings() {
      return new TrainSettings(
          data,
          modelDir,
          network,
          epochs,
          seed,
          batchSizePerWorker,
          averagingFrequency,
          prefetchBatches,
          repartition,
          trainingApproach,
          exportDir,
          optimizer,
          classWeights,
          resume,
          inferenceBatch,
          augmentation,
          initFrom,
          frozenEpochs,
          keepMatchingOutput,
          warmupEpochs,
          selectBy);
    }
  }

  /** Whether the run starts from a trained network rather than from random weights. */
  public boolean fineTunes() {
    return !initFrom.isBlank();
  }

  /**
   * Whether the run starts from a trained model at a path (rather than from the zoo's ImageNet
   * weights).
   */
  public boolean fineTunesFromPath() {
    return fineTunes() && !initFrom.equals(ZooNetworks.IMAGENET);
  }

  public static TrainSettings from(Config config) {
    return from(config, DataSpec.from(config), config.getString("softlabels.train.model-dir"));
  }

  /** The network softlabels.train names. */
  public static Network network(Config config) {
    return Choices.parse(
        Network.class, config.getString("softlabels.train.network"), "softlabels.train.network");
  }

  /**
   * The train job's settings for the data and model directory an orchestrator chose, the rest from
   * {@code softlabels.train}.
   */
  public static TrainSettings from(Config config, DataSpec data, String modelDir) {
    Config train = config.getConfig("softlabels.train");
    Config o = train.getConfig("optimizer");
    List<Double> weights = train.getDoubleList("class-weights");
    return new TrainSettings(
        data,
        modelDir,
        network(config),
        train.getInt("epochs"),
        train.getLong("seed"),
        train.getInt("batch-size-per-worker"),
        train.getInt("averaging-frequency"),
        train.getInt("prefetch-batches"),
        Choices.parse(
            MinibatchRepartition.class,
            train.getString("repartition"),
            "softlabels.train.repartition"),
        Choices.parse(
            TrainingApproach.class,
            train.getString("training-approach"),
            "softlabels.train.training-approach"),
        train.getString("export-dir"),
        new OptimizerSettings(
            o.getDouble("learning-rate"),
            o.getDouble("min-learning-rate"),
            o.getDouble("momentum"),
            o.getDouble("weight-decay"),
            Choices.parse(
                LearningRateSchedule.class,
                o.getString("schedule"),
                "softlabels.train.optimizer.schedule"),
            o.getInt("restart-epochs"),
            o.getInt("restart-multiplier")),
        weights.isEmpty() ? null : weights.stream().mapToDouble(Double::doubleValue).toArray(),
        train.getBoolean("resume"),
        train.getInt("inference-batch"),
        Augmentation.from(train),
        train.getString("init-from"),
        train.getInt("frozen-epochs"),
        train.getBoolean("keep-matching-output"),
        train.getInt("warmup-epochs"),
        Choices.parse(
            EpochSelection.class, train.getString("select-by"), "softlabels.train.select-by"));
  }
}
