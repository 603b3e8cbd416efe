package dev.softlabels.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The CIFAR-10H vote counts of ../shared/data expanded to one annotation row per vote. */
public final class Cifar10h {

  private Cifar10h() {}

  /** Writes the 511,000 votes as Parquet (image_id = CIFAR-10 test index, label = class index). */
  public static Path writeVotes(SparkSession spark, Path directory) {
    Path cifar10h = TestFiles.sharedData("cifar10h");
    Path votes = directory.resolve("cifar10h-votes");
    spark.read().option("header", true).option("inferSchema", true)
        .csv(cifar10h.resolve("cifar10h_counts_long.csv").toString())
        .withColumn("vote", explode(sequence(lit(1), col("count"))))
        .select(
            col("cifar10_test_idx").cast("string").as("image_id"),
            concat_ws("-", lit("a"), col("class_idx"), col("vote")).as("annotator_id"),
            col("class_idx").cast("string").as("label"))
        .write().parquet(votes.toString());
    return votes;
  }
}
