package dev.softlabels.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.bench.CrowdStudy.Crowd;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.testing.Acceptance;
import dev.softlabels.testing.SparkExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench methods} at its default size (2,000 images, 5 votes each from a pool of 10): the
 * acceptance of the methods on crowds with a known truth. MACE, which models spammers, gains at
 * least 5 points over the majority vote among 30 % spammers; GLAD beats it when images differ in
 * difficulty; one-coin is within a point of Dawid–Skene on a crowd that follows the one-coin model;
 * and on 12 % positives, with errors the same both ways or one-sided (misses far above false
 * alarms), every method keeps at least half the positives and stays within a point of the majority
 * vote.
 */
@ExtendWith(SparkExtension.class)
@Acceptance
class CrowdStudyTest {

  @TempDir Path work;

  @Test
  void eachMethodWinsOnTheCrowdItModels(SparkSession spark) {
    // Untimed: the accuracies are the point here, and warm times cost each method a second run.
    CrowdStudy.Options options =
        new CrowdStudy.Options(2_000, 5, 10, 0.3, 7, work.toString(), false);
    CrowdStudy.Results results =
        CrowdStudy.run(spark, ConfigLoader.withOverrides(Map.of()), options);
    StringWriter table = new StringWriter();
    MethodsBenchmark.print(results, new PrintWriter(table));
    System.out.print(table);

    assertThat(results.all()).hasSize(Crowd.values().length * AggregationMethod.values().length);
    assertThat(results.all())
        .allSatisfy(
            r -> {
              assertThat(r.accuracy()).isBetween(0.0, 1.0);
              assertThat(r.seconds()).isPositive();
            });
    for (Crowd crowd : Crowd.values()) {
      assertThat(results.of(crowd, AggregationMethod.MAJORITY).accuracy())
          .as("%s is noisy", crowd)
          .isLessThan(1.0);
    }
    assertThat(results.of(Crowd.SPAMMERS, AggregationMethod.MACE).accuracy())
        .isGreaterThanOrEqualTo(
            results.of(Crowd.SPAMMERS, AggregationMethod.MAJORITY).accuracy() + 0.05);
    assertThat(results.of(Crowd.SPAMMERS, AggregationMethod.DAWID_SKENE).accuracy())
        .isGreaterThanOrEqualTo(
            results.of(Crowd.SPAMMERS, AggregationMethod.MAJORITY).accuracy() + 0.05);
    assertThat(results.of(Crowd.DIFFICULTY, AggregationMethod.GLAD).accuracy())
        .isGreaterThan(results.of(Crowd.DIFFICULTY, AggregationMethod.MAJORITY).accuracy());
    assertThat(results.of(Crowd.ONE_COIN, AggregationMethod.ONE_COIN).accuracy())
        .isCloseTo(
            results.of(Crowd.ONE_COIN, AggregationMethod.DAWID_SKENE).accuracy(), within(0.01));
    // 12 % positives and one-sided errors (the real entity-resolution crowds' shape): no method may
    // give up the positives the votes find, nor fall more than a point below the majority vote; on
    // both imbalanced crowds.
    for (Crowd crowd : new Crowd[] {Crowd.IMBALANCED, Crowd.ONE_SIDED}) {
      double majority = results.of(crowd, AggregationMethod.MAJORITY).accuracy();
      for (AggregationMethod method : AggregationMethod.values()) {
        CrowdStudy.Result result = results.of(crowd, method);
        assertThat(result.positivesFound())
            .as("%s on %s: positives labelled positive", method, crowd)
            .isGreaterThanOrEqualTo(0.5);
        assertThat(result.accuracy())
            .as("%s on %s", method, crowd)
            .isGreaterThanOrEqualTo(majority - 0.01);
      }
    }
    assertThat(results.of(Crowd.ONE_SIDED, AggregationMethod.MAJORITY).positivesFound())
        .as("the misses are real")
        .isLessThan(0.8);
    for (AggregationMethod method : AggregationMethod.values()) {
      assertThat(table.toString()).contains("| " + method.configName() + " ");
    }
    assertThat(table.toString())
        .contains(
            "| method ",
            "| spammers ",
            "| difficulty ",
            "| one-coin ",
            "| imbalanced ",
            "| one-sided ",
            "| adversarial ",
            "| sparse ",
            "share of the true positives labelled positive");
  }

  @Test
  void theCrowdsAreDescribedByTheirSettings() {
    CrowdStudy.Options options = new CrowdStudy.Options(1_800, 5, 30, 0.3, 7, "unused", false);
    assertThat(Crowd.SPAMMERS.description(options))
        .isEqualTo(
            "30 % spammers (uniform answers), the rest reliable with flip rates [0.10, 0.40]");
    assertThat(Crowd.DIFFICULTY.description(options))
        .isEqualTo("reliable with flip rates [0.00, 0.50]; images of difficulty [0.00, 0.80]");
    assertThat(Crowd.ONE_COIN.description(options))
        .isEqualTo("reliable with flip rates [0.00, 0.60]");
    assertThat(Crowd.ONE_SIDED.description(options))
        .isEqualTo(
            "12 % positives; reliable with flip rates [0.00, 0.10] and miss rates [0.20, 0.60]");
    assertThat(Crowd.ADVERSARIAL.description(options))
        .isEqualTo(
            "25 % always swap a pair of classes, the rest reliable with flip rates [0.05, 0.30]");
    assertThat(Crowd.SPARSE.description(options))
        .isEqualTo("a pool of 300 (about 30 labels each), reliable with flip rates [0.00, 0.50]");
  }
}
