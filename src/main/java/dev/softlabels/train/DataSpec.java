package dev.softlabels.train;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import java.io.Serializable;
import java.util.List;

/**
 * Which images and labels a job reads, and how images are split: shared by train and evaluate
 * (both read {@code softlabels.train}'s data keys) so both see exactly the same split of the same data.
 */
public record DataSpec(
    String images,
    String labels,
    LabelType labelType,
    int split,
    double trainFraction,
    double validationFraction,
    String imageIdPattern)
    implements Serializable {

  public DataSpec {
    if (images.isBlank()) {
      throw new UserError("no images given: pass --images PATH (or set softlabels.train.images)");
    }
    if (labels.isBlank()) {
      throw new UserError("no labels given: pass --labels PATH (or set softlabels.train.labels)");
    }
    if (split < 0) {
      throw new UserError("softlabels.train.split must be >= 0, got " + split);
    }
  }

  /** The same data read for scoring: the target is the soft ground truth, whatever a model was trained on. */
  public DataSpec asGroundTruth() {
    return new DataSpec(images, labels, LabelType.SOFT, split, trainFraction, validationFraction, imageIdPattern);
  }

  public static DataSpec from(Config config) {
    Config train = config.getConfig("softlabels.train");
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
        train.getString("image-id-pattern"));
  }
}
