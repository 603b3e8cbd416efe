package dev.softlabels.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.testing.Cifar10h;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import dev.softlabels.testing.Training;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real data end to end: CIFAR-10H votes -> aggregate -> train on the CIFAR-10 test JPEGs (a short
 * run).
 */
@ExtendWith(SparkExtension.class)
@Training
class Cifar10TrainTest {

  @TempDir Path dir;

  @Test
  void trainsOnCifar10ImagesWithCifar10hSoftLabels(SparkSession spark) {
    Path jpg = TestFiles.sharedData("cifar10-test").resolve("jpg");
    Path labels = dir.resolve("aggregated");
    Optional<Path> conf = Optional.of(Path.of("conf/cifar10h.conf"));
    AggregateJob.run(
        spark,
        AggregateSettings.from(
            ConfigLoader.load(
                Optional.empty(),
                conf,
                Map.of(
                    "softlabels.aggregate.input", Cifar10h.writeVotes(spark, dir).toString(),
                    "softlabels.aggregate.output", labels.toString()))));

    // A fifth of the images for training and a tenth for validation keep this to about a minute.
    TrainSettings settings =
        TrainSettings.from(
            ConfigLoader.load(
                Optional.empty(),
                conf,
                Map.of(
                    "softlabels.train.images", jpg.toString(),
                    "softlabels.train.labels", labels.resolve("labels").toString(),
                    "softlabels.train.model-dir", dir.resolve("model").toString(),
                    "softlabels.train.split-fractions", List.of(0.2, 0.1, 0.7),
                    "softlabels.train.epochs", 2)));
    TrainState state = TrainJob.run(spark, settings);

    assertThat(state.epochsDone()).isEqualTo(2);
    TrainState.Epoch last = state.history().get(1);
    assertThat(last.trainExamples()).isBetween(1_800L, 2_200L);
    assertThat(last.validationLoss())
        .isFinite()
        .isLessThan(state.history().get(0).validationLoss() + 0.5);
    assertThat(last.validationKl()).isFinite().isPositive();
    assertThat(last.validationMacroAccuracy()).as("chance is 0.1").isGreaterThan(0.12);
    assertThat(new Checkpoints(spark, settings.modelDir()).state(Checkpoints.BEST)).isPresent();
  }
}
