package dev.softlabels.dataset;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import java.io.Serializable;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which images and labels a job reads, and how images are split: train reads {@code
 * softlabels.train}, the scoring jobs (evaluate, embed) their own images, labels and split with
 * train's split fractions, image-id pattern and label-id pattern, so every job sees exactly the
 * same split of the same data.
 */
public record DataSpec(
    String images,
    String labels,
    LabelType labelType,
    int split,
    double trainFraction,
    double validationFraction,
    int folds,
    String imageIdPattern,
    LabelIdPattern labelIds)
    implements Serializable {

  private static final Logger LOG = LoggerFactory.getLogger(DataSpec.class);
  private static final String TRAIN = "softlabels.train";

  /** Checks the paths and split, naming the settings scope the job reads them from. */
  private DataSpec checked(String scope) {
    if (images.isBlank()) {
      throw new UserError("no images given: pass --images PATH (or set " + scope + ".images)");
    }
    if (labels.isBlank()) {
      throw new UserError("no labels given: pass --labels PATH (or set " + scope + ".labels)");
    }
    if (split < 0) {
      throw new UserError(scope + ".split must be >= 0, got " + split);
    }
    if (folds != 0 && folds < 3) {
      throw new UserError(
          TRAIN + ".folds must be 0 (split by split-fractions) or at least 3, got " + folds);
    }
    if (folds > 0 && split >= folds) {
      throw new UserError(
          scope + ".split must be below " + TRAIN + ".folds (" + folds + "), got " + split);
    }
    return this;
  }

  /**
   * A scoring job's data ({@code scope}: softlabels.evaluate or softlabels.embed), read as soft
   * ground truth. Its images, labels and split fall back to softlabels.train's, where these jobs
   * read them before, with a warning naming the key to use.
   */
  public static DataSpec forScoring(Config config, String scope) {
    DataSpec train = read(config);
    Config own = config.getConfig(scope);
    int split = own.getInt("split");
    return new DataSpec(
            ownOrTrain(
                own.getString("images"), train.images(), scope + ".images", TRAIN + ".images"),
            ownOrTrain(
                own.getString("labels"), train.labels(), scope + ".labels", TRAIN + ".labels"),
            LabelType.SOFT,
            split >= 0 ? split : train.split(),
            train.trainFraction(),
            train.validationFraction(),
            train.folds(),
            train.imageIdPattern(),
            train.labelIds())
        .checked(scope);
  }

  private static String ownOrTrain(String own, String train, String ownKey, String trainKey) {
    if (!own.isBlank()) {
      return own;
    }
    if (!train.isBlank()) {
      LOG.warn(
          "{} is read from {}, which is deprecated for this job: set {} (--images / --labels)",
          ownKey,
          trainKey,
          ownKey);
    }
    return train;
  }

  /** The train job's data. */
  public static DataSpec from(Config config) {
    return read(config).checked(TRAIN);
  }

  /**
   * Data an orchestrator chose (its images, labels, label type and split), split and identified by
   * softlabels.train's fractions and patterns.
   */
  public static DataSpec of(
      Config config, String images, String labels, LabelType labelType, int split) {
    DataSpec train = read(config);
    return new DataSpec(
            images,
            labels,
            labelType,
            split,
            train.trainFraction(),
            train.validationFraction(),
            train.folds(),
            train.imageIdPattern(),
            train.labelIds())
        .checked(TRAIN);
  }

  /**
   * These split rules (fractions, id patterns) over other images and labels, read as soft ground
   * truth.
   */
  public DataSpec forScoring(String images, String labels, int split) {
    return new DataSpec(
        images,
        labels,
        LabelType.SOFT,
        split,
        trainFraction,
        validationFraction,
        folds,
        imageIdPattern,
        labelIds);
  }

  /** Split by these fractions (never by folds). */
  public DataSpec withFractions(double train, double validation) {
    return with(train, validation, 0, imageIdPattern);
  }

  /**
   * Split into {@code k} folds (see {@link ImageTable#read}); the split number picks the test fold.
   */
  public DataSpec withFolds(int k) {
    return with(trainFraction, validationFraction, k, imageIdPattern).checked(TRAIN);
  }

  public DataSpec withImageIdPattern(String pattern) {
    return with(trainFraction, validationFraction, folds, pattern);
  }

  private DataSpec with(double train, double validation, int k, String pattern) {
    return new DataSpec(images, labels, labelType, split, train, validation, k, pattern, labelIds);
  }

  private static DataSpec read(Config config) {
    Config train = config.getConfig(TRAIN);
    List<Double> fractions = train.getDoubleList("split-fractions");
    if (fractions.size() != 3) {
      throw new UserError("softlabels.train.split-fractions needs [train, validation, test]");
    }
    return new DataSpec(
        train.getString("images"),
        train.getString("labels"),
        LabelType.parse(train.getString("label-type"), "softlabels.train.label-type"),
        train.getInt("split"),
        fractions.get(0),
        fractions.get(1),
        train.getInt("folds"),
        train.getString("image-id-pattern"),
        LabelIdPattern.parse(train.getString("label-id-pattern")));
  }
}
