package dev.softlabels.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.testing.Cifar10h;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CIFAR-10H votes, expanded to one row per annotation, give back the published soft
 * labels.
 */
@ExtendWith(SparkExtension.class)
class Cifar10hAggregateTest {

  @TempDir Path dir;

  @Test
  void reproducesThePublishedLabelDistributions(SparkSession spark) throws Exception {
    Path cifar10h = TestFiles.sharedData("cifar10h");
    Path votes = Cifar10h.writeVotes(spark, dir);
    Path output = dir.resolve("out");
    AggregateSettings settings =
        AggregateSettings.from(
            ConfigLoader.load(
                Optional.empty(),
                Optional.of(Path.of("conf/cifar10h.conf")),
                Map.of(
                    "softlabels.aggregate.input", votes.toString(),
                    "softlabels.aggregate.output", output.toString())));

    AggregateSummary summary = AggregateJob.run(spark, settings);

    assertThat(summary.rowsRead()).isEqualTo(511_000);
    assertThat(summary.rowsQuarantined()).isZero();
    assertThat(summary.images()).isEqualTo(10_000);
    assertThat(summary.unanimous()).isEqualTo(4_393);
    assertThat(summary.ties()).isEqualTo(3);
    assertThat(summary.annotationsPerImage().firstKey()).isEqualTo(47);
    assertThat(summary.annotationsPerImage().lastKey()).isEqualTo(63);

    List<String> published = Files.readAllLines(cifar10h.resolve("cifar10h_probs.csv"));
    double maxDifference = 0;
    for (Row row :
        spark
            .read()
            .parquet(output.resolve("labels").toString())
            .select("image_id", "soft_label")
            .collectAsList()) {
      double[] expected =
          Arrays.stream(published.get(Integer.parseInt(row.getString(0))).split(","))
              .mapToDouble(Double::parseDouble)
              .toArray();
      List<Double> soft = row.getList(1);
      for (int k = 0; k < expected.length; k++) {
        maxDifference = Math.max(maxDifference, Math.abs(expected[k] - soft.get(k)));
      }
    }
    assertThat(maxDifference).isLessThan(1e-9);
  }
}
