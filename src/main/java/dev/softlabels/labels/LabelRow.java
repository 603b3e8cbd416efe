package dev.softlabels.labels;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One image's row of the label table ({@link LabelColumns#SCHEMA}) built in plain Java from
 * {@link LabelMath}: for code that already holds an image's counts on an executor, where the same
 * columns as Spark expressions ({@link LabelColumns#withDerived}) would cost a conversion and
 * interpreted higher-order functions.
 */
public record LabelRow(String image, int[] counts, double[] soft, int hardLabel, String hardLabelName, boolean isTie,
    double agreement, double entropy) implements Serializable {

  /** The row of an image with these vote counts and soft label (the vote fractions or a posterior). */
  public static LabelRow of(String image, int[] counts, double[] soft, ClassList classes) {
    int hard = LabelMath.argmax(soft);
    return new LabelRow(image, counts, soft, hard, classes.name(hard), LabelMath.isTie(soft), LabelMath.max(soft),
        LabelMath.normalizedEntropy(soft));
  }

  public int annotations() {
    return Arrays.stream(counts).sum();
  }

  /**
   * As Spark's internal row in {@link LabelColumns#SCHEMA}'s column order: what a DataFrame holds, with no
   * conversion of boxed arrays in between.
   */
  public InternalRow toInternalRow() {
    return new GenericInternalRow(internalValues());
  }

  /** The values of {@link #toInternalRow}, for a wider row that starts with them. */
  public Object[] internalValues() {
    return new Object[] {UTF8String.fromString(image), annotations(), UnsafeArrayData.fromPrimitiveArray(counts),
        UnsafeArrayData.fromPrimitiveArray(soft), hardLabel, UTF8String.fromString(hardLabelName), isTie, agreement,
        entropy};
  }
}
