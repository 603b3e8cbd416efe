package dev.softlabels.train;

import static org.apache.spark.sql.functions.col;

import dev.softlabels.config.Choices;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.ImageTable;
import dev.softlabels.dataset.TrainingData;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.Metrics;
import dev.softlabels.labels.NonFinitePredictions;
import dev.softlabels.labels.SoftLabelMetrics;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.StagedOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a CNN on hard or soft targets with Spark parameter averaging: per epoch one distributed
 * fit at the schedule's learning rate, distributed validation (loss, KL, macro accuracy), and a
 * checkpoint; the best-on-validation model is kept, and a run resumes from its last checkpoint.
 */
public final class TrainJob {

  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  private TrainJob() {}

  public static TrainState run(SparkSession spark, TrainSettings settings) {
    String labels = settings.data().labels();
    HadoopPaths paths = HadoopPaths.of(spark);
    paths.requireExists(labels, "labels");
    settings.data().labelType().requireFits(spark.read().parquet(labels).schema(), labels);
    if (settings.resume() || !paths.exists(settings.modelDir())) {
      // Resumable in place: every checkpoint is swapped in whole (Checkpoints.save).
      try {
        return train(spark, settings, settings.modelDir());
      } finally {
        // Also after a failure, when checkpoints were written: a later --fresh run may replace
        // them.
        StagedOutput.markIfThere(spark, settings.modelDir(), "train");
      }
    }
    // Starting over on a model directory that exists: the old model stays until the new one is
    // done.
    try (StagedOutput staged =
        StagedOutput.directory(
            spark,
            settings.modelDir(),
            true,
            "model directory",
            "train",
            List.of(settings.data().images(), labels))) {
      TrainState state = train(spark, settings, staged.path());
      staged.commit();
      return state;
    }
  }

  private static TrainState train(SparkSession spark, TrainSettings settings, String modelDir) {
    Checkpoints checkpoints = new Checkpoints(spark, modelDir);
    Optional<TrainState> previous =
        settings.resume() ? checkpoints.state(Checkpoints.LAST) : Optional.empty();
    if (previous.isPresent() && previous.get().epochsDone() >= settings.epochs()) {
      LOG.info("train: {} already holds all {} epochs; nothing to do", modelDir, settings.epochs());
      return previous.get();
    }
    TrainingData.Prepared data = TrainingData.prepare(spark, settings.data());
    TrainingData.Shape shape = data.shape();
    Minibatches minibatches = null;
    try {
      NeuralNet network;
      List<TrainState.Epoch> history = new ArrayList<>();
      int bestEpoch = -1;
      if (previous.isPresent()) {
        network = checkpoints.resumable(Checkpoints.LAST);
        history.addAll(previous.get().history());
        bestEpoch = previous.get().bestEpoch();
        LOG.info("train: resuming {} after epoch {}", modelDir, previous.get().epochsDone());
      } else if (settings.fineTunes()) {
        NeuralNet pretrained =
            FineTuning.load(spark, settings.initFrom(), settings.network(), shape);
        network =
            FineTuning.start(
                pretrained,
                shape.classes(),
                settings.optimizer(),
                settings.classWeights(),
                settings.seed(),
                settings.frozenEpochs() > 0);
        boolean keepOutput =
            FineTuning.keepsOutput(
                settings.keepMatchingOutput(),
                FineTuning.classes(spark, settings.initFrom()),
                data.classNames());
        if (keepOutput) {
          network = FineTuning.withOutputOf(pretrained, network);
        }
        LOG.info(
            "train: starting from {} with {} for {} classes{}",
            settings.initFrom(),
            keepOutput
                ? "its own output layer (trained on the label table's classes)"
                : "a new output layer",
            shape.classes(),
            settings.frozenEpochs() > 0
                ? ", the layers below it frozen for " + settings.frozenEpochs() + " epoch(s)"
                : "");
      } else {
        network =
            Networks.create(
                settings.network(),
                shape,
                settings.optimizer(),
                settings.classWeights(),
                settings.seed());
      }

      Dataset<Row> train = data.split(ImageTable.TRAIN);
      Dataset<Row> validation = data.split(ImageTable.VALIDATION);
      long trainExamples = train.count();
      if (trainExamples == 0) {
        throw new UserError("split " + settings.data().split() + " has no training images");
      }
      JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
      NeuralNet.Distributed distributed =
          network.distributed(context, trainingMaster(context, settings));
      minibatches =
          Minibatches.of(
              spark,
              TrainingData.batches(train, shape, settings.batchSizePerWorker()),
              settings.trainingApproach(),
              exportDir(settings, modelDir));

      for (int epoch = history.size(); epoch < settings.epochs(); epoch++) {
        if (epoch >= settings.frozenEpochs() && FineTuning.isFrozen(distributed.network())) {
          LOG.info("train: epoch {}: every layer trains from here on", epoch + 1);
          distributed =
              FineTuning.unfrozen(distributed.network())
                  .distributed(context, trainingMaster(context, settings));
        }
        double learningRate = settings.learningRate(epoch);
        distributed.network().setLearningRate(learningRate);
        long started = System.nanoTime();
        minibatches.fit(distributed, settings.augmentation(), settings.seed(), epoch);
        double seconds = (System.nanoTime() - started) / 1e9;
        network = distributed.network();

        Map<String, Double> metrics;
        try {
          metrics = validate(spark, network, validation, shape, settings.inferenceBatch());
        } catch (NonFinitePredictions e) {
          // Not checkpointed: last/ keeps the epoch before, which a resumed run starts from.
          throw new UserError(
              String.format(
                  Locale.ROOT,
                  "the model's outputs are NaN or infinite after epoch %d (for %d of %d validation"
                      + " images): training diverged at learning rate %.4g; lower"
                      + " softlabels.train.optimizer.learning-rate",
                  epoch + 1,
                  e.nonFinite(),
                  e.rows(),
                  learningRate));
        }
        double loss = metrics.get(SoftLabelMetrics.LOSS);
        TrainState.Epoch record =
            new TrainState.Epoch(
                epoch + 1,
                learningRate,
                trainExamples,
                seconds,
                trainExamples / seconds,
                loss,
                metrics.get(Metrics.KL),
                metrics.get(Metrics.ACCURACY),
                metrics.get(Metrics.MACRO_ACCURACY));
        boolean best =
            settings.selectBy().beats(record, bestEpoch > 0 ? history.get(bestEpoch - 1) : null);
        history.add(record);
        if (best) {
          bestEpoch = epoch + 1;
        }
        TrainState state =
            new TrainState(
                epoch + 1,
                bestEpoch,
                bestEpoch > 0
                    ? history.get(bestEpoch - 1).validationLoss()
                    : Double.POSITIVE_INFINITY,
                List.copyOf(history),
                settings,
                data.classNames());
        // best/ before last/: last/ saying "epoch N done" is the epoch's commit, so a run killed
        // between the two redoes the epoch instead of finding all epochs done and no best model.
        checkpoints.save(best ? Checkpoints.BEST : Checkpoints.LAST, network, state);
        if (best) {
          checkpoints.copy(Checkpoints.BEST, Checkpoints.LAST);
        }
        LOG.info(
            String.format(
                Locale.ROOT,
                "train: epoch %d/%d lr %.4g | %,d examples in %.1f s (%.0f ex/s) | validation loss %.4f, KL %.4f, "
                    + "macro acc %.4f%s",
                epoch + 1,
                settings.epochs(),
                learningRate,
                trainExamples,
                seconds,
                trainExamples / seconds,
                loss,
                metrics.get(Metrics.KL),
                metrics.get(Metrics.MACRO_ACCURACY),
                best ? " (best by " + settings.selectBy() + ")" : ""));
      }
      return checkpoints.state(Checkpoints.LAST).orElseThrow();
    } finally {
      if (minibatches != null) {
        minibatches.release();
      }
      if (settings.exportDir().isBlank()) {
        // The default export directory is scratch space inside the model directory.
        HadoopPaths.of(spark).delete(exportDir(settings, modelDir));
      }
      data.examples().unpersist();
    }
  }

  /** Scratch space for the exported minibatches: export-dir, or inside the model directory. */
  private static String exportDir(TrainSettings settings, String modelDir) {
    return settings.exportDir().isBlank()
        ? HadoopPaths.child(modelDir, "export")
        : settings.exportDir();
  }

  /** Validation metrics of a network on rows of (image_id, image_bytes, soft_label, target). */
  public static Map<String, Double> validate(
      SparkSession spark,
      NeuralNet network,
      Dataset<Row> rows,
      TrainingData.Shape shape,
      int batchSize) {
    // Cached: the metrics are four aggregations, and each would run the network again.
    Dataset<Row> predictions =
        Inference.predict(spark, network, rows, shape, batchSize)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> joined =
          predictions.join(
              rows.select(
                  col(LabelColumns.IMAGE), col(LabelColumns.SOFT_LABEL), col(TrainingData.TARGET)),
              LabelColumns.IMAGE);
      return SoftLabelMetrics.withLoss(
          joined,
          LabelColumns.SOFT_LABEL,
          TrainingData.TARGET,
          LabelColumns.PROBABILITIES,
          shape.classes());
    } finally {
      predictions.unpersist();
    }
  }

  public static ParameterAveragingTrainingMaster trainingMaster(
      JavaSparkContext context, TrainSettings settings) {
    LOG.info(
        "train: parameter averaging, {} examples per worker batch, averaging every {} batches, repartition {}",
        settings.batchSizePerWorker(),
        settings.averagingFrequency(),
        Choices.name(settings.repartition()));
    // Minibatches.fit passes either exported files or an RDD of minibatches of batchSizePerWorker
    // examples (TrainingData.batches); the master never exports them again. One worker per task
    // slot, as DL4J picks when left unset; set here because its graph training on exported files
    // asks a layer-stack network for that number and fails without one (M2).
    return new ParameterAveragingTrainingMaster.Builder(
            context.defaultParallelism(), settings.batchSizePerWorker())
        .batchSizePerWorker(settings.batchSizePerWorker())
        .averagingFrequency(settings.averagingFrequency())
        .workerPrefetchNumBatches(settings.prefetchBatches())
        .saveUpdater(true)
        .repartionData(settings.repartition().dl4j())
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .storageLevel(null)
        .rngSeed(settings.seed())
        .build();
  }
}
