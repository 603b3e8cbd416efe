package dev.softlabels.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import dev.softlabels.testing.Training;
import dev.softlabels.train.Checkpoints;
import dev.softlabels.train.TrainState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backbone job on a few hundred real CIFAR-10 images (links into ../shared/data, skipped
 * without it).
 */
@ExtendWith(SparkExtension.class)
@Training
class BackboneJobTest {

  @TempDir Path dir;

  /**
   * The first {@code count} rows of a set's index.csv, with their images linked, under {@code
   * shared}.
   */
  private static void subset(Path shared, String set, int count) throws Exception {
    Path source = TestFiles.sharedData(set);
    Path target = Files.createDirectories(shared.resolve(set).resolve("jpg"));
    List<String> index = Files.readAllLines(source.resolve("index.csv"));
    List<String> kept = new ArrayList<>(index.subList(0, 1));
    // Evenly spaced rows: the training index lists the classes one after another.
    for (int row = 1; row < index.size() && kept.size() <= count; row += index.size() / count) {
      String line = index.get(row);
      kept.add(line);
      String file = line.split(",")[3];
      Files.createSymbolicLink(
          shared.resolve(set).resolve(file), source.resolve(file).toAbsolutePath());
    }
    Files.write(shared.resolve(set).resolve("index.csv"), kept);
  }

  private Config config(Path shared, int epochs) {
    return ConfigLoader.withOverrides(
        Map.of(
            "softlabels.backbone.shared-data",
            shared.toString(),
            "softlabels.backbone.model-dir",
            dir.resolve("backbone").toString(),
            "softlabels.backbone.epochs",
            epochs,
            "softlabels.backbone.validation-fraction",
            0.1,
            "softlabels.train.presets.backbone.network",
            "cnn"));
  }

  @Test
  void trainsOnCifar10TrainScoresOnTheTestImagesAndResumesForMoreEpochs(SparkSession spark)
      throws Exception {
    Path shared = dir.resolve("shared");
    subset(shared, BackboneJob.TRAIN_SET, 400);
    subset(shared, BackboneJob.TEST_SET, 100);

    Config one = config(shared, 1);
    BackboneJob.Result first = BackboneJob.run(spark, one, BackboneSettings.from(one));
    assertThat(first.epochs()).isEqualTo(1);
    assertThat(first.network()).isEqualTo("cnn");
    assertThat(first.testAccuracy()).isBetween(0.0, 1.0);
    assertThat(first.trainSeconds()).isPositive().isLessThan(first.runSeconds());
    assertThat(dir.resolve("backbone").resolve(BackboneJob.SUMMARY)).isNotEmptyFile();
    Checkpoints checkpoints =
        new Checkpoints(spark, dir.resolve("backbone").resolve(BackboneJob.MODEL).toString());
    TrainState afterOne = checkpoints.state(Checkpoints.LAST).orElseThrow();
    assertThat(afterOne.history()).hasSize(1);
    assertThat(afterOne.history().get(0).trainExamples())
        .as("about 90 % of 400 images")
        .isBetween(320L, 390L);

    assertThat(BackboneJob.run(spark, one, BackboneSettings.from(one)))
        .as("done: nothing to redo")
        .isEqualTo(first);

    Config two = config(shared, 2);
    BackboneJob.Result second = BackboneJob.run(spark, two, BackboneSettings.from(two));
    TrainState afterTwo = checkpoints.state(Checkpoints.LAST).orElseThrow();
    assertThat(second.epochs()).isEqualTo(2);
    assertThat(afterTwo.history()).hasSize(2);
    assertThat(afterTwo.history().get(0))
        .as("epoch 1 resumed from its checkpoint, not retrained")
        .isEqualTo(afterOne.history().get(0));
  }
}
