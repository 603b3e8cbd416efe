package dev.softlabels.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.Agreement;
import dev.softlabels.quality.AnnotatorQuality;
import dev.softlabels.quality.QualityReport;
import dev.softlabels.quality.QualityReports;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * aggregate --report on a simulated crowd whose odd members are known: eight honest annotators (85
 * % right, errors spread evenly), a spammer (uniform answers), a swapper (says dog for cat and cat
 * for dog) and a one-class annotator (always fox). The report flags those three and no one else,
 * under the majority vote and under Dawid-Skene.
 */
@ExtendWith(SparkExtension.class)
class AggregateReportTest {

  private static final List<String> CLASSES = List.of("cat", "dog", "fox");
  private static final int IMAGES = 240;
  private static final Map<String, String> ODD =
      Map.of("spammer", "spammer", "swapper", "swapper", "always-fox", "one-class");

  @TempDir Path dir;

  /** The crowd's rows, and every image's vote counts as the test made them. */
  private record Crowd(Path csv, Map<String, int[]> counts) {}

  private Crowd crowd() throws Exception {
    Random random = new Random(41);
    List<String> lines = new ArrayList<>(List.of("image_id,annotator_id,label"));
    Map<String, int[]> counts = new TreeMap<>();
    for (int i = 0; i < IMAGES; i++) {
      String image = String.format("img-%03d", i);
      int truth = random.nextInt(3);
      int[] imageCounts = new int[3];
      List<Integer> honest = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
      java.util.Collections.shuffle(honest, random);
      for (int h : honest.subList(0, 5)) {
        int label = random.nextDouble() < 0.85 ? truth : (truth + 1 + random.nextInt(2)) % 3;
        lines.add(image + ",honest-" + h + "," + CLASSES.get(label));
        imageCounts[label]++;
      }
      for (String odd : ODD.keySet()) {
        if (random.nextBoolean()) {
          int label =
              switch (odd) {
                case "spammer" -> random.nextInt(3);
                case "swapper" -> truth == 2 ? 2 : 1 - truth;
                default -> 2;
              };
          lines.add(image + "," + odd + "," + CLASSES.get(label));
          imageCounts[label]++;
        }
      }
      counts.put(image, imageCounts);
    }
    lines.add("img-000,honest-0,wolf");
    return new Crowd(TestFiles.write(dir, "crowd.csv", lines.toArray(String[]::new)), counts);
  }

  private AggregateSummary aggregate(SparkSession spark, Crowd crowd, String method, Path out) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("softlabels.classes", CLASSES);
    overrides.put("softlabels.aggregate.input", crowd.csv().toString());
    overrides.put("softlabels.aggregate.output", out.toString());
    overrides.put("softlabels.aggregate.method", method);
    overrides.put("softlabels.aggregate.report", true);
    overrides.put("softlabels.report.annotators", 5);
    return AggregateJob.run(spark, AggregateSettings.from(ConfigLoader.withOverrides(overrides)));
  }

  @Test
  void flagsTheSpammerTheSwapperAndTheOneClassAnnotatorAndNoHonestOne(SparkSession spark)
      throws Exception {
    Crowd crowd = crowd();
    for (String method : List.of("majority", "dawid-skene")) {
      Path out = dir.resolve(method);
      AggregateSummary summary = aggregate(spark, crowd, method, out);

      Map<String, List<String>> flags =
          spark
              .read()
              .parquet(out.resolve(QualityReports.ANNOTATORS).toString())
              .collectAsList()
              .stream()
              .collect(
                  Collectors.toMap(
                      row -> row.getString(0),
                      row -> row.<String>getList(row.fieldIndex("flags"))));
      assertThat(flags).as(method).hasSize(11);
      flags.forEach(
          (annotator, raised) ->
              assertThat(raised)
                  .as("%s: %s", method, annotator)
                  .isEqualTo(ODD.containsKey(annotator) ? List.of(ODD.get(annotator)) : List.of()));

      QualityReport report =
          QualityReport.fromJson(Files.readString(out.resolve(QualityReports.JSON)));
      assertThat(report.annotators().count()).isEqualTo(11);
      assertThat(report.annotators().flagged())
          .containsExactly(
              Map.entry("one-class", 1L), Map.entry("spammer", 1L), Map.entry("swapper", 1L));
      List<AnnotatorQuality> shown = report.annotators().shown();
      assertThat(shown).as("five listed, the three flagged first").hasSize(5);
      assertThat(shown.subList(0, 3)).allMatch(a -> !a.flags().isEmpty());
      assertThat(shown.get(0).confusion()).hasDimensions(3, 3);
      assertThat(shown)
          .allMatch(
              a ->
                  Math.abs(
                          a.agreement()
                              - (double)
                                      (a.confusion()[0][0]
                                          + a.confusion()[1][1]
                                          + a.confusion()[2][2])
                                  / a.votes())
                      < 1e-12);
      assertThat(shown)
          .as("%s: the method's own accuracy only where a method estimated one", method)
          .allMatch(a -> (a.methodAccuracy() != null) == method.equals("dawid-skene"));
      assertThat(report.diagnostics() != null).isEqualTo(method.equals("dawid-skene"));

      QualityReport.Rows rows = report.rows();
      assertThat(rows.read()).isEqualTo(rows.used() + rows.quarantined());
      assertThat(rows.quarantinedByReason()).containsEntry("unknown_class", 1L);
      assertThat(report.crowd().images()).isEqualTo(IMAGES);
      long[] votesByClass = new long[3];
      crowd
          .counts()
          .values()
          .forEach(
              c -> {
                for (int k = 0; k < 3; k++) {
                  votesByClass[k] += c[k];
                }
              });
      assertThat(report.crowd().votesByClass()).containsExactly(votesByClass);
      assertThat(java.util.Arrays.stream(report.crowd().agreementHistogram()).sum())
          .isEqualTo(IMAGES);
      assertThat(report.ambiguous()).hasSize(20);
      assertThat(out.resolve(QualityReports.HTML)).exists();

      Agreement expected = Agreement.empty(3);
      crowd.counts().values().forEach(expected::add);
      assertThat(summary.agreement().krippendorffAlpha())
          .isCloseTo(expected.krippendorffAlpha(), org.assertj.core.api.Assertions.within(1e-12));
      assertThat(report.agreement().fleissKappa())
          .isCloseTo(expected.fleissKappa(), org.assertj.core.api.Assertions.within(1e-12));
    }
  }

  @Test
  void withoutReportNothingOfItIsWrittenButTheAgreementIsInTheSummary(SparkSession spark)
      throws Exception {
    Path csv =
        TestFiles.write(
            dir,
            "small.csv",
            "image_id,annotator_id,label",
            "a,u1,cat",
            "a,u2,cat",
            "a,u3,dog",
            "b,u1,dog",
            "b,u2,dog");
    Path out = dir.resolve("plain");
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("softlabels.classes", CLASSES);
    overrides.put("softlabels.aggregate.input", csv.toString());
    overrides.put("softlabels.aggregate.output", out.toString());
    AggregateSummary summary =
        AggregateJob.run(spark, AggregateSettings.from(ConfigLoader.withOverrides(overrides)));
    assertThat(out.resolve(QualityReports.HTML)).doesNotExist();
    assertThat(out.resolve(QualityReports.ANNOTATORS)).doesNotExist();
    // By hand: image a (cat 2, dog 1): o_cat,cat = 2*1/2 = 1; image b (dog 2): o_dog,dog = 2*1/1
    // = 2. n_cat = 2, n_dog = 3, n = 5; alpha = 1 - 4 (5 - 3) / (25 - 4 - 9) = 1 - 8/12 = 1/3.
    assertThat(summary.agreement().krippendorffAlpha())
        .isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(summary.agreement().classAgreement())
        .containsEntry("cat", 0.5)
        .containsEntry("dog", 2.0 / 3);
    assertThat(Files.readString(out.resolve(AggregateJob.SUMMARY)))
        .contains("\"krippendorff_alpha\"");
  }
}
