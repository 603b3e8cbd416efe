package dev.softlabels.spark;

import org.apache.spark.sql.SparkSession;

/**
 * How many files a job writes for a table of a known size: one per {@value #ROWS_PER_FILE} rows
 * begun, at most one per core. A handful of rejected rows is one file, not one per shuffle
 * partition (a file and a task each cost more than such rows); a night's tens of thousands of
 * touched images are encoded by every core.
 */
public final class OutputFiles {

  private static final long ROWS_PER_FILE = 50_000;

  private OutputFiles() {}

  public static int forRows(SparkSession spark, long rows) {
    long begun = (rows + ROWS_PER_FILE - 1) / ROWS_PER_FILE;
    return (int) Math.max(1, Math.min(spark.sparkContext().defaultParallelism(), begun));
  }
}
