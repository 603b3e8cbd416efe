package dev.softlabels.dataset;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.softlabels.config.UserError;
import dev.softlabels.labels.ImageColumns;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An image dataset as rows of (image_id, encoded image bytes, split): either the generate job's
 * Parquet (png bytes, split_K columns) or a directory of PNG/JPEG files read with Spark's
 * binaryFile source, whose ids come from the file names and whose split is a pure function of
 * (image id, K).
 */
public final class ImageTable {

  public static final String BYTES = "image_bytes";
  public static final String SPLIT = "split";
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  /** Hashed with every image id for its fold: the same for every split, unlike split numbers. */
  private static final String FOLD_SALT = "fold";

  private static final String ID_PATTERN_KEY = "softlabels.train.image-id-pattern";

  private ImageTable() {}

  /** Checks a configured split part name ({@code key} names the setting in the message). */
  public static String requirePartName(String name, String key) {
    if (!List.of(TRAIN, VALIDATION, TEST).contains(name)) {
      throw new UserError(key + " must be train, validation or test, got '" + name + "'");
    }
    return name;
  }

  /** {@code data}'s images with the part of its split each image is in. */
  public static Dataset<Row> read(SparkSession spark, DataSpec data) {
    String path = data.images();
    int split = data.split();
    String idPattern = data.imageIdPattern();
    HadoopPaths paths = HadoopPaths.of(spark);
    paths.requireExists(path, "images");
    boolean parquet = isParquet(paths, path);
    Column computedSplit = computedSplit(col(LabelColumns.IMAGE), data);
    if (parquet) {
      Dataset<Row> images = spark.read().parquet(path);
      if (!Arrays.asList(images.columns()).contains(ImageColumns.PNG)) {
        throw new UserError(
            "images " + path + " is Parquet without a png column (the generate job's images/)");
      }
      String splitColumn = ImageColumns.splitColumn(split);
      Column chosen =
          Arrays.asList(images.columns()).contains(splitColumn) ? col(splitColumn) : computedSplit;
      return images.select(
          col(LabelColumns.IMAGE), col(ImageColumns.PNG).as(BYTES), chosen.as(SPLIT));
    }
    Dataset<Row> files =
        spark
            .read()
            .format("binaryFile")
            .option("pathGlobFilter", "*.{png,jpg,jpeg,PNG,JPG,JPEG}")
            .option("recursiveFileLookup", "true")
            .load(path)
            .select(
                regexp_extract(element_at(split(col("path"), "/"), -1), idPattern, 1)
                    .as(LabelColumns.IMAGE),
                col("path"),
                col("content").as(BYTES));
    Row unmatched =
        files
            .filter(col(LabelColumns.IMAGE).equalTo(""))
            .select(col("path"))
            .limit(1)
            .collectAsList()
            .stream()
            .findFirst()
            .orElse(null);
    if (unmatched != null) {
      throw new UserError(
          "image file "
              + unmatched.getString(0)
              + " does not match "
              + ID_PATTERN_KEY
              + " '"
              + idPattern
              + "'");
    }
    return files.select(col(LabelColumns.IMAGE), col(BYTES), computedSplit.as(SPLIT));
  }

  /** Where the image ids of {@link #read}'s rows come from, as a message names it. */
  public static String idSource(SparkSession spark, String path, String idPattern) {
    return isParquet(HadoopPaths.of(spark), path)
        ? "its Parquet's image_id column"
        : "file names through " + ID_PATTERN_KEY + " '" + idPattern + "'";
  }

  private static boolean isParquet(HadoopPaths paths, String path) {
    return paths.isDirectory(path)
        ? paths.fileNames(path).stream().anyMatch(n -> n.endsWith(".parquet"))
        : path.endsWith(".parquet");
  }

  /**
   * train / validation / test from a hash of the image id, stable across runs and machines. With
   * fractions, a fresh draw per split number (hashed with it); with k folds, one fold per image
   * (hashed without it), so split s tests on fold s, validates on fold s + 1 and trains on the
   * rest: the k test parts partition the images and no split's validation part is its test part.
   */
  static Column computedSplit(Column imageId, DataSpec data) {
    if (data.folds() > 0) {
      Column fold = pmod(xxhash64(imageId, lit(FOLD_SALT)), lit((long) data.folds()));
      return when(fold.equalTo(data.split()), lit(TEST))
          .when(fold.equalTo((data.split() + 1) % data.folds()), lit(VALIDATION))
          .otherwise(lit(TRAIN));
    }
    Column u = pmod(xxhash64(imageId, lit(data.split())), lit(1_000_000L)).divide(1e6);
    return when(u.lt(data.trainFraction()), lit(TRAIN))
        .when(u.lt(data.trainFraction() + data.validationFraction()), lit(VALIDATION))
        .otherwise(lit(TEST));
  }
}
