package dev.softlabels.labels;

import java.io.Serializable;

/**
 * One image's row of the label table ({@link LabelColumns#SCHEMA}) built in plain Java from {@link
 * LabelMath}: for code that already holds an image's counts on an executor, where the same columns
 * as Spark expressions ({@link LabelColumns#withDerived}) would cost a conversion and interpreted
 * higher-order functions.
 */
public record LabelRow(
    String image,
    int[] counts,
    double[] soft,
    int hardLabel,
    String hardLabelName,
    boolean isTie,
    double agreement,
    double entropy)
    implements Serializable {

  /**
   * The row of an image with these vote counts and soft label (the vote fractions or a posterior).
   */
  public static LabelRow of(String image, int[] counts, double[] soft, ClassList classes) {
    int hard = LabelMath.argmax(soft);
    return new LabelRow(
        image,
        counts,
        soft,
        hard,
        classes.name(hard),
        LabelMath.isTie(soft),
        LabelMath.max(soft),
        LabelMath.normalizedEntropy(soft));
  }

  public int annotations() {
    // A loop, not a stream: it runs once or twice per image.
    int n = 0;
    for (int count : counts) {
      n += count;
    }
    return n;
  }

  /**
   * The row's values in {@link LabelColumns#SCHEMA}'s column order, as Java holds them: what {@code
   * dev.softlabels.spark.internal.InternalRows} makes a table of with no conversion of boxed arrays
   * in between; a wider row starts with them.
   */
  public Object[] values() {
    return new Object[] {
      image, annotations(), counts, soft, hardLabel, hardLabelName, isTie, agreement, entropy
    };
  }
}
