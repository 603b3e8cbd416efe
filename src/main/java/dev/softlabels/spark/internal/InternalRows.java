package dev.softlabels.spark.internal;

import java.util.Iterator;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Rows in and out of Spark in its internal form: tables made from Java values without Spark's
 * conversion of Java rows, and a table's rows read where they are, without converting them to Java
 * rows. Chosen by measurement where it is used (the vote pass, the label table, relabel's night
 * table: their comments say why). The form is Spark's internal API, not its public one ({@code
 * InternalRow}, {@code UTF8String}, the Scala {@code private[sql]} {@code
 * internalCreateDataFrame}), so a Spark upgrade that changes it changes this package alone.
 */
public final class InternalRows {

  private InternalRows() {}

  /**
   * The table of {@code rows}, each its values in {@code schema}'s column order as Java gives them:
   * String, int[] and double[] (array columns), String[] (array of strings), boxed numbers and
   * booleans, null. Each array is converted in place, so give every row an array of its own. Lazy.
   */
  public static Dataset<Row> dataFrame(
      SparkSession spark, JavaRDD<Object[]> rows, StructType schema) {
    return spark.internalCreateDataFrame(rows.map(InternalRows::internalRow).rdd(), schema, false);
  }

  /** {@code work} on each partition of {@code table}'s rows as Spark holds them; lazy. */
  public static <T> JavaRDD<T> mapPartitions(
      Dataset<Row> table, FlatMapFunction<Iterator<RowView>, T> work) {
    return views(table).mapPartitions(work);
  }

  /**
   * {@code table}'s rows as Spark holds them, folded by {@code add} per partition and merged: one
   * Spark job.
   */
  public static <U> U aggregate(
      Dataset<Row> table, U zero, Function2<U, RowView, U> add, Function2<U, U, U> merge) {
    return views(table).aggregate(zero, add, merge);
  }

  /** One view per partition, moved from row to row: Spark reuses the rows' buffers anyway. */
  private static JavaRDD<RowView> views(Dataset<Row> table) {
    return table
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitions(
            rows -> {
              RowView view = new RowView(null);
              return new Iterator<RowView>() {
                @Override
                public boolean hasNext() {
                  return rows.hasNext();
                }

                @Override
                public RowView next() {
                  return view.at(rows.next());
                }
              };
            });
  }

  static InternalRow internalRow(Object[] values) {
    for (int field = 0; field < values.length; field++) {
      values[field] = internalValue(values[field]);
    }
    return new GenericInternalRow(values);
  }

  private static Object internalValue(Object value) {
    if (value instanceof String text) {
      return UTF8String.fromString(text);
    }
    if (value instanceof int[] ints) {
      return UnsafeArrayData.fromPrimitiveArray(ints);
    }
    if (value instanceof double[] doubles) {
      return UnsafeArrayData.fromPrimitiveArray(doubles);
    }
    if (value instanceof String[] texts) {
      return new GenericArrayData(Stream.of(texts).map(UTF8String::fromString).toArray());
    }
    return value;
  }
}
