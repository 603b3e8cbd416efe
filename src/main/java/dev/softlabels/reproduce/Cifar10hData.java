package dev.softlabels.reproduce;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;

import dev.softlabels.spark.HadoopPaths;
import org.apache.spark.sql.SparkSession;

/**
 * The real-data set: CIFAR-10H's per-image vote counts expanded to one annotation row per vote
 * (511,000 rows; annotator ids are synthetic since only counts are published), ready for aggregate,
 * and the CIFAR-10 test JPEGs whose file names carry the image index.
 */
public final class Cifar10hData {

  public static final String COUNTS = "cifar10h/cifar10h_counts_long.csv";
  public static final String IMAGES = "cifar10-test/jpg";

  /** CIFAR-10's class order, which CIFAR-10H's class_idx follows. */
  public static final java.util.List<String> CLASSES =
      java.util.List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  /** jpg/00042_cat.jpg is image 42. */
  public static final String IMAGE_ID_PATTERN = "^0*(\\d+)_";

  private Cifar10hData() {}

  public static void writeVotes(SparkSession spark, String sharedData, String output) {
    String counts = HadoopPaths.child(sharedData, COUNTS);
    HadoopPaths.of(spark)
        .requireExists(counts, "CIFAR-10H counts (softlabels.reproduce.shared-data)");
    spark
        .read()
        .option("header", true)
        .option("inferSchema", true)
        .csv(counts)
        .withColumn("vote", explode(sequence(lit(1), col("count"))))
        .select(
            col("cifar10_test_idx").cast("string").as("image_id"),
            concat_ws("-", lit("cifar10h"), col("class_idx"), col("vote")).as("annotator_id"),
            // Names, as the aggregation reads labels given a class list; an index would be no
            // class.
            element_at(lit(CLASSES.toArray(String[]::new)), col("class_idx").plus(1)).as("label"))
        .write()
        .mode("overwrite")
        .parquet(output);
  }
}
