/**
 * The one place that uses Spark's internal API (catalyst's {@code InternalRow} and {@code
 * ArrayData}, unsafe's {@code UTF8String}, the Scala-private {@code internalCreateDataFrame}):
 * tables made from Java values and rows read where Spark holds them, on the paths where measurement
 * chose them, Spark's timestamp parsing, and Spark's Parquet reader and CSV and JSON writers driven
 * on the driver without a session (to-csv of a small table). An upgrade of Spark that changes these
 * changes this package alone. Public: {@link dev.softlabels.spark.internal.InternalRows}, {@link
 * dev.softlabels.spark.internal.RowView}, {@link dev.softlabels.spark.internal.Timestamps}, {@link
 * dev.softlabels.spark.internal.ParquetFiles} and {@link dev.softlabels.spark.internal.CsvRows}.
 */
package dev.softlabels.spark.internal;
