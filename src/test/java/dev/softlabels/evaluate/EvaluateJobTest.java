package dev.softlabels.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ConfidenceBins;
import dev.softlabels.labels.Metrics;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SyntheticData;
import dev.softlabels.testing.UntrainedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate job's outputs, with an untrained network saved as the best checkpoint: scoring and
 * metrics need no training, which would take minutes.
 */
@ExtendWith(SparkExtension.class)
class EvaluateJobTest {

  @TempDir static Path dir;
  static Path generated;
  static Path model;

  @BeforeAll
  static void untrainedModel(SparkSession spark) {
    generated = SyntheticData.generate(spark, dir.resolve("generated"), 120);
    model = dir.resolve("model");
    UntrainedModels.save(spark, generated, model, network -> {});
  }

  @Test
  void writesTheCalibrationOfTheImagesItsMetricsScore(SparkSession spark) throws IOException {
    Path output = dir.resolve("evaluation");
    Map<String, Double> returned =
        EvaluateJob.run(spark, UntrainedModels.evaluation(generated, model, output));

    assertThat(output.resolve(EvaluateJob.CALIBRATION)).isRegularFile();
    Map<?, ?> metrics = Json.read(Files.readString(output.resolve(EvaluateJob.METRICS)), Map.class);
    ConfidenceBins calibration = EvaluateJob.calibration(spark, output.toString());
    long images = ((Number) metrics.get("images")).longValue();
    assertThat(images).as("the test split of 120 images").isPositive().isLessThan(120);
    assertThat(calibration.bins()).hasSize(Metrics.ECE_BINS);
    assertThat(calibration.images()).isEqualTo(images);
    assertThat(calibration.ece())
        .isCloseTo(((Number) metrics.get(Metrics.ECE)).doubleValue(), within(1e-12))
        .isCloseTo(returned.get(Metrics.ECE), within(1e-12));
    assertThat(Files.readString(output.resolve(EvaluateJob.CALIBRATION))).doesNotContain("NaN");
  }

  @Test
  void aDirectoryWithoutCalibrationIsAUserError(SparkSession spark) {
    assertThatThrownBy(() -> EvaluateJob.calibration(spark, generated.toString()))
        .isInstanceOf(UserError.class)
        .hasMessageContaining(EvaluateJob.CALIBRATION)
        .hasMessageContaining(generated.toString());
  }
}
