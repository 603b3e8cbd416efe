package dev.softlabels.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class GenerateJobTest {

  @TempDir Path dir;

  private static GenerateSettings settings(Path output, int partitions, Map<String, Object> extra) {
    Map<String, Object> overrides = new java.util.HashMap<>(extra);
    overrides.put("softlabels.generate.images", 60);
    overrides.put("softlabels.generate.output", output.toString());
    overrides.put("softlabels.generate.partitions", partitions);
    return GenerateSettings.from(ConfigLoader.withOverrides(overrides));
  }

  private static List<Row> images(SparkSession spark, Path output) {
    return spark
        .read()
        .parquet(output.resolve("images").toString())
        .orderBy("index")
        .collectAsList();
  }

  @Test
  void theSameSeedGivesIdenticalContentForAnyPartitioning(SparkSession spark) {
    List<Row> one = null;
    for (int partitions : new int[] {1, 2, 7}) {
      Path output = dir.resolve("p" + partitions);
      GenerateJob.run(spark, settings(output, partitions, Map.of()));
      assertThat(spark.read().parquet(output.resolve("images").toString()).rdd().getNumPartitions())
          .isLessThanOrEqualTo(partitions);
      List<Row> rows = images(spark, output);
      assertThat(rows).hasSize(60);
      if (one == null) {
        one = rows;
      } else {
        // Row equality compares the PNG byte arrays element by element.
        assertThat(rows).as(partitions + " partitions").containsExactlyElementsOf(one);
      }
    }
    GenerateJob.run(
        spark, settings(dir.resolve("seed43"), 2, Map.of("softlabels.generate.seed", 43)));
    assertThat(images(spark, dir.resolve("seed43")).get(0)).isNotEqualTo(one.get(0));
  }

  @Test
  void writesImagesGroundTruthLabelsAndPngFiles(SparkSession spark) throws Exception {
    Path output = dir.resolve("out");
    Path png = dir.resolve("png");
    Map<String, Object> summary =
        GenerateJob.run(
            spark,
            settings(
                output,
                2,
                Map.of(
                    "softlabels.generate.export-png",
                    png.toString(),
                    "softlabels.generate.size",
                    24)));

    assertThat(summary)
        .containsEntry("images", 60L)
        .containsEntry(
            "classes",
            List.of(
                "red_circle",
                "red_ellipse",
                "green_circle",
                "green_ellipse",
                "blue_circle",
                "blue_ellipse"));
    List<Row> images = images(spark, output);
    Row first = images.get(0);
    assertThat(first.getString(first.fieldIndex("image_id"))).isEqualTo("syn-000000");
    Shape expected =
        ShapeSampler.sample(settings(output, 2, Map.of("softlabels.generate.size", 24)), 0);
    assertThat(first.<Double>getList(first.fieldIndex("soft_label")))
        .containsExactly(
            java.util.Arrays.stream(expected.softLabel()).boxed().toArray(Double[]::new));
    assertThat(first.getInt(first.fieldIndex("width"))).isEqualTo(24);
    assertThat(first.getString(first.fieldIndex("split_2"))).isIn("train", "validation", "test");
    assertThat(
            javax.imageio.ImageIO.read(
                    new java.io.ByteArrayInputStream((byte[]) first.get(first.fieldIndex("png"))))
                .getWidth())
        .isEqualTo(24);

    Row truth =
        spark
            .read()
            .parquet(output.resolve("labels").toString())
            .filter("image_id = 'syn-000000'")
            .first();
    assertThat(truth.getInt(truth.fieldIndex("hard_label"))).isEqualTo(expected.hardLabel());
    assertThat(truth.getString(truth.fieldIndex("hard_label_name")))
        .isEqualTo(SyntheticClasses.CLASSES.name(expected.hardLabel()));
    assertThat(truth.getInt(truth.fieldIndex("n_annotations"))).isZero();
    assertThat(spark.read().parquet(output.resolve("labels").toString()).columns())
        .containsExactly(
            "image_id",
            "n_annotations",
            "counts",
            "soft_label",
            "hard_label",
            "hard_label_name",
            "is_tie",
            "agreement",
            "entropy");

    try (var files = Files.list(png)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(names.get(0))
          .as("the folder's marker for a later --overwrite")
          .isEqualTo(".softlabels-output");
      names = names.subList(1, names.size());
      assertThat(names)
          .hasSize(60)
          .allMatch(
              n -> n.matches("syn-\\d{6}_(pure|colour|shape|colour-shape)_[a-z]+_[a-z]+\\.png"));
      assertThat(names.get(0)).startsWith("syn-000000_" + expected.kind().replace('+', '-') + "_");
    }
  }
}
