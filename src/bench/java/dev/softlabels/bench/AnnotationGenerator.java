package dev.softlabels.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Deterministic annotation rows for benchmarks: a fixed number of votes per image from distinct
 * annotators (a pool of 1,000), string ids, class names as labels. Each image has a dominant class
 * that gets about 60 % of its votes, the rest spread uniformly, so ties and ambiguity both occur.
 */
final class AnnotationGenerator {

  public static final int ANNOTATOR_POOL = 1000;

  private AnnotationGenerator() {}

  public static Dataset<Row> rows(
      SparkSession spark, long rows, int votesPerImage, ClassList classes, long seed) {
    return rows(spark, rows, votesPerImage, classes, seed, 0.0);
  }

  /**
   * {@link #rows} where about {@code duplicateShare} of the rows repeat the annotator of the
   * image's previous vote (with a label drawn as any other), as re-submitted answers do in real
   * exports: the aggregate job counts only the first and quarantines the repeat.
   */
  public static Dataset<Row> rows(
      SparkSession spark,
      long rows,
      int votesPerImage,
      ClassList classes,
      long seed,
      double duplicateShare) {
    return images(spark, 0, rows, votesPerImage, classes, seed, duplicateShare);
  }

  /**
   * A night's new rows for a store built from {@link #rows}(existingRows, ...): half are more votes
   * on existing images picked at random, each by an annotator who has not voted on it yet, half are
   * votes on images numbered after the existing ones.
   */
  public static Dataset<Row> night(
      SparkSession spark,
      long rows,
      long existingRows,
      int votesPerImage,
      ClassList classes,
      long seed) {
    long existingImages = existingRows / votesPerImage;
    long onExisting = rows / 2;
    Column id = col("id");
    Column image = pmod(xxhash64(id, lit(seed + 3)), lit(existingImages));
    Dataset<Row> more =
        spark
            .range(onExisting)
            .select(
                imageId(image),
                concat(lit("late-"), id.cast(DataTypes.StringType)).as("annotator_id"),
                label(image, id, classes, seed));
    return more.unionByName(
        images(spark, existingRows, rows - onExisting, votesPerImage, classes, seed, 0.0));
  }

  /**
   * {@code rows} rows from row number {@code first} on, {@code votesPerImage} consecutive rows per
   * image.
   */
  private static Dataset<Row> images(
      SparkSession spark,
      long first,
      long rows,
      int votesPerImage,
      ClassList classes,
      long seed,
      double duplicateShare) {
    Column id = col("id");
    Column image = id.divide(votesPerImage).cast(DataTypes.LongType);
    Column vote = pmod(id, lit(votesPerImage));
    // A uniform draw in [0, 1) per row; the image's first vote has no previous one to repeat.
    Column draw = pmod(xxhash64(id, lit(seed + 4)), lit(1_000_000_000L)).divide(1e9);
    Column annotatorVote =
        when(
                vote.gt(0).and(draw.lt(duplicateShare * votesPerImage / (votesPerImage - 1.0))),
                vote.minus(1))
            .otherwise(vote);
    return spark
        .range(first, first + rows)
        .select(
            imageId(image),
            concat(
                    lit("ann-"),
                    pmod(image.multiply(7).plus(annotatorVote), lit(ANNOTATOR_POOL))
                        .cast(DataTypes.StringType))
                .as("annotator_id"),
            label(image, id, classes, seed));
  }

  private static Column imageId(Column image) {
    return concat(lit("img-"), lpad(image.cast(DataTypes.StringType), 10, "0")).as("image_id");
  }

  /** The image's dominant class 60 % of the time, any class otherwise. */
  private static Column label(Column image, Column id, ClassList classes, long seed) {
    Column dominant = pmod(xxhash64(image, lit(seed)), lit(classes.size()));
    Column anyClass = pmod(xxhash64(id, lit(seed + 1)), lit(classes.size()));
    Column useDominant = pmod(xxhash64(id, lit(seed + 2)), lit(10)).lt(6);
    return element_at(
            LabelColumns.classNames(classes),
            when(useDominant, dominant).otherwise(anyClass).cast(DataTypes.IntegerType).plus(1))
        .as("label");
  }
}
