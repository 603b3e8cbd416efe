package dev.softlabels.testing;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The label columns of vote counts as Spark SQL expressions: an oracle independent of the Java code
 * the jobs use ({@code LabelRow}, {@code LabelMath}), for tests that check a job's labels.
 */
public final class SqlLabels {

  private SqlLabels() {}

  /** image_id, counts -> the labels/ columns, with the vote fractions as soft label. */
  public static Dataset<Row> derive(Dataset<Row> counts, ClassList classes) {
    Column n = aggregate(col(LabelColumns.COUNTS), lit(0), (acc, x) -> acc.plus(x));
    return LabelColumns.fromSoftLabel(
        counts
            .withColumn(LabelColumns.N_ANNOTATIONS, n)
            .withColumn(
                LabelColumns.SOFT_LABEL,
                transform(col(LabelColumns.COUNTS), x -> x.cast(DataTypes.DoubleType).divide(n))),
        classes);
  }
}
