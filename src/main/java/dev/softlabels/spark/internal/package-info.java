/**
 * The one place that uses Spark's internal API (catalyst's {@code InternalRow} and {@code
 * ArrayData}, unsafe's {@code UTF8String}, the Scala-private {@code internalCreateDataFrame}):
 * tables made from Java values and rows read where Spark holds them, on the paths where measurement
 * chose them, and Spark's timestamp parsing. An upgrade of Spark that changes these changes this
 * package alone. Public: {@link dev.softlabels.spark.internal.InternalRows}, {@link
 * dev.softlabels.spark.internal.RowView} and {@link dev.softlabels.spark.internal.Timestamps}.
 */
package dev.softlabels.spark.internal;
