package dev.softlabels.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.LabelEncoding;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.DataRejected;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SqlLabels;
import dev.softlabels.testing.TestFiles;
import dev.softlabels.testing.WindowValidation;
import dev.softlabels.votes.VoteValidation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
public class AggregateJobTest {

  private static final List<String> CLASSES = List.of("cat", "dog", "fox");
  private static final double TOLERANCE =
      ConfigLoader.withOverrides(Map.of()).getDouble("softlabels.aggregate.em.tolerance");
  private static final int MAX_ITERATIONS =
      ConfigLoader.withOverrides(Map.of()).getInt("softlabels.aggregate.em.max-iterations");

  @TempDir Path dir;

  private static AggregateSettings settings(Path input, Path output, Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.putIfAbsent("softlabels.classes", CLASSES);
    overrides.put("softlabels.aggregate.input", input.toString());
    overrides.put("softlabels.aggregate.output", output.toString());
    Config config = ConfigLoader.withOverrides(overrides);
    return AggregateSettings.from(config);
  }

  /**
   * EM stops at the first iteration whose log-likelihood changes by less than the tolerance per
   * used vote (softlabels.aggregate.em.tolerance), well before the iteration cap.
   */
  private static void assertStoppedAtTheFirstChangeBelowTheTolerance(AggregateSummary summary) {
    List<Double> logLikelihoods = summary.em().logLikelihoods();
    assertThat(summary.em().iterations())
        .as("%s: a converged fit measured a change, below the cap", summary.method())
        .isBetween(2, MAX_ITERATIONS - 1);
    for (int n = 1; n < logLikelihoods.size(); n++) {
      double change =
          Math.abs(logLikelihoods.get(n) - logLikelihoods.get(n - 1)) / summary.rowsUsed();
      if (n == logLikelihoods.size() - 1) {
        assertThat(change).as("%s: the last change", summary.method()).isLessThan(TOLERANCE);
      } else {
        assertThat(change)
            .as("%s: the change into iteration %d", summary.method(), n + 1)
            .isGreaterThanOrEqualTo(TOLERANCE);
      }
    }
  }

  private static Map<String, Row> labelsByImage(SparkSession spark, Path output) {
    return spark.read().parquet(output.resolve("labels").toString()).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("image_id")), r -> r));
  }

  private static Map<String, List<String>> quarantineByReason(SparkSession spark, Path output) {
    return spark
        .read()
        .parquet(output.resolve("quarantine").toString())
        .orderBy("row_order")
        .collectAsList()
        .stream()
        .collect(
            Collectors.groupingBy(
                r -> r.getString(r.fieldIndex("reason")),
                TreeMap::new,
                Collectors.mapping(
                    r ->
                        r.getString(r.fieldIndex("image_id"))
                            + "/"
                            + r.getString(r.fieldIndex("annotator_id")),
                    Collectors.toList())));
  }

  /**
   * A crowd with one-sided errors, built to make a one-accuracy model's learned prior collapse: 400
   * images, 40 % "yes"; each of 8 annotators misses a "yes" 60 % of the time and gives a false
   * "yes" 10 % of the time, 5 votes an image. One accuracy per annotator explains the misses best
   * by shrinking the "yes" class (Zheng et al.'s 108-item crowd does the same).
   */
  private Path oneSidedCrowd() throws Exception {
    java.util.Random random = new java.util.Random(3);
    List<String> lines = new java.util.ArrayList<>(List.of("image_id,annotator_id,label"));
    for (int i = 0; i < 400; i++) {
      boolean yes = i % 5 < 2;
      int first = random.nextInt(8);
      for (int v = 0; v < 5; v++) {
        boolean saysYes = yes ? random.nextDouble() >= 0.6 : random.nextDouble() < 0.1;
        lines.add("img" + i + ",u" + (first + v) % 8 + "," + (saysYes ? "yes" : "no"));
      }
    }
    return TestFiles.write(dir, "one-sided.csv", lines.toArray(String[]::new));
  }

  @Test
  void aCollapsedClassIsFlaggedAndFailsTheRunWhenAsked(SparkSession spark) throws Exception {
    Path input = oneSidedCrowd();
    Map<String, Object> learned =
        Map.of(
            "softlabels.classes",
            List.of("no", "yes"),
            "softlabels.aggregate.method",
            "one-coin",
            "softlabels.aggregate.em.class-prior.one-coin",
            "learned");
    AggregateSummary collapsed =
        AggregateJob.run(spark, settings(input, dir.resolve("learned"), learned));
    assertThat(collapsed.em().classPrior()).isEqualTo("learned (strength 0.01)");
    assertThat(collapsed.em().voteShares().get(1)).isCloseTo(0.4 * 0.4 + 0.6 * 0.1, within(0.03));
    assertThat(collapsed.em().fittedShares().get(1))
        .isLessThan(collapsed.em().voteShares().get(1) / 3);
    assertThat(collapsed.em().warnings())
        .anySatisfy(w -> assertThat(w).startsWith("class yes nearly vanishes"));
    assertThat(collapsed.line())
        .contains("WARNING, the fit may be degenerate: class yes nearly vanishes");
    assertThat(Files.readString(dir.resolve("learned").resolve(AggregateJob.SUMMARY)))
        .contains("\"warnings\"", "nearly vanishes");

    // The default, a uniform prior, keeps the "yes" class and its fit is not flagged.
    Map<String, Object> uniform = new HashMap<>(learned);
    uniform.remove("softlabels.aggregate.em.class-prior.one-coin");
    AggregateSummary sound =
        AggregateJob.run(spark, settings(input, dir.resolve("uniform"), uniform));
    assertThat(sound.em().classPrior()).isEqualTo("uniform");
    assertThat(sound.em().warnings()).isEmpty();
    assertThat(sound.line()).doesNotContain("WARNING");

    Map<String, Object> failing = new HashMap<>(learned);
    failing.put("softlabels.aggregate.em.fail-on-degenerate", true);
    Path output = dir.resolve("nightly");
    assertThatThrownBy(() -> AggregateJob.run(spark, settings(input, output, failing)))
        .isInstanceOf(DataRejected.class)
        .hasMessageContaining("one-coin's fit may be degenerate: class yes nearly vanishes")
        .hasMessageContaining("nothing written, no output created")
        .hasMessageContaining("softlabels.aggregate.em.fail-on-degenerate");
    assertThat(output).doesNotExist();
    assertThat(dir.toFile().list())
        .as("no staging folder left behind, only the output's lock file")
        .allMatch(name -> !name.contains("nightly") || name.equals(".nightly.lock"));
  }

  @Test
  void aGivenClassPriorNeedsOneSharePerClass(SparkSession spark) throws Exception {
    Path input = oneSidedCrowd();
    Map<String, Object> given =
        Map.of(
            "softlabels.classes",
            List.of("no", "yes"),
            "softlabels.aggregate.method",
            "glad",
            "softlabels.aggregate.em.class-prior.glad",
            List.of(0.6, 0.4));
    AggregateSummary summary =
        AggregateJob.run(spark, settings(input, dir.resolve("given"), given));
    assertThat(summary.em().classPrior()).isEqualTo("given [0.6, 0.4]");
    Map<String, Object> three = new HashMap<>(given);
    three.put("softlabels.aggregate.em.class-prior.glad", List.of(0.5, 0.3, 0.2));
    assertThatThrownBy(() -> AggregateJob.run(spark, settings(input, dir.resolve("three"), three)))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "softlabels.aggregate.em.class-prior.glad gives 3 class shares, but the class list has 2 classes:"
                + " give one share per class, in class-list order");
    assertThatThrownBy(
            () ->
                settings(
                    input,
                    dir.resolve("x"),
                    Map.of("softlabels.aggregate.em.class-prior.mace", "fixed")))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("class-prior.mace must be learned, uniform or a list");
    assertThatThrownBy(
            () ->
                settings(
                    input,
                    dir.resolve("x"),
                    Map.of("softlabels.aggregate.em.class-prior.glad", List.of(0.5, 0.6))))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("summing to 1");
  }

  @Test
  void acrossFilesTheFirstVoteIsTheOneInTheFileFirstByName(SparkSession spark) throws Exception {
    Path nights = Files.createDirectories(dir.resolve("nights"));
    // The later night's file is much larger, so Spark reads it first; its vote must still lose.
    TestFiles.write(nights, "2026-11-01 night.csv", "image_id,annotator_id,label", "x,u1,cat");
    String[] later = new String[2002];
    later[0] = "image_id,annotator_id,label";
    later[1] = "x,u1,fox";
    for (int i = 2; i < later.length; i++) {
      later[i] = "filler" + i + ",u1,dog";
    }
    TestFiles.write(nights, "2026-11-02 night.csv", later);
    Path output = dir.resolve("out-nights");

    AggregateJob.run(spark, settings(nights, output, Map.of()));

    Row x = labelsByImage(spark, output).get("x");
    assertThat(x.<Integer>getList(x.fieldIndex("counts"))).containsExactly(1, 0, 0);
    assertThat(quarantineByReason(spark, output))
        .containsExactly(Map.entry("duplicate_vote", List.of("x/u1")));
  }

  /** No class list given: labels 0 and 1 make two classes, not indices into some default list. */
  @Test
  void infersTheClassesWhenNoneAreGivenAndRecordsThem(SparkSession spark) throws Exception {
    Path input =
        TestFiles.write(
            dir,
            "binary.csv",
            "image_id,annotator_id,label",
            "a,u1,1",
            "a,u2,0",
            "a,u3,1",
            "b,u1,0",
            "b,u2,0",
            "c,u1,",
            "c,u2,1");
    Path output = dir.resolve("out-binary");

    AggregateSummary summary =
        AggregateJob.run(spark, settings(input, output, Map.of("softlabels.classes", List.of())));

    assertThat(summary.classes()).containsExactly("0", "1");
    assertThat(summary.classesFrom())
        .isEqualTo("inferred from the labels (numbers in numeric order)");
    assertThat(summary.line())
        .contains("classes [0, 1] (inferred from the labels (numbers in numeric order))");
    assertThat(Files.readString(output.resolve("summary.json")))
        .contains("\"classes_from\" : \"inferred from");
    Row a = labelsByImage(spark, output).get("a");
    assertThat(a.<Integer>getList(a.fieldIndex("counts"))).containsExactly(1, 2);
    assertThat(a.getString(a.fieldIndex("hard_label_name"))).isEqualTo("1");
    // H(1/3, 2/3) / log 2: two classes, so normalised by log 2, not by the log of a default list's
    // size.
    assertThat(a.getDouble(a.fieldIndex("entropy"))).isCloseTo(0.9182958341, within(1e-9));
    assertThat(summary.quarantinedByReason())
        .containsEntry("missing_label", 1L)
        .containsEntry("unknown_class", 0L);
    assertThat(
            LabelColumns.classes(
                spark.read().parquet(output.resolve("labels").toString()).schema()))
        .as("the label table records its list")
        .contains(new ClassList(List.of("0", "1")));
  }

  @Test
  void computesHardAndSoftLabelsByHand(SparkSession spark) {
    Path input =
        TestFiles.write(
            dir,
            "votes.csv",
            "image_id,annotator_id,label",
            "a,u1,cat",
            "a,u2,cat",
            "a,u3,dog",
            "b,u1,dog",
            "b,u2,cat",
            "c,u1,fox",
            "c,u2,fox",
            "c,u3,fox",
            "c,u4,fox");
    Path output = dir.resolve("out");

    AggregateSummary summary = AggregateJob.run(spark, settings(input, output, Map.of()));

    Map<String, Row> labels = labelsByImage(spark, output);
    assertThat(labels).containsOnlyKeys("a", "b", "c");
    Row a = labels.get("a");
    assertThat(a.<Integer>getList(a.fieldIndex("counts"))).containsExactly(2, 1, 0);
    assertThat(a.<Double>getList(a.fieldIndex("soft_label")))
        .containsExactly(2 / 3.0, 1 / 3.0, 0.0);
    assertThat(a.getInt(a.fieldIndex("n_annotations"))).isEqualTo(3);
    assertThat(a.getInt(a.fieldIndex("hard_label"))).isZero();
    assertThat(a.getString(a.fieldIndex("hard_label_name"))).isEqualTo("cat");
    assertThat(a.getBoolean(a.fieldIndex("is_tie"))).isFalse();
    assertThat(a.getDouble(a.fieldIndex("agreement"))).isEqualTo(2 / 3.0);
    assertThat(a.getDouble(a.fieldIndex("entropy"))).isCloseTo(0.5793801643, within(1e-9));

    Row b = labels.get("b");
    assertThat(b.<Integer>getList(b.fieldIndex("counts"))).containsExactly(1, 1, 0);
    assertThat(b.getBoolean(b.fieldIndex("is_tie"))).isTrue();
    assertThat(b.getInt(b.fieldIndex("hard_label")))
        .as("a tie goes to the lowest class index")
        .isZero();
    assertThat(b.getDouble(b.fieldIndex("agreement"))).isEqualTo(0.5);
    assertThat(b.getDouble(b.fieldIndex("entropy")))
        .isCloseTo(Math.log(2) / Math.log(3), within(1e-12));

    Row c = labels.get("c");
    assertThat(c.getInt(c.fieldIndex("hard_label"))).isEqualTo(2);
    assertThat(c.getString(c.fieldIndex("hard_label_name"))).isEqualTo("fox");
    assertThat(c.getDouble(c.fieldIndex("agreement"))).isEqualTo(1.0);
    assertThat(c.getDouble(c.fieldIndex("entropy"))).isZero();

    assertThat(summary.rowsRead()).isEqualTo(9);
    assertThat(summary.rowsUsed()).isEqualTo(9);
    assertThat(summary.rowsQuarantined()).isZero();
    assertThat(spark.read().parquet(output.resolve("quarantine").toString()).count())
        .as("an empty quarantine is still written, with its schema")
        .isZero();
    assertThat(summary.images()).isEqualTo(3);
    assertThat(summary.ties()).isEqualTo(1);
    assertThat(summary.unanimous()).isEqualTo(1);
    assertThat(summary.annotationsPerImage())
        .containsExactly(Map.entry(2, 1L), Map.entry(3, 1L), Map.entry(4, 1L));
    assertThat(summary.meanEntropy())
        .isCloseTo((0.5793801643 + Math.log(2) / Math.log(3)) / 3, within(1e-9));
  }

  @Test
  void dawidSkeneWritesPosteriorsInTheSameSchemaAndEveryAnnotatorsEstimate(SparkSession spark)
      throws Exception {
    Path input =
        TestFiles.write(
            dir,
            "votes.csv",
            "image_id,annotator_id,label",
            "a,u1,cat",
            "a,u2,cat",
            "a,u3,dog",
            "b,u1,dog",
            "b,u2,dog",
            "b,u3,cat",
            "c,u1,fox",
            "c,u2,fox",
            "c,u3,fox",
            "c,u3,cat",
            "d,u2,wolf");
    Path majority = dir.resolve("majority");
    Path posterior = dir.resolve("posterior");
    AggregateJob.run(spark, settings(input, majority, Map.of()));
    AggregateSummary summary =
        AggregateJob.run(
            spark,
            settings(input, posterior, Map.of("softlabels.aggregate.method", "dawid-skene")));

    var majorityLabels = spark.read().parquet(majority.resolve("labels").toString());
    var posteriorLabels = spark.read().parquet(posterior.resolve("labels").toString());
    assertThat(posteriorLabels.columns()).containsExactlyElementsOf(LabelColumns.COLUMNS);
    assertThat(LabelColumns.aggregation(posteriorLabels.schema()))
        .contains(AggregationMethod.DAWID_SKENE);
    assertThat(LabelColumns.aggregation(majorityLabels.schema()))
        .contains(AggregationMethod.MAJORITY);
    Map<String, Row> labels = labelsByImage(spark, posterior);
    assertThat(labels).containsOnlyKeys("a", "b", "c");
    for (Row row : labels.values()) {
      List<Double> soft = row.getList(row.fieldIndex("soft_label"));
      assertThat(soft.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
      assertThat(soft.get(row.getInt(row.fieldIndex("hard_label"))))
          .isEqualTo(soft.stream().max(Double::compare).get());
    }
    assertThat(labels.get("a").<Integer>getList(labels.get("a").fieldIndex("counts")))
        .as("counts stay the vote counts")
        .containsExactly(2, 1, 0);
    assertThat(labels.get("c").getInt(labels.get("c").fieldIndex("hard_label"))).isEqualTo(2);

    Map<String, Row> annotators =
        spark.read().parquet(posterior.resolve("annotators").toString()).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("annotator_id")), r -> r));
    assertThat(annotators).containsOnlyKeys("u1", "u2", "u3");
    assertThat(annotators.values().stream().mapToLong(r -> r.getLong(r.fieldIndex("labels"))).sum())
        .as("every used vote, and only those")
        .isEqualTo(9);
    for (Row row : annotators.values()) {
      assertThat(row.getDouble(row.fieldIndex("accuracy"))).isBetween(0.0, 1.0);
      assertThat(row.getList(row.fieldIndex("confusion"))).hasSize(3);
    }

    assertThat(summary.method()).isEqualTo("dawid-skene");
    assertThat(summary.rowsRead()).isEqualTo(11);
    assertThat(summary.rowsUsed()).isEqualTo(9);
    assertThat(summary.quarantinedByReason())
        .containsEntry("duplicate_vote", 1L)
        .containsEntry("unknown_class", 1L);
    assertStoppedAtTheFirstChangeBelowTheTolerance(summary);
    List<Double> logLikelihoods = summary.em().logLikelihoods();
    for (int n = 1; n < logLikelihoods.size(); n++) {
      assertThat(logLikelihoods.get(n))
          .as("Dawid-Skene is exact EM: iteration %d", n + 1)
          .isGreaterThanOrEqualTo(logLikelihoods.get(n - 1) - 1e-9);
    }
    assertThat(summary.em().annotators()).isEqualTo(3);
    assertThat(summary.unanimous())
        .as("vote-based for every method: c's three fox votes")
        .isEqualTo(1);
    assertThat(summary.ties()).as("no image's votes tie").isZero();
    assertThat(summary.em().certainPosteriors())
        .as("posteriors at 1 for one class, as the table's agreement")
        .isEqualTo(
            labels.values().stream()
                .filter(r -> r.getDouble(r.fieldIndex("agreement")) == 1.0)
                .count());
    assertThat(summary.em().tiedPosteriors())
        .isEqualTo(
            labels.values().stream().filter(r -> r.getBoolean(r.fieldIndex("is_tie"))).count());
    assertThat(summary.line()).contains("dawid-skene: converged after", "posteriors: ");
    assertThat(AggregateSummary.fromJson(Files.readString(posterior.resolve("summary.json"))))
        .isEqualTo(summary);
    assertThat(Files.readString(majority.resolve("summary.json")))
        .contains("\"method\" : \"majority\"")
        .doesNotContain("\"em\"");
  }

  /**
   * Every method writes the same labels/ (GLAD adding difficulty), its parameters in annotators/,
   * and its fit.
   */
  @Test
  void everyMethodWritesItsLabelsAnnotatorsAndFit(SparkSession spark) throws Exception {
    Path input =
        TestFiles.write(
            dir,
            "votes.csv",
            "image_id,annotator_id,label",
            "a,u1,cat",
            "a,u2,cat",
            "a,u3,dog",
            "b,u1,dog",
            "b,u2,dog",
            "b,u3,cat",
            "c,u1,fox",
            "c,u2,fox",
            "c,u3,fox",
            "d,u1,cat",
            "d,u2,dog");
    Map<AggregationMethod, List<String>> parameters =
        Map.of(
            AggregationMethod.DAWID_SKENE,
            List.of("confusion"),
            AggregationMethod.ONE_COIN,
            List.of("skill"),
            AggregationMethod.GLAD,
            List.of("ability"),
            AggregationMethod.MACE,
            List.of("competence", "spam_distribution"),
            AggregationMethod.WAWA,
            List.of("weight"));
    for (Map.Entry<AggregationMethod, List<String>> method : parameters.entrySet()) {
      Path out = dir.resolve(method.getKey().configName());
      AggregateSummary summary =
          AggregateJob.run(
              spark,
              settings(
                  input, out, Map.of("softlabels.aggregate.method", method.getKey().configName())));
      var labels = spark.read().parquet(out.resolve("labels").toString());
      List<String> columns = new java.util.ArrayList<>(LabelColumns.COLUMNS);
      if (method.getKey() == AggregationMethod.GLAD) {
        columns.add("difficulty");
        assertThat(labels.collectAsList())
            .allSatisfy(
                row ->
                    assertThat(row.getDouble(row.fieldIndex("difficulty")))
                        .isPositive()
                        .isFinite());
      }
      assertThat(labels.columns()).as("%s", method.getKey()).containsExactlyElementsOf(columns);
      assertThat(LabelColumns.aggregation(labels.schema())).contains(method.getKey());
      assertThat(labels.count()).isEqualTo(4);
      List<String> annotatorColumns =
          new java.util.ArrayList<>(List.of("annotator_id", "labels", "accuracy"));
      annotatorColumns.addAll(method.getValue());
      var annotators = spark.read().parquet(out.resolve("annotators").toString());
      assertThat(annotators.columns())
          .as("%s", method.getKey())
          .containsExactlyElementsOf(annotatorColumns);
      assertThat(annotators.count()).isEqualTo(3);
      if (method.getKey() == AggregationMethod.WAWA) {
        assertThat(summary.em().iterations()).as("WAWA does not iterate").isZero();
        assertThat(summary.em().logLikelihoods()).isEmpty();
      } else {
        assertStoppedAtTheFirstChangeBelowTheTolerance(summary);
      }
      assertThat(summary.em().converged()).isTrue();
      assertThat(summary.line()).contains(method.getKey().configName() + ": converged after");
    }
  }

  /** A header and twelve rows, nine of them bad, each kind of bad row at least once. */
  static final String[] MESSY =
      new String[] {
        "image_id,annotator_id,label",
        "a,u1,cat",
        "a,u1,dog",
        "a,u2,wolf",
        ",u3,cat",
        "  ,u4,cat",
        "b,,dog",
        "b,u1,",
        "this line is broken",
        "b,u2,dog,extra",
        "a,u2,cat",
        "b,u3,dog",
        "b,u3,7"
      };

  @Test
  void quarantinesEveryKindOfBadRowWithItsReason(SparkSession spark) throws Exception {
    Path input = TestFiles.write(dir, "messy.csv", MESSY);
    Path output = dir.resolve("out");

    // Nine of twelve rows are bad by design: over the default share that fails a run.
    AggregateSummary summary =
        AggregateJob.run(
            spark,
            settings(input, output, Map.of("softlabels.annotations.max-rejected-share", 1.0)));

    assertThat(quarantineByReason(spark, output))
        .containsExactly(
            Map.entry("duplicate_vote", List.of("a/u1")),
            Map.entry("missing_annotator_id", List.of("b/null")),
            Map.entry("missing_image_id", List.of("null/u3", "/u4")),
            Map.entry("missing_label", List.of("b/u1")),
            Map.entry("unknown_class", List.of("a/u2", "b/u3")),
            Map.entry("unparsable_row", List.of("this line is broken/null", "b/u2")));
    Row duplicate =
        spark
            .read()
            .parquet(output.resolve("quarantine").toString())
            .filter("reason = 'duplicate_vote'")
            .first();
    assertThat(duplicate.getString(duplicate.fieldIndex("label")))
        .as("the first vote counts")
        .isEqualTo("dog");

    Map<String, Row> labels = labelsByImage(spark, output);
    assertThat(labels.get("a").<Integer>getList(labels.get("a").fieldIndex("counts")))
        .containsExactly(2, 0, 0);
    assertThat(labels.get("b").<Integer>getList(labels.get("b").fieldIndex("counts")))
        .containsExactly(0, 1, 0);

    assertThat(summary.rowsRead()).isEqualTo(12);
    assertThat(summary.rowsUsed()).isEqualTo(3);
    assertThat(summary.rowsQuarantined()).isEqualTo(9);
    assertThat(summary.quarantinedByReason())
        .containsExactly(
            Map.entry("duplicate_vote", 1L),
            Map.entry("missing_annotator_id", 1L),
            Map.entry("missing_image_id", 2L),
            Map.entry("missing_label", 1L),
            Map.entry("rejected_by_requester", 0L),
            Map.entry("skipped_by_annotator", 0L),
            Map.entry("undecodable_text", 0L),
            Map.entry("unknown_class", 2L),
            Map.entry("unparsable_row", 2L));

    AggregateSummary written =
        AggregateSummary.fromJson(Files.readString(output.resolve("summary.json")));
    assertThat(written).isEqualTo(summary);
  }

  /**
   * The one-pass job against the plan it replaced, kept in {@link WindowValidation#classify}
   * (validation and a window over (image, annotator) in input order) with the labels from {@link
   * LabelColumns#derive}: on two files of messy rows (duplicate votes within and across files, a
   * bad row between two votes of one annotator, digit labels (which name no class), unknown
   * classes, missing fields, broken records), the same labels and the same quarantine rows, reasons
   * and input order.
   */
  @Test
  void givesTheSameLabelsAndQuarantineAsTheWindowPlan(SparkSession spark) throws Exception {
    Path input = Files.createDirectories(dir.resolve("messy"));
    java.util.Random random = new java.util.Random(7);
    String[] labels = {"cat", "dog", "fox", "1", "02", "wolf", "", "cat ", "9"};
    for (String file : List.of("2026-11-02.csv", "2026-11-01.csv")) {
      List<String> lines = new java.util.ArrayList<>(List.of("image_id,annotator_id,label"));
      for (int i = 0; i < 1500; i++) {
        int roll = random.nextInt(100);
        String image = roll == 0 ? "" : "img-" + random.nextInt(120);
        String annotator = roll == 1 ? "" : "u" + random.nextInt(12);
        lines.add(
            roll == 2
                ? "\"text\" after the quote," + i + ",cat"
                : roll == 3
                    ? image + "," + annotator + ",cat,extra"
                    : image + "," + annotator + "," + labels[random.nextInt(labels.length)]);
      }
      TestFiles.write(input, file, lines.toArray(String[]::new));
    }
    Path output = dir.resolve("out");
    AggregateSettings settings =
        settings(input, output, Map.of("softlabels.annotations.max-rejected-share", 1.0));
    AggregateSummary summary = AggregateJob.run(spark, settings);

    org.apache.spark.sql.Dataset<Row> classified =
        WindowValidation.classify(
            AnnotationReader.read(spark, settings.source(), input.toString()),
            settings.source().givenClasses().orElseThrow(),
            LabelEncoding.AUTO);
    Map<String, Row> expectedLabels =
        SqlLabels.derive(
                LabelColumns.countVotes(
                    classified.filter(
                        org.apache.spark.sql.functions.col(VoteValidation.REASON).isNull()),
                    settings.source().givenClasses().orElseThrow()),
                settings.source().givenClasses().orElseThrow())
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    Map<String, Row> actualLabels = labelsByImage(spark, output);
    assertThat(actualLabels.keySet()).isEqualTo(expectedLabels.keySet());
    expectedLabels.forEach(
        (image, expected) -> {
          Row actual = actualLabels.get(image);
          for (String column : LabelColumns.COLUMNS) {
            Object want = expected.get(expected.fieldIndex(column));
            Object got = actual.get(actual.fieldIndex(column));
            if (want instanceof Double number) {
              assertThat((Double) got).as(image + " " + column).isCloseTo(number, within(1e-12));
            } else {
              assertThat(String.valueOf(got))
                  .as(image + " " + column)
                  .isEqualTo(String.valueOf(want));
            }
          }
        });
    List<String> expectedQuarantine =
        WindowValidation.rejected(classified).collectAsList().stream()
            .map(Row::toString)
            .sorted()
            .toList();
    List<String> actualQuarantine =
        spark.read().parquet(output.resolve("quarantine").toString()).collectAsList().stream()
            .map(Row::toString)
            .sorted()
            .toList();
    assertThat(actualQuarantine).isEqualTo(expectedQuarantine);
    assertThat(summary.quarantinedByReason().get("duplicate_vote")).isGreaterThan(100);
    assertThat(summary.quarantinedByReason().get("unparsable_row")).isGreaterThan(10);
    assertThat(summary.rowsRead()).isEqualTo(3000);
    assertThat(summary.rowsUsed()).isEqualTo(classified.filter("reason IS NULL").count());
  }

  /**
   * A stray quote at record 31 of 12,000: that record alone is quarantined and every later vote is
   * read.
   */
  @Test
  void anUnclosedQuoteCostsItsOwnRecordNotTheRestOfTheFile(SparkSession spark) {
    List<String> lines = new java.util.ArrayList<>(List.of("image_id,annotator_id,label"));
    for (int i = 1; i <= 12_000; i++) {
      lines.add("img" + i / 5 + ",u" + i % 5 + "," + (i == 31 ? "\"" : "") + CLASSES.get(i % 3));
    }
    Path input = TestFiles.write(dir, "votes.csv", lines.toArray(String[]::new));
    Path output = dir.resolve("out");

    AggregateSummary summary = AggregateJob.run(spark, settings(input, output, Map.of()));

    assertThat(summary.rowsRead()).isEqualTo(12_000);
    assertThat(summary.rowsUsed()).isEqualTo(11_999);
    assertThat(summary.quarantinedByReason()).containsEntry("unparsable_row", 1L);
    assertThat(
            spark
                .read()
                .parquet(output.resolve("quarantine").toString())
                .select("raw_record")
                .first()
                .getString(0))
        .isEqualTo("img6,u1,\"dog");
  }

  /**
   * With class names given, a digit is no class unless label-encoding = index says labels are
   * indices.
   */
  @Test
  void aLabelThatNamesNoClassIsUnknownUnlessIndicesAreChosen(SparkSession spark) {
    Path names =
        TestFiles.write(
            dir,
            "names.csv",
            "image_id,annotator_id,label",
            "a,u1,cat",
            "a,u2,1",
            "a,u3,dog",
            "b,u1,fox",
            "b,u2,2",
            "b,u3,fox");
    AggregateSummary byName =
        AggregateJob.run(spark, settings(names, dir.resolve("names"), Map.of()));
    assertThat(byName.quarantinedByReason()).containsEntry("unknown_class", 2L);
    assertThat(counts(spark, dir.resolve("names")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", List.of(1, 1, 0), "b", List.of(0, 0, 2)));

    // Names that are digits are matched as names: 0 is no class, 3 is the third.
    Path digits =
        TestFiles.write(
            dir,
            "digits.csv",
            "image_id,annotator_id,label",
            "a,u1,1",
            "a,u2,0",
            "a,u3,3",
            "b,u1,2",
            "b,u2,3");
    AggregateSummary byDigitName =
        AggregateJob.run(
            spark,
            settings(
                digits,
                dir.resolve("digits"),
                Map.of("softlabels.classes", List.of("1", "2", "3"))));
    assertThat(byDigitName.quarantinedByReason()).containsEntry("unknown_class", 1L);
    assertThat(counts(spark, dir.resolve("digits")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", List.of(1, 0, 1), "b", List.of(0, 1, 1)));

    // Chosen explicitly, indices are read as indices.
    Path indices =
        TestFiles.write(
            dir, "indices.csv", "image_id,annotator_id,label", "a,u1,0", "a,u2,1", "a,u3,1");
    AggregateSummary byIndex =
        AggregateJob.run(
            spark,
            settings(
                indices,
                dir.resolve("indices"),
                Map.of("softlabels.annotations.label-encoding", "index")));
    assertThat(byIndex.rowsQuarantined()).isZero();
    assertThat(counts(spark, dir.resolve("indices")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", List.of(1, 2, 0)));
  }

  private static Map<String, List<Integer>> counts(SparkSession spark, Path output) {
    return labelsByImage(spark, output).entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> e.getValue().<Integer>getList(e.getValue().fieldIndex("counts"))));
  }

  @Test
  void readsJsonLinesWithRenamedColumnsAndIndexLabels(SparkSession spark) {
    Path input =
        TestFiles.write(
            dir,
            "votes.jsonl",
            "{\"img\": \"x\", \"who\": \"u1\", \"cls\": 2}",
            "{\"img\": \"x\", \"who\": \"u2\", \"cls\": \"2\"}",
            "{\"img\": \"x\", \"who\": \"u3\", \"cls\": 0}",
            "{\"img\": \"x\", \"who\": \"u4\", \"cls\": 3}",
            "{not json");
    Path output = dir.resolve("out");

    AggregateSummary summary =
        AggregateJob.run(
            spark,
            settings(
                input,
                output,
                Map.of(
                    "softlabels.annotations.columns.image", "img",
                    "softlabels.annotations.columns.annotator", "who",
                    "softlabels.annotations.columns.label", "cls",
                    "softlabels.annotations.label-encoding", "index")));

    Row x = labelsByImage(spark, output).get("x");
    assertThat(x.<Integer>getList(x.fieldIndex("counts"))).containsExactly(1, 0, 2);
    assertThat(summary.quarantinedByReason())
        .containsEntry("unknown_class", 1L)
        .containsEntry("unparsable_row", 1L);
    assertThat(summary.rowsRead()).isEqualTo(5);
  }

  @Test
  void readsParquetAndRefusesToOverwriteUnlessAsked(SparkSession spark) {
    Path input = dir.resolve("votes.parquet");
    spark
        .createDataFrame(
            List.of(
                new Vote("p", "u1", "dog"), new Vote("p", "u2", "fox"), new Vote("q", "u1", "dog")),
            Vote.class)
        .write()
        .parquet(input.toString());
    Path output = dir.resolve("out");
    AggregateJob.run(spark, settings(input, output, Map.of()));
    assertThat(labelsByImage(spark, output)).containsOnlyKeys("p", "q");
    assertThat(
            labelsByImage(spark, output)
                .get("p")
                .getBoolean(labelsByImage(spark, output).get("p").fieldIndex("is_tie")))
        .isTrue();
    assertThat(
            labelsByImage(spark, output)
                .get("p")
                .getString(labelsByImage(spark, output).get("p").fieldIndex("hard_label_name")))
        .isEqualTo("dog");

    assertThatThrownBy(() -> AggregateJob.run(spark, settings(input, output, Map.of())))
        .isInstanceOf(UserError.class)
        .hasMessage("output already exists: " + output + " (pass --overwrite to replace it)");
    AggregateSummary again =
        AggregateJob.run(
            spark, settings(input, output, Map.of("softlabels.aggregate.overwrite", true)));
    assertThat(again.images()).isEqualTo(2);
  }

  @Test
  void aMissingColumnOrInputIsNamed(SparkSession spark) {
    Path input = TestFiles.write(dir, "votes.csv", "image,annotator_id,label", "a,u1,cat");
    assertThatThrownBy(() -> AggregateJob.run(spark, settings(input, dir.resolve("o1"), Map.of())))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("column 'image_id' (softlabels.annotations.columns.image) not found");
    assertThatThrownBy(
            () ->
                AggregateJob.run(
                    spark, settings(dir.resolve("absent.csv"), dir.resolve("o2"), Map.of())))
        .isInstanceOf(UserError.class)
        .hasMessage("input not found: " + dir.resolve("absent.csv"));
  }

  @Test
  void overwriteNeverDeletesTheInputOrAGoodOutputBeforeTheRunSucceeds(SparkSession spark)
      throws Exception {
    Path output = dir.resolve("o");
    Path input =
        TestFiles.write(
            Files.createDirectories(output), "a.csv", "image_id,annotator_id,label", "a,u1,cat");
    assertThatThrownBy(
            () ->
                AggregateJob.run(
                    spark, settings(input, output, Map.of("softlabels.aggregate.overwrite", true))))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "output "
                + output
                + " contains the input "
                + input
                + ": write the output somewhere else");
    assertThat(input).hasContent("image_id,annotator_id,label\na,u1,cat");

    Path good = dir.resolve("good");
    AggregateJob.run(spark, settings(input, good, Map.of()));
    byte[] summary = Files.readAllBytes(good.resolve("summary.json"));
    Path wrongColumns = TestFiles.write(dir, "b.csv", "image,annotator_id,label", "a,u1,cat");
    assertThatThrownBy(
            () ->
                AggregateJob.run(
                    spark,
                    settings(wrongColumns, good, Map.of("softlabels.aggregate.overwrite", true))))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("column 'image_id' (softlabels.annotations.columns.image) not found");
    assertThat(good.resolve("summary.json")).hasBinaryContent(summary);
    assertThat(labelsByImage(spark, good)).containsOnlyKeys("a");
    try (var names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .as("no staging folder left")
          .containsExactlyInAnyOrder("o", "good", "b.csv", ".good.lock");
    }
  }

  @Test
  void runsThatRejectMostRowsOrLeaveNoImageFailAndWriteNothing(SparkSession spark) {
    // Labels of another class list: every row is an unknown class.
    Path wrongClasses =
        TestFiles.write(
            dir, "wrong.csv", "image_id,annotator_id,label", "a,u1,red", "a,u2,blue", "b,u1,red");
    Path output = dir.resolve("rejected");
    assertThatThrownBy(() -> AggregateJob.run(spark, settings(wrongClasses, output, Map.of())))
        .isInstanceOf(DataRejected.class)
        .hasMessage(
            "3 of 3 rows rejected (100.0 %: unknown_class 3), over softlabels.annotations.max-rejected-share"
                + " = 0.5; nothing written, no output created (a wrong class list, column or encoding is the usual"
                + " cause); labels naming no class: \"red\" 2, \"blue\" 1; name every class with --classes"
                + " (softlabels.classes)");
    assertThat(output).doesNotExist();

    // Two of three rows rejected: over the default half, within a limit of 0.7.
    Path mostlyWrong =
        TestFiles.write(
            dir, "mostly.csv", "image_id,annotator_id,label", "a,u1,cat", "a,u2,blue", "b,u1,red");
    assertThatThrownBy(() -> AggregateJob.run(spark, settings(mostlyWrong, output, Map.of())))
        .isInstanceOf(DataRejected.class)
        .hasMessageStartingWith("2 of 3 rows rejected (66.7 %: unknown_class 2)");
    AggregateSummary allowed =
        AggregateJob.run(
            spark,
            settings(
                mostlyWrong, output, Map.of("softlabels.annotations.max-rejected-share", 0.7)));
    assertThat(allowed.images()).isEqualTo(1);

    Path headerOnly = TestFiles.write(dir, "empty.csv", "image_id,annotator_id,label");
    assertThatThrownBy(
            () ->
                AggregateJob.run(
                    spark,
                    settings(headerOnly, output, Map.of("softlabels.aggregate.overwrite", true))))
        .isInstanceOf(DataRejected.class)
        .hasMessage(
            "0 rows read and no image has a usable vote; nothing written, "
                + output
                + " is unchanged");
    assertThat(labelsByImage(spark, output)).containsOnlyKeys("a");
  }

  /** A bean for building Parquet inputs. */
  public static final class Vote implements java.io.Serializable {
    private String image_id;
    private String annotator_id;
    private String label;

    public Vote() {}

    public Vote(String image, String annotator, String label) {
      this.image_id = image;
      this.annotator_id = annotator;
      this.label = label;
    }

    public String getImage_id() {
      return image_id;
    }

    public void setImage_id(String value) {
      image_id = value;
    }

    public String getAnnotator_id() {
      return annotator_id;
    }

    public void setAnnotator_id(String value) {
      annotator_id = value;
    }

    public String getLabel() {
      return label;
    }

    public void setLabel(String value) {
      label = value;
    }
  }
}
