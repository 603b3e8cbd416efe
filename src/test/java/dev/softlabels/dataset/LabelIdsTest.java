package dev.softlabels.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.SparkExtension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool exports' image ids (paths and URLs) mapped onto an image folder's file-name ids, one to one
 * or not at all.
 */
@ExtendWith(SparkExtension.class)
class LabelIdsTest {

  @TempDir Path dir;

  private static List<String> mapped(SparkSession spark, String setting, String... labelIds) {
    Dataset<Row> labels =
        spark.createDataset(List.of(labelIds), Encoders.STRING()).toDF(LabelColumns.IMAGE);
    return LabelIds.mapped(labels, LabelIdPattern.parse(setting), "L").collectAsList().stream()
        .map(row -> row.getString(0))
        .toList();
  }

  @Test
  void fileStemIsTheFileNameWithoutExtensionOfEachToolsPathsAndUrls(SparkSession spark) {
    assertThat(
            mapped(
                spark,
                LabelIdPattern.FILE_STEM,
                "/data/upload/3/00000_cat.jpg", // Label Studio, uploaded
                "/data/local-files/?d=imgs/00001_dog.jpg", // Label Studio, local storage
                "s3://bucket/imgs/00002_bird.png", // SageMaker Ground Truth's source-ref
                "https://bucket.s3.amazonaws.com/imgs/00003_cat.jpeg?X-Amz-Expires=3600", // a
                // signed
                // URL
                "00004.v2.JPG", // a file name
                "00005_dog")) // an id already
        .containsExactly(
            "00000_cat", "00001_dog", "00002_bird", "00003_cat", "00004.v2", "00005_dog");
  }

  /**
   * Label Studio names an upload {@code <8 hex digits>-<file name>}: a regular expression drops the
   * prefix.
   */
  @Test
  void aRegularExpressionsFirstGroupIsTheId(SparkSession spark) {
    assertThat(
            mapped(
                spark,
                "^/data/upload/\\d+/[0-9a-f]{8}-(.+)\\.[A-Za-z]+$",
                "/data/upload/3/8f2a1c3d-00000_cat.jpg",
                "/data/upload/12/0b9e77aa-00001-dog.jpg"))
        .containsExactly("00000_cat", "00001-dog");
    assertThat(mapped(spark, "", "/data/upload/3/00000_cat.jpg"))
        .containsExactly("/data/upload/3/00000_cat.jpg");
  }

  @Test
  void labelIdsThePatternDoesNotMatchAreCountedAndRefused(SparkSession spark) {
    assertThatThrownBy(
            () ->
                mapped(
                    spark,
                    "^s3://bucket/imgs/(.+)\\.jpg$",
                    "s3://bucket/imgs/a.jpg",
                    "s3://bucket/other/b.jpg",
                    "s3://bucket/imgs/c.png",
                    "s3://bucket/imgs/d.jpg"))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "2 of the 4 label ids in L do not match softlabels.train.label-id-pattern "
                + "'^s3://bucket/imgs/(.+)\\.jpg$' (e.g. 's3://bucket/imgs/c.png'): change --label-id-pattern so that "
                + "its first group is the image id");
  }

  @Test
  void labelRowsThatMapToOneImageIdAreRefusedNamingTwo(SparkSession spark) {
    assertThatThrownBy(
            () ->
                mapped(
                    spark,
                    LabelIdPattern.FILE_STEM,
                    "s3://b/day2/0007.jpg",
                    "s3://b/day1/0007.jpg",
                    "s3://b/day1/0009.jpg",
                    "s3://b/day1/0003.jpg",
                    "s3://b/day2/0003.png"))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "softlabels.train.label-id-pattern 'file-stem' maps several label rows of L to one image id, for "
                + "2 image ids (e.g. 's3://b/day1/0003.jpg' and 's3://b/day2/0003.png' both give '0003'): change "
                + "--label-id-pattern so that it keeps what tells them apart");
  }

  @Test
  void aPatternThatIsNoRegularExpressionOrHasNoGroupIsRefusedBeforeAnyJob() {
    assertThatThrownBy(() -> LabelIdPattern.parse("imgs/(.+\\.jpg"))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "softlabels.train.label-id-pattern 'imgs/(.+\\.jpg' is not a regular expression (Unclosed group "
                + "at index 13)");
    assertThatThrownBy(
            () ->
                DataSpec.from(
                    ConfigLoader.withOverrides(
                        Map.of(
                            "softlabels.train.images",
                            "img",
                            "softlabels.train.labels",
                            "l",
                            "softlabels.train.label-id-pattern",
                            "imgs/[^/]+\\.jpg$"))))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "softlabels.train.label-id-pattern 'imgs/[^/]+\\.jpg$' has no group: its first (...) is the image "
                + "id, e.g. --label-id-pattern '([^/]+)\\.jpg$', or --label-id-pattern file-stem");
  }

  /**
   * The labels of a tool export against a folder of the same images: one id of each side, and the
   * setting.
   */
  @Test
  void imagesAndLabelsThatShareNoIdAreNamedWithOneIdOfEachSide(SparkSession spark)
      throws IOException {
    Path images = Files.createDirectories(dir.resolve("images"));
    ImageIO.write(
        new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB),
        "png",
        images.resolve("00000_cat.png").toFile());
    Path labels = dir.resolve("labels");
    StructType schema =
        new StructType()
            .add(LabelColumns.IMAGE, DataTypes.StringType)
            .add(LabelColumns.SOFT_LABEL, DataTypes.createArrayType(DataTypes.DoubleType))
            .add(LabelColumns.HARD_LABEL, DataTypes.IntegerType);
    List<Row> rows =
        new ArrayList<>(
            List.of(RowFactory.create("/data/upload/3/00000_cat.jpg", List.of(1.0, 0.0), 0)));
    spark.createDataFrame(rows, schema).write().parquet(labels.toString());
    String header =
        "no image of "
            + images
            + " has a label in "
            + labels
            + " (joined on image_id): image ids look "
            + "like '00000_cat' (file names through softlabels.train.image-id-pattern '^(.+)\\.[A-Za-z]+$'), label ids "
            + "like '/data/upload/3/00000_cat.jpg";

    assertThatThrownBy(() -> TrainingData.prepare(spark, data(images, labels, "")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            header
                + "' (its image_id column); map the label ids with --label-id-pattern file-stem (a path's "
                + "or URL's file name without extension) or a regular expression whose first group is the image id "
                + "(softlabels.train.label-id-pattern)");
    assertThatThrownBy(
            () -> TrainingData.prepare(spark, data(images, labels, "^/data/(.+)\\.jpg$")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            header
                + "' -> 'upload/3/00000_cat' (its image_id column through softlabels.train.label-id-pattern "
                + "'^/data/(.+)\\.jpg$'); change --label-id-pattern (softlabels.train.label-id-pattern) or "
                + "softlabels.train.image-id-pattern so that both give the same ids");
    TrainingData.Prepared joined =
        TrainingData.prepare(spark, data(images, labels, LabelIdPattern.FILE_STEM));
    assertThat(joined.examples().select(LabelColumns.IMAGE).as(Encoders.STRING()).collectAsList())
        .containsExactly("00000_cat");
    joined.examples().unpersist();
  }

  private static DataSpec data(Path images, Path labels, String labelIdPattern) {
    return DataSpec.from(
        ConfigLoader.withOverrides(
            Map.of(
                "softlabels.train.images",
                images.toString(),
                "softlabels.train.labels",
                labels.toString(),
                "softlabels.train.label-id-pattern",
                labelIdPattern)));
  }
}
