package dev.softlabels.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import dev.softlabels.synthetic.SyntheticClasses;
import dev.softlabels.testing.Pixels;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SyntheticData;
import dev.softlabels.testing.Training;
import dev.softlabels.train.TrainJob;
import dev.softlabels.train.TrainSettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The embed job on a tiny generated set and a model trained for one epoch. */
@ExtendWith(SparkExtension.class)
@Training
class EmbedJobTest {

  @TempDir static Path dir;
  static Path generated;
  static Path model;

  @BeforeAll
  static void trainTinyModel(SparkSession spark) {
    generated = SyntheticData.generate(spark, dir.resolve("generated"), 300);
    model = dir.resolve("model");
    TrainJob.run(
        spark,
        TrainSettings.from(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.train.images",
                    generated.resolve("images").toString(),
                    "softlabels.train.labels",
                    generated.resolve("labels").toString(),
                    "softlabels.train.model-dir",
                    model.toString(),
                    "softlabels.train.epochs",
                    1))));
  }

  static Map<String, Object> overrides(Path output, Map<String, String> models) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("softlabels.train.images", generated.resolve("images").toString());
    overrides.put("softlabels.train.labels", generated.resolve("labels").toString());
    overrides.put("softlabels.embed.models", models);
    overrides.put("softlabels.embed.output", output.toString());
    overrides.put("softlabels.embed.max-points", 40);
    overrides.put("softlabels.embed.iterations", 200);
    overrides.put("softlabels.embed.panel-width", 200);
    overrides.put("softlabels.embed.panel-height", 180);
    return overrides;
  }

  @Test
  void writesFeaturesCoordinatesAndOnePlotPerColouring(SparkSession spark) throws IOException {
    Path output = dir.resolve("embed");
    // The same model twice: the two panels must then be the same picture.
    EmbedJob.Result result =
        EmbedJob.run(
            spark,
            EmbedSettings.from(
                ConfigLoader.withOverrides(
                    overrides(output, Map.of("b", model.toString(), "a", model.toString())))));

    long testImages =
        spark
            .read()
            .parquet(generated.resolve("images").toString())
            .filter("split_0 = 'test'")
            .count();
    assertThat(result.images()).isEqualTo(testImages);
    assertThat(result.points()).isEqualTo(40);
    List<Row> features =
        spark.read().parquet(output.resolve("features/a").toString()).collectAsList();
    assertThat(features).hasSize((int) testImages);
    // Global average pooling over ReLU outputs: 64 non-negative numbers (cnn's last block is 64
    // wide). Stored as ML vectors, ready for MLlib.
    assertThat(features)
        .allSatisfy(
            row -> {
              double[] vector = row.<Vector>getAs("features").toArray();
              assertThat(vector).hasSize(64);
              assertThat(Arrays.stream(vector).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
            });

    List<Row> a =
        spark
            .read()
            .parquet(output.resolve("tsne").toString())
            .filter("model = 'a'")
            .orderBy("image_id")
            .select("image_id", "x", "y")
            .collectAsList();
    List<Row> b =
        spark
            .read()
            .parquet(output.resolve("tsne").toString())
            .filter("model = 'b'")
            .orderBy("image_id")
            .select("image_id", "x", "y")
            .collectAsList();
    assertThat(a).hasSize(40).isEqualTo(b);

    assertThat(result.plots()).containsOnlyKeys("colour-interpolation", "shape-interpolation");
    for (String plot : result.plots().values()) {
      BufferedImage image = ImageIO.read(Path.of(plot).toFile());
      assertThat(image.getWidth()).isEqualTo(2 * 200);
      assertThat(image.getHeight()).isEqualTo(ScatterPlots.HEADER + 180 + ScatterPlots.FOOTER);
      long coloured =
          Pixels.count(image, ScatterPlots.HEADER, ScatterPlots.HEADER + 180, Pixels::saturated);
      assertThat(coloured).as("saturated point pixels in " + plot).isGreaterThan(100);
    }
    JsonNode summary =
        new ObjectMapper().readTree(Files.readString(output.resolve(EmbedJob.SUMMARY)));
    assertThat(summary.get("points").asInt()).isEqualTo(40);
    assertThat(summary.at("/measures/a/features_class_purity").asDouble()).isBetween(0.0, 1.0);
    assertThat(summary.at("/measures/a")).isEqualTo(summary.at("/measures/b"));
    assertThat(summary.get("caption").asText())
        .contains(
            "40 of the " + testImages + " test images",
            "features (PCA to 50 of 64 dimensions first)");
  }

  @Test
  void aModelDirectoryWithoutCheckpointIsAUserError(SparkSession spark) {
    Path empty = dir.resolve("no-model");
    assertThatThrownBy(
            () ->
                EmbedJob.run(
                    spark,
                    EmbedSettings.from(
                        ConfigLoader.withOverrides(
                            overrides(
                                dir.resolve("embed-none"), Map.of("soft", empty.toString()))))))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("no best checkpoint in " + empty);
  }

  @Test
  void colouringFollowsTheClassList() {
    assertThat(EmbedSettings.colourings("auto", SyntheticClasses.CLASSES))
        .containsExactly(PointColours.SYNTHETIC_COLOUR, PointColours.SYNTHETIC_SHAPE);
    var cifar = new ClassList(List.of("airplane", "automobile", "bird"));
    assertThat(EmbedSettings.colourings("auto", cifar)).containsExactly(PointColours.CLASS_MIX);
    assertThatThrownBy(() -> EmbedSettings.colourings("synthetic", cifar))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("softlabels.embed.colouring = synthetic");
    assertThatThrownBy(() -> EmbedSettings.colourings("rainbow", cifar))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("auto, synthetic or classes");
  }
}
