package dev.softlabels.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.testing.Acceptance;
import dev.softlabels.testing.SparkExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every method with its defaults on the real crowds of {@code ../shared/data/crowds/} (Zheng et
 * al., PVLDB 2017), against their gold labels: none falls half a point below the majority vote, and
 * each method with a published figure of the same model (the benchmark's own outputs, in that
 * folder's README) comes within half a point of it. Skipped with a message when the folder is
 * absent.
 */
@ExtendWith(SparkExtension.class)
@Acceptance
class GoldCrowdsTest {

  static final Path CROWDS = Path.of("..", "shared", "data", "crowds");

  /**
   * Published accuracy (%): EM is Dawid–Skene, ZenCrowd one-coin, GLAD GLAD; jn-restaurant has no
   * GLAD figure.
   */
  static final Map<String, Map<AggregationMethod, Double>> PUBLISHED =
      Map.of(
          "jn-product",
              Map.of(
                  AggregationMethod.DAWID_SKENE,
                  93.66,
                  AggregationMethod.ONE_COIN,
                  92.80,
                  AggregationMethod.GLAD,
                  92.23),
          "jn-restaurant",
              Map.of(AggregationMethod.DAWID_SKENE, 99.10, AggregationMethod.ONE_COIN, 99.20),
          "face-sentiment",
              Map.of(
                  AggregationMethod.DAWID_SKENE,
                  64.04,
                  AggregationMethod.ONE_COIN,
                  62.84,
                  AggregationMethod.GLAD,
                  63.01));

  @TempDir Path work;

  @Test
  void noMethodFallsBelowTheMajorityVoteOrItsPublishedFigure(SparkSession spark) {
    Assumptions.assumeTrue(
        Files.isDirectory(CROWDS),
        "skipped: no real crowds at "
            + CROWDS.toAbsolutePath()
            + " (../shared/data/crowds beside the checkout)");
    GoldCrowds.Results results =
        GoldCrowds.run(spark, ConfigLoader.withOverrides(Map.of()), CROWDS, work.toString());
    StringWriter table = new StringWriter();
    GoldCrowds.print(results, new PrintWriter(table));
    System.out.print(table);

    assertThat(results.crowds()).containsExactly("face-sentiment", "jn-product", "jn-restaurant");
    // The majority vote (ties to the lowest class) as the benchmark's README gives it.
    assertThat(100 * results.of("jn-product", AggregationMethod.MAJORITY).accuracy())
        .isCloseTo(89.66, within(0.005));
    assertThat(100 * results.of("face-sentiment", AggregationMethod.MAJORITY).accuracy())
        .isCloseTo(63.01, within(0.005));
    for (String crowd : results.crowds()) {
      double majority = 100 * results.of(crowd, AggregationMethod.MAJORITY).accuracy();
      for (AggregationMethod method : AggregationMethod.values()) {
        GoldCrowds.Result result = results.of(crowd, method);
        assertThat(100 * result.accuracy())
            .as("%s on %s against the majority vote", method, crowd)
            .isGreaterThanOrEqualTo(majority - 0.5);
        Double published = PUBLISHED.get(crowd).get(method);
        if (published != null) {
          assertThat(100 * result.accuracy())
              .as("%s on %s against its published figure", method, crowd)
              .isGreaterThanOrEqualTo(published - 0.5);
        }
        if (result.summary().em() != null) {
          assertThat(result.summary().em().warnings())
              .as("%s on %s: a sound fit", method, crowd)
              .isEmpty();
        }
      }
    }
    assertThat(table.toString())
        .contains("| method ", "| face-sentiment ", "| jn-product ", "| jn-restaurant ")
        .doesNotContain("! ");
  }

  @Test
  void aDirectoryWithoutCrowdsIsAUserError() {
    assertThatThrownBy(() -> GoldCrowds.crowds(work))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("annotations.csv")
        .hasMessageContaining("truth.csv");
  }
}
