package dev.softlabels.truth;

import java.util.Arrays;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The {@code confusion} column of the annotators/ tables (the annotate job's true matrices, the
 * aggregate job's Dawid–Skene estimates): row c is the true class, entry j the probability of
 * reporting class j.
 */
public final class ConfusionColumn {

  public static final StructField FIELD =
      DataTypes.createStructField(
          "confusion",
          DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)),
          false);

  private ConfusionColumn() {}

  /** A matrix as the column's row value. */
  public static Double[][] value(double[][] matrix) {
    return Arrays.stream(matrix)
        .map(r -> Arrays.stream(r).boxed().toArray(Double[]::new))
        .toArray(Double[][]::new);
  }
}
