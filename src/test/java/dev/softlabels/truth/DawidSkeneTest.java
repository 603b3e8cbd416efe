package dev.softlabels.truth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.LabelAggregation;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.synthetic.AnnotateJob;
import dev.softlabels.synthetic.AnnotateSettings;
import dev.softlabels.testing.SparkExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class DawidSkeneTest {

  private static final DawidSkene DAWID_SKENE = new DawidSkene();
  private static final EmSettings SMOOTHING_1 = new EmSettings(1, 0, 1.0);

  @TempDir Path dir;

  /** The example of {@link DawidSkeneModelTest}, as vote rows. */
  private static Dataset<Row> handVotes(SparkSession spark) {
    List<Row> rows =
        List.of(
            RowFactory.create("i1", "a1", 0),
            RowFactory.create("i1", "a2", 0),
            RowFactory.create("i1", "a3", 1),
            RowFactory.create("i2", "a1", 1),
            RowFactory.create("i2", "a2", 1),
            RowFactory.create("i2", "a3", 1),
            RowFactory.create("i3", "a1", 0),
            RowFactory.create("i3", "a2", 1));
    StructType schema =
        new StructType()
            .add(LabelColumns.IMAGE, DataTypes.StringType)
            .add(LabelColumns.ANNOTATOR, DataTypes.StringType)
            .add(LabelColumns.CLASS_INDEX, DataTypes.IntegerType);
    return spark.createDataFrame(rows, schema);
  }

  private static Map<String, Row> byImage(Dataset<Row> posteriors) {
    return posteriors.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));
  }

  private static double[] posterior(Row row) {
    return row.<Double>getList(row.fieldIndex(Em.POSTERIOR)).stream()
        .mapToDouble(Double::doubleValue)
        .toArray();
  }

  @Test
  void oneEmIterationByHand(SparkSession spark) {
    try (VoteBlocks votes = blocks(spark, handVotes(spark))) {
      checkOneIterationByHand(votes);
    }
  }

  /** The vote fractions: i1 (2/3, 1/3), i2 (0, 1), i3 (1/2, 1/2). */
  private static void checkOneIterationByHand(VoteBlocks votes) {
    Em.Step<DawidSkeneModel> initial = Em.start(votes, DAWID_SKENE, SMOOTHING_1);
    DawidSkeneModel expected = DawidSkeneModelTest.handExample();
    assertThat(initial.votes()).isEqualTo(8);
    assertThat(initial.logLikelihood()).isNull();
    assertThat(initial.model().prior()).containsExactly(expected.prior(), within(1e-12));
    assertThat(votes.annotators()).containsExactly("a1", "a2", "a3");
    for (int a = 0; a < 3; a++) {
      for (int c = 0; c < 2; c++) {
        assertThat(initial.model().annotators().get(a).confusion()[c])
            .containsExactly(expected.annotators().get(a).confusion()[c], within(1e-12));
      }
    }

    // E-step: P(c | votes) is proportional to prior[c] times, per vote (a, j), confusion_a[c][j].
    // i1 (a1:0, a2:0, a3:1), i2 (a1:1, a2:1, a3:1), i3 (a1:0, a2:1), with the confusion matrices
    // above.
    double[][] unnormalised = {
      {13.0 / 30 * 13.0 / 19 * 10.0 / 19 * 5.0 / 8, 17.0 / 30 * 11.0 / 23 * 8.0 / 23 * 7.0 / 10},
      {13.0 / 30 * 6.0 / 19 * 9.0 / 19 * 5.0 / 8, 17.0 / 30 * 12.0 / 23 * 15.0 / 23 * 7.0 / 10},
      {13.0 / 30 * 13.0 / 19 * 9.0 / 19, 17.0 / 30 * 11.0 / 23 * 15.0 / 23}
    };
    Map<String, Row> posteriors = byImage(Em.posteriors(votes, DAWID_SKENE, initial.model()));
    double logLikelihood = 0;
    for (int i = 0; i < 3; i++) {
      double total = unnormalised[i][0] + unnormalised[i][1];
      Row row = posteriors.get("i" + (i + 1));
      assertThat(posterior(row))
          .containsExactly(
              new double[] {unnormalised[i][0] / total, unnormalised[i][1] / total}, within(1e-12));
      assertThat(row.getDouble(row.fieldIndex(Em.LOG_LIKELIHOOD)))
          .isCloseTo(Math.log(total), within(1e-12));
      logLikelihood += Math.log(total);
    }
    // i3's two annotators disagree, and the vote fractions' tie is broken by the prior and a2's
    // label 1.
    assertThat(posterior(posteriors.get("i3"))[0]).isCloseTo(0.4428, within(1e-4));

    Em.Step<DawidSkeneModel> next = Em.step(votes, DAWID_SKENE, initial.model(), SMOOTHING_1);
    assertThat(next.logLikelihood())
        .as("the M-step reports the log-likelihood of the model it started from")
        .isCloseTo(logLikelihood, within(1e-9));
  }

  @Test
  void fitStopsAtTheToleranceOrTheCap(SparkSession spark) {
    try (VoteBlocks votes = blocks(spark, handVotes(spark))) {
      Em.Fit<?> capped = Em.fit(votes, AggregationMethod.DAWID_SKENE, new EmSettings(2, 0, 1.0));
      assertThat(capped.iterations()).isEqualTo(2);
      assertThat(capped.converged()).isFalse();
      Em.Fit<?> converged =
          Em.fit(votes, AggregationMethod.DAWID_SKENE, new EmSettings(200, 1e-9, 1.0));
      assertThat(converged.converged()).isTrue();
      assertThat(converged.iterations()).isBetween(2, 199);
      List<Double> lls = converged.logLikelihoods();
      assertThat(Math.abs(lls.get(lls.size() - 1) - lls.get(lls.size() - 2)) / 8).isLessThan(1e-9);
      assertThat(converged.posteriors(votes).count()).isEqualTo(3);
    }
  }

  private static VoteBlocks blocks(SparkSession spark, Dataset<Row> votes) {
    return blocks(spark, votes, new ClassList(List.of("x", "y")));
  }

  private static VoteBlocks blocks(SparkSession spark, Dataset<Row> votes, ClassList classes) {
    return VoteBlocks.of(spark, LabelAggregation.imageVotes(votes, classes, true), classes);
  }

  /** Small inputs run the EM loop in one task: the same fit as a Spark job per iteration. */
  @Test
  void fitsTheSameInOneTaskAsWithASparkJobPerIteration(SparkSession spark) {
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int truth = i % 3;
      for (int a = 0; a < 5; a++) {
        int annotator = random.nextInt(12);
        int label = random.nextDouble() < 0.6 + annotator * 0.03 ? truth : random.nextInt(3);
        rows.add(RowFactory.create("i" + i, "a" + annotator + "-" + a, label));
      }
    }
    StructType schema =
        new StructType()
            .add(LabelColumns.IMAGE, DataTypes.StringType)
            .add(LabelColumns.ANNOTATOR, DataTypes.StringType)
            .add(LabelColumns.CLASS_INDEX, DataTypes.IntegerType);
    try (VoteBlocks votes =
        blocks(
            spark,
            spark.createDataFrame(rows, schema).repartition(4),
            new ClassList(List.of("x", "y", "z")))) {
      assertThat(votes.votes()).isEqualTo(1500);
      EmSettings settings = new EmSettings(100, 1e-7, 1.0);
      Em.Fit<DawidSkeneModel> jobs = Em.fit(votes, DAWID_SKENE, settings, 0);
      Em.Fit<DawidSkeneModel> oneTask = Em.fit(votes, DAWID_SKENE, settings, votes.votes());

      assertThat(oneTask.iterations()).isEqualTo(jobs.iterations()).isGreaterThan(2);
      assertThat(oneTask.converged()).isEqualTo(jobs.converged()).isTrue();
      for (int n = 0; n < jobs.iterations(); n++) {
        assertThat(oneTask.logLikelihoods().get(n))
            .isCloseTo(jobs.logLikelihoods().get(n), within(1e-9));
      }
      assertThat(oneTask.model().prior()).containsExactly(jobs.model().prior(), within(1e-12));
      assertThat(oneTask.model().annotators()).hasSameSizeAs(jobs.model().annotators());
      for (int a = 0; a < jobs.model().annotators().size(); a++) {
        for (int c = 0; c < 3; c++) {
          assertThat(oneTask.model().annotators().get(a).confusion()[c])
              .containsExactly(jobs.model().annotators().get(a).confusion()[c], within(1e-12));
        }
      }
      Map<String, Row> expected = byImage(jobs.posteriors(votes));
      byImage(oneTask.posteriors(votes))
          .forEach(
              (image, row) ->
                  assertThat(posterior(row))
                      .containsExactly(posterior(expected.get(image)), within(1e-12)));
    }
  }

  /**
   * Acceptance: a crowd of good annotators, spammers (uniformly random) and swappers (one pair of
   * classes swapped 80 % of the time) labels 1,800 images of known class, 5 votes each.
   * Dawid–Skene's hard labels beat the majority vote, and its confusion matrices are close to the
   * simulator's.
   */
  @Test
  void beatsTheMajorityVoteOnACrowdWithSpammersAndSwappers(SparkSession spark) {
    int images = 1800;
    int k = 6;
    List<Row> truthRows = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      Double[] oneHot = new Double[k];
      for (int c = 0; c < k; c++) {
        oneHot[c] = c == i % k ? 1.0 : 0.0;
      }
      truthRows.add(RowFactory.create(String.format("img-%05d", i), oneHot));
    }
    StructType truthSchema =
        new StructType()
            .add(LabelColumns.IMAGE, DataTypes.StringType)
            .add(LabelColumns.SOFT_LABEL, DataTypes.createArrayType(DataTypes.DoubleType));
    Path truth = dir.resolve("truth");
    spark.createDataFrame(truthRows, truthSchema).write().parquet(truth.toString());
    Path crowd = dir.resolve("crowd");
    AnnotateJob.run(
        spark,
        AnnotateSettings.from(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.annotate.input",
                    truth.toString(),
                    "softlabels.annotate.output",
                    crowd.toString(),
                    "softlabels.annotate.pool",
                    30,
                    "softlabels.annotate.votes-per-image",
                    5,
                    "softlabels.annotate.votes-distribution",
                    "fixed",
                    "softlabels.annotate.flip-rate",
                    List.of(0.0, 0.2),
                    "softlabels.annotate.spammer-share",
                    0.3,
                    "softlabels.annotate.swapper-share",
                    0.3,
                    "softlabels.annotate.swap-rate",
                    0.8))));

    Map<String, Double> accuracy = new java.util.TreeMap<>();
    for (AggregationMethod method : AggregationMethod.values()) {
      Path out = dir.resolve(method.configName());
      AggregateJob.run(
          spark,
          AggregateSettings.from(
              ConfigLoader.withOverrides(
                  Map.of(
                      "softlabels.aggregate.input", crowd.resolve("annotations").toString(),
                      "softlabels.aggregate.output", out.toString(),
                      "softlabels.aggregate.method", method.configName()))));
      List<Row> labels =
          spark
              .read()
              .parquet(out.resolve("labels").toString())
              .select(LabelColumns.IMAGE, LabelColumns.HARD_LABEL)
              .collectAsList();
      assertThat(labels).hasSize(images);
      accuracy.put(
          method.configName(),
          labels.stream()
                  .filter(r -> r.getInt(1) == Integer.parseInt(r.getString(0).substring(4)) % k)
                  .count()
              / (double) images);
    }
    System.out.printf("dawid-skene test: hard-label accuracy %s%n", accuracy);
    assertThat(accuracy.get("dawid-skene")).isGreaterThan(accuracy.get("majority") + 0.05);

    Map<String, Row> actual = byAnnotator(spark, crowd.resolve("annotators"));
    Map<String, Row> estimated = byAnnotator(spark, dir.resolve("dawid-skene/annotators"));
    assertThat(estimated.keySet()).isEqualTo(actual.keySet());
    Map<String, List<Double>> errorsByType = new java.util.TreeMap<>();
    for (Map.Entry<String, Row> entry : actual.entrySet()) {
      double[][] truthMatrix = matrix(entry.getValue());
      double[][] estimate = matrix(estimated.get(entry.getKey()));
      double absolute =
          IntStream.range(0, k)
                  .mapToDouble(
                      c ->
                          IntStream.range(0, k)
                              .mapToDouble(j -> Math.abs(truthMatrix[c][j] - estimate[c][j]))
                              .sum())
                  .sum()
              / (k * k);
      errorsByType
          .computeIfAbsent(
              entry.getValue().getString(entry.getValue().fieldIndex("type")),
              t -> new ArrayList<>())
          .add(absolute);
    }
    double overall =
        errorsByType.values().stream()
            .flatMap(List::stream)
            .mapToDouble(Double::doubleValue)
            .average()
            .orElseThrow();
    double worst =
        errorsByType.values().stream()
            .flatMap(List::stream)
            .mapToDouble(Double::doubleValue)
            .max()
            .orElseThrow();
    System.out.printf(
        "dawid-skene test: confusion-matrix mean absolute error per cell %.4f (worst annotator %.4f); "
            + "by type %s%n",
        overall,
        worst,
        errorsByType.entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e ->
                        e.getValue().stream()
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElseThrow())));
    assertThat(overall).isLessThan(0.03);
    assertThat(worst).isLessThan(0.08);
  }

  private static Map<String, Row> byAnnotator(SparkSession spark, Path path) {
    return spark.read().parquet(path.toString()).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(r.fieldIndex(LabelColumns.ANNOTATOR)), r -> r));
  }

  private static double[][] matrix(Row row) {
    return row.<scala.collection.Seq<Double>>getList(row.fieldIndex("confusion")).stream()
        .map(
            r ->
                scala.collection.JavaConverters.seqAsJavaList(r).stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray())
        .toArray(double[][]::new);
  }
}
