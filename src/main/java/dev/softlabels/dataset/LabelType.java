package dev.softlabels.dataset;

import dev.softlabels.config.Choices;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.LabelColumns;
import java.util.Optional;
import org.apache.spark.sql.types.StructType;

/** Which column of the label table is the training target, and which label tables it fits. */
public enum LabelType {
  /** One-hot of hard_label: the majority vote, or the posterior's argmax. */
  HARD,
  /** soft_label as a label distribution: vote fractions or exact distributions. */
  SOFT,
  /**
   * soft_label as a model's posterior (aggregate --method dawid-skene, one-coin, glad, mace or
   * wawa).
   */
  POSTERIOR;

  public static LabelType parse(String value, String key) {
    return Choices.parse(LabelType.class, value, key);
  }

  /**
   * Refuses a label table whose soft_label is not what this label type names, judged by the
   * aggregation the aggregate job records in its schema, so that a study's "soft" and "posterior"
   * cells never train on the same labels by mistake. Tables without a record (generated, relabeled,
   * or a user's own) count as distributions.
   */
  public void requireFits(StructType labelsSchema, String labelsPath) {
    Optional<AggregationMethod> aggregation = LabelColumns.aggregation(labelsSchema);
    boolean posteriors = aggregation.map(AggregationMethod::posterior).orElse(false);
    if (this == POSTERIOR && !posteriors) {
      throw new UserError(
          "label type posterior needs a model's posteriors, but the soft labels in "
              + labelsPath
              + aggregation
                  .map(m -> " come from the " + m.configName() + " aggregation")
                  .orElse(" are not marked as such")
              + ": aggregate them with --method dawid-skene (or one-coin, glad, mace, wawa; softlabels.aggregate.method)");
    }
    if (this == SOFT && posteriors) {
      throw new UserError(
          "the soft labels in "
              + labelsPath
              + " are "
              + aggregation.orElseThrow().configName()
              + " posteriors: train on them with --label-type posterior (softlabels.train.label-type), or aggregate with "
              + "--method majority for vote fractions");
    }
  }
}
