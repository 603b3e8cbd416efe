package dev.softlabels.relabel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.AggregateSummary;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.DataRejected;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.quality.QualityReport;
import dev.softlabels.quality.QualityReports;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Nights folded into a label store, against one aggregate run over all of them. */
@ExtendWith(SparkExtension.class)
class RelabelJobTest {

  private static final List<String> CLASSES = List.of("cat", "dog", "fox");
  private static final String HEADER = "image_id,annotator_id,label";

  @TempDir static Path dir;
  static Path nights;

  /**
   * Three nights: duplicates within and across nights, images voted on several nights, bad rows.
   */
  @BeforeAll
  static void writeNights() throws Exception {
    nights = Files.createDirectories(dir.resolve("nights"));
    TestFiles.write(
        nights,
        "2026-11-01.csv",
        HEADER,
        "a,u1,cat",
        "a,u2,dog",
        "b,u1,fox",
        "b,u1,cat",
        "c,u3,dog",
        "d,,cat",
        "e,u1,wolf");
    // a: cat 1, dog 1 (a tie, cat) -> dog 2 flips it; a,u1 again is a duplicate of night 1's vote.
    TestFiles.write(
        nights, "2026-11-02.csv", HEADER, "a,u3,dog", "b,u2,fox", "a,u1,fox", "f,u1,cat");
    TestFiles.write(
        nights, "2026-11-03.csv", HEADER, "c,u3,cat", "c,u4,dog", "f,u2,cat", "g,u9,fox", "h,u1,");
  }

  /**
   * The classes, and no label-quality page: the nights' labels, ledger and reports are what these
   * tests are about (the page is everyNightKeepsTheStoresAgreementAndItsReportTheTrendSoFar's, and
   * the launcher's tests run nights with it, as users do).
   */
  static Map<String, Object> base() {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("softlabels.classes", CLASSES);
    overrides.put("softlabels.relabel.report", false);
    return overrides;
  }

  static RelabelSettings night(Path state, String date) {
    return night(state, date, LabelStore.CommitPath.INTERNAL);
  }

  static RelabelSettings night(Path state, String date, LabelStore.CommitPath commits) {
    return night(state, date, commits, false);
  }

  static RelabelSettings night(
      Path state, String date, LabelStore.CommitPath commits, boolean report) {
    Map<String, Object> overrides = base();
    overrides.put("softlabels.relabel.report", report);
    overrides.put(
        "softlabels.relabel.delta-commit", commits.name().toLowerCase(java.util.Locale.ROOT));
    overrides.put("softlabels.relabel.state", state.toString());
    overrides.put("softlabels.relabel.batch", nights.resolve(date + ".csv").toString());
    overrides.put("softlabels.relabel.date", date);
    return RelabelSettings.from(ConfigLoader.withOverrides(overrides));
  }

  /**
   * Night {@code date} of {@code inbox}/DATE.csv, with no class list given: the store's applies, or
   * is inferred.
   */
  static Map<String, Object> inferredClasses(Path inbox, Path state, String date) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("softlabels.classes", List.of());
    overrides.put("softlabels.relabel.state", state.toString());
    overrides.put("softlabels.relabel.batch", inbox.resolve(date + ".csv").toString());
    overrides.put("softlabels.relabel.date", date);
    return overrides;
  }

  static List<Row> labels(Dataset<Row> table) {
    return LabelColumns.table(table).orderBy("image_id").collectAsList();
  }

  static Path aggregate(SparkSession spark, Path input, String name) {
    Map<String, Object> overrides = base();
    overrides.put("softlabels.aggregate.input", input.toString());
    overrides.put("softlabels.aggregate.output", dir.resolve(name).toString());
    AggregateJob.run(spark, AggregateSettings.from(ConfigLoader.withOverrides(overrides)));
    return dir.resolve(name);
  }

  @Test
  void nightByNightGivesTheLabelsOfOneAggregateOverAllNights(SparkSession spark) {
    Path state = dir.resolve("store");
    for (String date : List.of("2026-11-01", "2026-11-02", "2026-11-03")) {
      assertThat(RelabelJob.run(spark, night(state, date)).applied()).isTrue();
    }
    Path all = aggregate(spark, nights, "all");

    LabelStore store = new LabelStore(spark, state.toString());
    assertThat(labels(store.read(store.version())))
        .isEqualTo(labels(spark.read().parquet(all.resolve("labels").toString())));
    Dataset<Row> quarantined = spark.read().parquet(state.resolve("quarantine").toString());
    Dataset<Row> expected = spark.read().parquet(all.resolve("quarantine").toString());
    assertThat(
            quarantined
                .select("image_id", "annotator_id", "label", "reason")
                .orderBy("image_id", "annotator_id")
                .collectAsList())
        .isEqualTo(
            expected
                .select("image_id", "annotator_id", "label", "reason")
                .orderBy("image_id", "annotator_id")
                .collectAsList());
    assertThat(
            quarantined
                .filter("reason = 'duplicate_vote'")
                .select("date", "image_id", "label")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactlyInAnyOrder(
            "[2026-11-01,b,cat]", "[2026-11-02,a,fox]", "[2026-11-03,c,cat]");

    List<Night> ledger = store.nights();
    assertThat(ledger)
        .extracting(Night::date)
        .containsExactly("2026-11-01", "2026-11-02", "2026-11-03");
    assertThat(ledger).extracting(Night::version).containsExactly(1L, 2L, 3L);
    // Night 2: 4 rows, 1 duplicate; touches a, b and f (new).
    assertThat(ledger.get(1))
        .extracting(
            Night::rowsRead,
            Night::rowsUsed,
            Night::rowsQuarantined,
            Night::imagesTouched,
            Night::newImages,
            Night::flippedImages)
        .containsExactly(4L, 3L, 1L, 3L, 1L, 1L);

    Row flip =
        spark
            .read()
            .parquet(store.changesPath(LocalDate.parse("2026-11-02")) + "/images")
            .filter("change = 'flipped'")
            .first();
    assertThat(flip.getString(flip.fieldIndex("image_id"))).isEqualTo("a");
    assertThat(flip.getString(flip.fieldIndex("previous_hard_label_name"))).isEqualTo("cat");
    assertThat(flip.getString(flip.fieldIndex("hard_label_name"))).isEqualTo("dog");
    // KL((1/3, 2/3, 0) || (1/2, 1/2, 0)) with 1e-5 clipping: 1/3 ln(2/3) + 2/3 ln(4/3) + 1e-5 ln(1)
    // ~ 0.0566.
    assertThat(flip.getDouble(flip.fieldIndex("shift_kl"))).isCloseTo(0.0566330122, within(1e-6));

    // Time travel: night 1's labels of a (cat 1, dog 1).
    Row a1 = store.readAsOf("2026-11-01").filter("image_id = 'a'").first();
    assertThat(a1.<Integer>getList(a1.fieldIndex("counts"))).containsExactly(1, 1, 0);
    assertThat(store.readAsOf("1").count()).isEqualTo(3);
    assertThatThrownBy(() -> store.readAsOf("2026-10-01"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("no night of that date");
  }

  /**
   * Each night's ledger entry keeps the store's agreement, updated from the touched images alone;
   * by hand over the nights' counts (pairable images only):
   *
   * <ul>
   *   <li>night 1: a (cat 1, dog 1) alone: o_cat,cat = o_dog,dog = 0, n = 2, alpha = 1 - 1 * 2 / (4
   *       - 2) = 0; P = 0, P_e = 1/2, kappa = -1.
   *   <li>night 2: a (cat 1, dog 2) o_dog,dog = 1, b (fox 2) o_fox,fox = 2; n = 5, n_c = (1, 2, 2):
   *       alpha = 1 - 4 * 2 / (25 - 9) = 1/2; P = (1/3 + 1) / 2, P_e = 9/25, kappa = 23/48.
   *   <li>night 3: c (dog 2) and f (cat 2) join: sum o = 7, n = 9, n_c = (3, 4, 2): alpha = 1 - 8 *
   *       2 / (81 - 29) = 9/13; P = 5/6, P_e = 29/81, kappa = 77/104.
   * </ul>
   *
   * The last equals one aggregate over all nights; the last night's report has the trend of all
   * three.
   */
  @Test
  void everyNightKeepsTheStoresAgreementAndItsReportTheTrendSoFar(SparkSession spark)
      throws Exception {
    Path state = dir.resolve("reported");
    List<String> dates = List.of("2026-11-01", "2026-11-02", "2026-11-03");
    for (String date : dates) {
      RelabelJob.run(spark, night(state, date, LabelStore.CommitPath.INTERNAL, true));
    }
    LabelStore store = new LabelStore(spark, state.toString());
    List<Night> ledger = store.nights();
    assertThat(ledger)
        .extracting(n -> n.agreement().krippendorffAlpha())
        .containsExactly(0.0, 0.5, 9.0 / 13);
    double[] kappas = {-1, 23.0 / 48, 77.0 / 104};
    for (int n = 0; n < 3; n++) {
      assertThat(ledger.get(n).agreement().fleissKappa()).isCloseTo(kappas[n], within(1e-12));
    }
    AggregateSummary all =
        AggregateSummary.fromJson(
            Files.readString(aggregate(spark, nights, "all-agreement").resolve("summary.json")));
    assertThat(ledger.get(2).agreement().krippendorffAlpha())
        .isCloseTo(all.agreement().krippendorffAlpha(), within(1e-12));
    // A store whose ledger kept no statistics has them summed over its labels once: the same.
    Night withoutAgreement = new Night("2026-11-03", "b", 0, 0, 0, 0, 0, 0, null, null, null);
    assertThat(
            RelabelJob.storeAgreement(
                    store, store.version(), List.of(withoutAgreement), new ClassList(CLASSES))
                .figures(CLASSES))
        .isEqualTo(ledger.get(2).agreement());

    Path changes = state.resolve(LabelStore.CHANGES).resolve("date=2026-11-03");
    QualityReport report =
        QualityReport.fromJson(Files.readString(changes.resolve(QualityReports.JSON)));
    assertThat(report.night().trend())
        .extracting(
            QualityReport.TrendPoint::date,
            QualityReport.TrendPoint::images,
            QualityReport.TrendPoint::flippedImages)
        .containsExactly(
            tuple("2026-11-01", 3L, 0L), tuple("2026-11-02", 4L, 1L), tuple("2026-11-03", 5L, 0L));
    assertThat(report.night().trend())
        .extracting(QualityReport.TrendPoint::krippendorffAlpha)
        .containsExactly(0.0, 0.5, 9.0 / 13);
    assertThat(report.agreement()).isEqualTo(ledger.get(2).agreement());
    // Night 3 touched c, f and g (new); h's row lacks its label.
    assertThat(report.crowd().images()).isEqualTo(3);
    assertThat(report.rows().read()).isEqualTo(report.rows().used() + report.rows().quarantined());
    assertThat(changes.resolve(QualityReports.HTML)).exists();
    assertThat(Files.readString(changes.resolve(RelabelJob.SUMMARY)))
        .contains("\"krippendorff_alpha\"");
  }

  /**
   * Its labels/ is the aggregate job's Parquet: a night would fail on Delta's own error, a reader
   * say "no store".
   */
  @Test
  void anAggregateOutputGivenAsTheStoreIsNamed(SparkSession spark) {
    Path output = aggregate(spark, nights.resolve("2026-11-01.csv"), "aggregate-not-a-store");
    String expected =
        output
            + " (softlabels.relabel.state) is not a label store: its labels/ "
            + "has no _delta_log (an aggregate output?); give --state a new folder or a store relabel made";

    assertThatThrownBy(() -> RelabelJob.run(spark, night(output, "2026-11-01")))
        .isInstanceOf(UserError.class)
        .hasMessage(expected);
    assertThatThrownBy(() -> new LabelStore(spark, output.toString()).readAsOf(""))
        .isInstanceOf(UserError.class)
        .hasMessage(expected);
  }

  /**
   * Nights append a row per touched image; readers take each image's latest; compaction keeps the
   * labels.
   */
  @Test
  void readersSeeEachImagesLatestRowAndCompactionKeepsTheLabels(SparkSession spark) {
    Path state = dir.resolve("store-compact");
    for (String date : List.of("2026-11-01", "2026-11-02", "2026-11-03")) {
      RelabelJob.run(spark, night(state, date));
    }
    LabelStore store = new LabelStore(spark, state.toString());
    List<Row> labels = labels(store.read(store.version()));
    List<Row> firstNight = labels(store.readAsOf("2026-11-01"));
    // Night 1 touches a, b, c; night 2 a, b, f; night 3 c, f, g: 9 rows of 5 images.
    assertThat(store.rows(store.version()).count()).isEqualTo(9);
    assertThat(labels).extracting(row -> row.getString(0)).containsExactly("a", "b", "c", "f", "g");

    List<Night> ledger = store.nights();
    LabelStore.Compaction compaction = store.compact();

    assertThat(compaction).isEqualTo(new LabelStore.Compaction(3, 9, 5));
    assertThat(store.version()).isEqualTo(4);
    assertThat(store.rows(store.version()).count()).isEqualTo(5);
    assertThat(labels(store.read(store.version()))).isEqualTo(labels);
    assertThat(labels(store.readAsOf("2026-11-01")))
        .as("time travel before the compaction")
        .isEqualTo(firstNight);
    assertThat(store.nights())
        .as("a compaction is no night: the ledger relabel history prints is unchanged")
        .isEqualTo(ledger)
        .extracting(Night::date)
        .containsExactly("2026-11-01", "2026-11-02", "2026-11-03");
    RelabelJob.Result again = RelabelJob.run(spark, night(state, "2026-11-03"));
    assertThat(again.applied()).as("the last night is still known after the compaction").isFalse();
    assertThat(again.night().version()).isEqualTo(3L);
    assertThat(RelabelJob.run(spark, night(state, "2026-11-02")).night().version())
        .as("an applied night before the last one is found in the history")
        .isEqualTo(2L);

    // The history read from the commit files (relabel history, with no Spark session) is Delta's
    // own: versions, commit times as Spark writes them, user metadata; the compaction included.
    String table = store.labelsPath();
    List<String> delta =
        io.delta.tables.DeltaTable.forPath(spark, table)
            .history()
            .orderBy("version")
            .selectExpr("version", "cast(timestamp as string)", "userMetadata")
            .collectAsList()
            .stream()
            .map(Row::toString)
            .toList();
    assertThat(
            DeltaTables.history(HadoopPaths.of(spark), table).stream()
                .map(c -> "[" + c.version() + "," + c.timestamp() + "," + c.userMetadata() + "]")
                .toList())
        .hasSize(5)
        .isEqualTo(delta);
    for (long millis : List.of(1796672178000L, 1796672178100L, 1796672178049L, 1796672178120L)) {
      assertThat(DeltaTables.sparkTimestamp(millis))
          .isEqualTo(
              spark
                  .sql("select cast(timestamp_millis(" + millis + ") as string)")
                  .first()
                  .getString(0));
    }
  }

  /**
   * No class list given: the first night's labels make the store's list, later nights use it, and a
   * night with a label outside it is refused (not quarantined) with a line saying how to extend it.
   */
  @Test
  void aStoreKeepsTheClassesItWasCreatedWithAndRefusesANightWithANewLabel(SparkSession spark)
      throws Exception {
    Path inbox = Files.createDirectories(dir.resolve("inbox-inferred"));
    TestFiles.write(inbox, "2026-11-01.csv", HEADER, "x,u1,dog", "x,u2,cat", "y,u1,dog");
    TestFiles.write(
        inbox, "2026-11-02.csv", HEADER, "x,u3,fox", "y,u2,cat", "z,u1,owl", "z,u2,fox");
    Path state = dir.resolve("store-inferred");
    assertThat(
            RelabelJob.run(
                    spark,
                    RelabelSettings.from(
                        ConfigLoader.withOverrides(inferredClasses(inbox, state, "2026-11-01"))))
                .applied())
        .isTrue();
    LabelStore store = new LabelStore(spark, state.toString());
    assertThat(store.open(() -> null).classes().names())
        .as("inferred from night 1, in alphabetical order")
        .containsExactly("cat", "dog");

    Map<String, Object> overrides = inferredClasses(inbox, state, "2026-11-02");
    RelabelSettings inferred = RelabelSettings.from(ConfigLoader.withOverrides(overrides));
    assertThatThrownBy(() -> RelabelJob.run(spark, inferred))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "night 2026-11-02 has 3 votes for labels outside the label store's classes [cat, dog]: [fox, owl]; the "
                + "store keeps the class list it was created with. To extend the list, build a new store with it "
                + "(relabel --state NEW_DIR --classes cat,dog,fox,owl and every night again, in date order); to quarantine "
                + "these votes as unknown_class instead, pass --classes cat,dog");
    assertThat(store.version()).as("nothing committed").isEqualTo(1);

    overrides.put("softlabels.classes", List.of("cat", "dog"));
    overrides.put("softlabels.annotations.max-rejected-share", 1.0);
    RelabelJob.Result given =
        RelabelJob.run(spark, RelabelSettings.from(ConfigLoader.withOverrides(overrides)));
    assertThat(given.night().rowsQuarantined()).isEqualTo(3);
  }

  /** The suggested --classes lists are single shell words, pasted as they are printed. */
  @Test
  void theSuggestedClassListsAreShellQuoted(SparkSession spark) throws Exception {
    Path inbox = Files.createDirectories(dir.resolve("inbox-quoted"));
    TestFiles.write(inbox, "2026-11-01.csv", HEADER, "x,u1,Golden Retriever", "x,u2,Pete's dog");
    TestFiles.write(inbox, "2026-11-02.csv", HEADER, "x,u3,wolf", "y,u1,Golden Retriever");
    Path state = dir.resolve("store-quoted");
    RelabelJob.run(
        spark,
        RelabelSettings.from(
            ConfigLoader.withOverrides(inferredClasses(inbox, state, "2026-11-01"))));

    RelabelSettings second =
        RelabelSettings.from(
            ConfigLoader.withOverrides(inferredClasses(inbox, state, "2026-11-02")));
    assertThatThrownBy(() -> RelabelJob.run(spark, second))
        .isInstanceOf(UserError.class)
        .hasMessageEndingWith(
            "(relabel --state NEW_DIR --classes 'Golden Retriever,Pete'\\''s dog,wolf' and every night again, in date "
                + "order); to quarantine these votes as unknown_class instead, pass --classes "
                + "'Golden Retriever,Pete'\\''s dog'");
  }

  @Test
  void rerunningAnAppliedNightChangesNothing(SparkSession spark) {
    Path state = dir.resolve("store-rerun");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    RelabelJob.run(spark, night(state, "2026-11-02"));
    LabelStore store = new LabelStore(spark, state.toString());
    List<Row> before = labels(store.read(store.version()));

    RelabelJob.Result again = RelabelJob.run(spark, night(state, "2026-11-02"));
    RelabelJob.Result first = RelabelJob.run(spark, night(state, "2026-11-01"));

    assertThat(again.applied()).isFalse();
    assertThat(again.night().version()).isEqualTo(2L);
    assertThat(first.applied()).isFalse();
    assertThat(store.version()).isEqualTo(2L);
    assertThat(labels(store.read(store.version()))).isEqualTo(before);
    assertThat(store.nights()).hasSize(2);
  }

  @Test
  void anEarlierNightAfterALaterOneIsRefused(SparkSession spark) {
    Path state = dir.resolve("store-order");
    RelabelJob.run(spark, night(state, "2026-11-02"));
    assertThatThrownBy(() -> RelabelJob.run(spark, night(state, "2026-11-01")))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("2026-11-02 is already applied, so 2026-11-01 can no longer be");
  }

  @Test
  void aRunThatFailsBeforeItsCommitLeavesThePreviousVersionAndTheRerunCompletes(SparkSession spark)
      throws Exception {
    Path state = dir.resolve("store-crash");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    LabelStore store = new LabelStore(spark, state.toString());
    List<Row> afterNight1 = labels(store.read(1));

    assertThatThrownBy(
            () ->
                RelabelJob.run(
                    spark,
                    night(state, "2026-11-02"),
                    () -> {
                      throw new IllegalStateException("injected failure before the commit");
                    }))
        .hasMessageContaining("injected failure");
    assertThat(store.version()).isEqualTo(1L);
    assertThat(labels(store.read(store.version()))).isEqualTo(afterNight1);
    assertThat(store.nights()).extracting(Night::date).containsExactly("2026-11-01");

    assertThat(RelabelJob.run(spark, night(state, "2026-11-02")).applied()).isTrue();
    Path firstTwo = Files.createDirectories(dir.resolve("first-two"));
    Files.copy(nights.resolve("2026-11-01.csv"), firstTwo.resolve("2026-11-01.csv"));
    Files.copy(nights.resolve("2026-11-02.csv"), firstTwo.resolve("2026-11-02.csv"));
    Path expected = aggregate(spark, firstTwo, "first-two-aggregate");
    assertThat(labels(store.read(store.version())))
        .isEqualTo(labels(spark.read().parquet(expected.resolve("labels").toString())));
    assertThat(spark.read().parquet(store.quarantinePath(LocalDate.parse("2026-11-02"))).count())
        .as("the failed attempt's quarantine is replaced, not doubled")
        .isEqualTo(1);
  }

  /**
   * Night 3 started while another run (the nightly lock bypassed) applied night 2: night 3's rows
   * were computed without night 2's votes, so its commit fails rather than append stale rows; its
   * re-run starts from night 2 and the store ends as one aggregate over all three nights.
   */
  @Test
  void aNightWhoseStoreChangedWhileItRanIsNotCommitted(SparkSession spark) {
    Path state = dir.resolve("store-concurrent");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    LabelStore store = new LabelStore(spark, state.toString());

    assertThatThrownBy(
            () ->
                RelabelJob.run(
                    spark,
                    night(state, "2026-11-03"),
                    () ->
                        assertThat(
                                RelabelJob.applyUnlocked(
                                        spark, night(state, "2026-11-02"), () -> {})
                                    .applied())
                            .isTrue()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "changed the label store " + state + " after version 1 while night 2026-11-03 ran")
        .hasMessageContaining(
            "the night was not committed: run it again, it starts from version 2");
    assertThat(store.version()).isEqualTo(2L);
    assertThat(store.nights()).extracting(Night::date).containsExactly("2026-11-01", "2026-11-02");

    assertThat(RelabelJob.run(spark, night(state, "2026-11-03")).applied()).isTrue();
    assertThat(store.nights())
        .extracting(Night::date, Night::version)
        .containsExactly(tuple("2026-11-01", 1L), tuple("2026-11-02", 2L), tuple("2026-11-03", 3L));
    Path expected = aggregate(spark, nights, "concurrent-aggregate");
    assertThat(labels(store.read(store.version())))
        .isEqualTo(labels(spark.read().parquet(expected.resolve("labels").toString())));
  }

  /**
   * The same night started twice past the lock: applied once, and the second run says so (exit 0).
   */
  @Test
  void theSameNightRacingItselfIsAppliedOnceAndTheLoserSaysSo(SparkSession spark) {
    Path state = dir.resolve("store-same-night");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    RelabelJob.Result loser =
        RelabelJob.run(
            spark,
            night(state, "2026-11-02"),
            () ->
                assertThat(
                        RelabelJob.applyUnlocked(spark, night(state, "2026-11-02"), () -> {})
                            .applied())
                    .isTrue());
    assertThat(loser.applied()).isFalse();
    assertThat(loser.version()).isEqualTo(2L);
    LabelStore store = new LabelStore(spark, state.toString());
    assertThat(store.nights()).extracting(Night::date).containsExactly("2026-11-01", "2026-11-02");
    assertThat(
            spark
                .read()
                .parquet(store.changesPath(LocalDate.parse("2026-11-02")) + "/images")
                .count())
        .isEqualTo(3);
  }

  /**
   * Past the lock a later night won: the loser can no longer be applied, and is told what to do
   * instead.
   */
  @Test
  void aNightOvertakenByALaterOneIsToldToFoldItsRowsIntoTheNext(SparkSession spark) {
    Path state = dir.resolve("store-overtaken");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    assertThatThrownBy(
            () ->
                RelabelJob.run(
                    spark,
                    night(state, "2026-11-02"),
                    () -> RelabelJob.applyUnlocked(spark, night(state, "2026-11-03"), () -> {})))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "another run applied night 2026-11-03 to the label store "
                + state
                + " while night 2026-11-02"
                + " ran, and nights are applied in date order: fold this night's rows into the next night's batch"
                + " instead");
  }

  /**
   * One writer per store: a night or a compaction started while another holds the store is refused.
   */
  @Test
  void nightsAndCompactionsTakeTheStoresLock(SparkSession spark) {
    Path state = dir.resolve("store-locked");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    LabelStore store = new LabelStore(spark, state.toString());
    try (var held = store.lock()) {
      String busy =
          "is writing the label store " + state + "; wait for it to finish, then run this again";
      assertThatThrownBy(() -> RelabelJob.run(spark, night(state, "2026-11-02")))
          .isInstanceOf(UserError.class)
          .hasMessageStartingWith("another run (process " + ProcessHandle.current().pid() + "@")
          .hasMessageContaining(busy);
      assertThatThrownBy(store::compact).isInstanceOf(UserError.class).hasMessageContaining(busy);
    }
    assertThat(store.nights()).extracting(Night::date).containsExactly("2026-11-01");
    assertThat(RelabelJob.run(spark, night(state, "2026-11-02")).applied()).isTrue();
    assertThat(store.compact().after()).isEqualTo(4);
  }

  /** Where there is no store, history finds no night and the readers name the path in one line. */
  @Test
  void aMissingStoreHasNoNightAndIsNamedWithTheCommandThatMakesOne(SparkSession spark) {
    Path missing = dir.resolve("no-store");
    LabelStore store = new LabelStore(spark, missing.toString());
    String named =
        "no label store at " + missing + " (softlabels.relabel.state): run relabel first";
    assertThat(store.nights()).isEmpty();
    assertThatThrownBy(store::compact).isInstanceOf(UserError.class).hasMessage(named);
    assertThatThrownBy(store::classes).isInstanceOf(UserError.class).hasMessage(named);
    assertThat(missing).doesNotExist();
  }

  /**
   * A store inside the folder of its batches would read its own table files as votes the next
   * night.
   */
  @Test
  void aStoreInsideOrAroundItsBatchIsRefused(SparkSession spark) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("overlap"));
    Files.copy(nights.resolve("2026-11-01.csv"), folder.resolve("2026-11-01.csv"));
    Map<String, Object> overrides = base();
    overrides.put("softlabels.relabel.state", folder.resolve("store").toString());
    overrides.put("softlabels.relabel.batch", folder.toString());
    overrides.put("softlabels.relabel.date", "2026-11-01");
    assertThatThrownBy(
            () ->
                RelabelJob.run(spark, RelabelSettings.from(ConfigLoader.withOverrides(overrides))))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "the label store "
                + folder.resolve("store")
                + " is inside the batch "
                + folder
                + ": keep the store apart from the files it reads");
    overrides.put("softlabels.relabel.state", folder.toString());
    overrides.put("softlabels.relabel.batch", folder.resolve("2026-11-01.csv").toString());
    assertThatThrownBy(
            () ->
                RelabelJob.run(spark, RelabelSettings.from(ConfigLoader.withOverrides(overrides))))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("contains the batch");
    try (var names = Files.list(folder)) {
      assertThat(names.map(p -> p.getFileName().toString())).containsExactly("2026-11-01.csv");
    }
    // A relative batch name with a colon is a file name, not a URI scheme: checked, not a crash.
    new LabelStore(spark, folder.resolve("store").toString())
        .refuseOverlap("2026-11-01T10:00.csv", "the batch");
  }

  @Test
  void aNightsReportsAppearOnlyWithItsCommit(SparkSession spark) throws Exception {
    Path state = dir.resolve("store-reports");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    LabelStore store = new LabelStore(spark, state.toString());
    LocalDate second = LocalDate.parse("2026-11-02");

    assertThatThrownBy(
            () ->
                RelabelJob.run(
                    spark,
                    night(state, "2026-11-02"),
                    () -> {
                      throw new IllegalStateException("injected failure before the commit");
                    }))
        .hasMessageContaining("injected failure");
    assertThat(Path.of(java.net.URI.create(store.changesPath(second))))
        .as("no report of a night never applied")
        .doesNotExist();
    assertThat(Path.of(java.net.URI.create(store.quarantinePath(second)))).doesNotExist();

    RelabelJob.Result applied = RelabelJob.run(spark, night(state, "2026-11-02"));
    assertThat(applied.applied()).isTrue();
    assertThat(Path.of(java.net.URI.create(store.changesPath(second))).resolve("summary.json"))
        .isNotEmptyFile();
    assertThat(spark.read().parquet(store.changesPath(second) + "/images").count()).isEqualTo(3);
    assertThat(spark.read().parquet(store.quarantinePath(second)).count()).isEqualTo(1);
    try (var names = Files.list(state.resolve("changes"))) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("date=2026-11-01", "date=2026-11-02");
    }
  }

  /**
   * A run stopped after its commit but before moving its reports: the next night settles them
   * first.
   */
  @Test
  void theNextNightMovesTheReportsOfANightStoppedAfterItsCommit(SparkSession spark)
      throws Exception {
    Path state = dir.resolve("store-settle");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    LabelStore store = new LabelStore(spark, state.toString());
    Path changes = Path.of(java.net.URI.create(store.changesPath(LocalDate.parse("2026-11-01"))));
    Path pending = changes.resolveSibling(".date=2026-11-01.pending");
    Files.move(changes, pending);

    assertThat(RelabelJob.run(spark, night(state, "2026-11-02")).applied()).isTrue();

    assertThat(pending).doesNotExist();
    assertThat(changes.resolve("summary.json")).isNotEmptyFile();
    assertThat(
            Path.of(java.net.URI.create(store.changesPath(LocalDate.parse("2026-11-02"))))
                .resolve(RelabelJob.RANKING))
        .isNotEmptyFile();
    String summary =
        Files.readString(
            Path.of(java.net.URI.create(store.changesPath(LocalDate.parse("2026-11-02"))))
                .resolve("summary.json"));
    assertThat(summary)
        .as("night 2 starts from night 1's ranking")
        .containsPattern("\"rebuilt\"\\s*:\\s*false");
  }

  @Test
  void aNightThatRejectsMostRowsIsNotApplied(SparkSession spark) throws Exception {
    Path state = dir.resolve("store-rejected");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    Path wrong =
        TestFiles.write(
            Files.createDirectories(dir.resolve("wrong")),
            "2026-11-02.csv",
            HEADER,
            "a,u7,red",
            "b,u7,blue",
            "c,u7,cat");
    Map<String, Object> overrides = base();
    overrides.put("softlabels.relabel.state", state.toString());
    overrides.put("softlabels.relabel.batch", wrong.toString());
    overrides.put("softlabels.relabel.date", "2026-11-02");
    assertThatThrownBy(
            () ->
                RelabelJob.run(spark, RelabelSettings.from(ConfigLoader.withOverrides(overrides))))
        .isInstanceOf(DataRejected.class)
        .hasMessageStartingWith("night 2026-11-02: 2 of 3 rows rejected (66.7 %: unknown_class 2)")
        .hasMessageContaining("the label store stays at version 1");
    LabelStore store = new LabelStore(spark, state.toString());
    assertThat(store.version()).isEqualTo(1L);
    assertThat(Path.of(java.net.URI.create(store.changesPath(LocalDate.parse("2026-11-02")))))
        .doesNotExist();
  }

  @Test
  void aStoreKeepsItsClassList(SparkSession spark) {
    Path state = dir.resolve("store-classes");
    RelabelJob.run(spark, night(state, "2026-11-01"));
    Map<String, Object> overrides = base();
    overrides.put("softlabels.classes", List.of("dog", "cat", "fox"));
    overrides.put("softlabels.relabel.state", state.toString());
    overrides.put("softlabels.relabel.batch", nights.resolve("2026-11-02.csv").toString());
    overrides.put("softlabels.relabel.date", "2026-11-02");
    assertThatThrownBy(
            () ->
                RelabelJob.run(spark, RelabelSettings.from(ConfigLoader.withOverrides(overrides))))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("counts votes for the classes [cat, dog, fox]");
  }

  @Test
  void aCommitLeavesTheCallersSessionSettingsAsTheyWere(SparkSession spark) {
    Path state = dir.resolve("store-session");
    String userMetadata = "spark.databricks.delta.commitInfo.userMetadata";
    String callers = "{\"by\":\"nightly-cron\"}";
    spark.conf().set(userMetadata, callers);
    try {
      assertThat(RelabelJob.run(spark, night(state, "2026-11-01")).applied()).isTrue();
      assertThat(spark.conf().get(userMetadata)).isEqualTo(callers);
    } finally {
      spark.conf().unset(userMetadata);
    }
    assertThat(spark.conf().getOption("spark.databricks.delta.write.txnAppId").isDefined())
        .isFalse();
    assertThat(spark.conf().getOption("spark.databricks.delta.write.txnVersion").isDefined())
        .isFalse();
    LabelStore store = new LabelStore(spark, state.toString());
    assertThat(store.nights())
        .extracting(Night::date, Night::version)
        .containsExactly(tuple("2026-11-01", 1L));
  }

  /**
   * The public-API fallback (softlabels.relabel.delta-commit = public): nights applied once and in
   * date order, re-runs and racing runs that change nothing, compaction; the one guarantee it
   * lacks, a conflict with a commit made while the night ran, is the writer lock's alone.
   */
  @Nested
  class OnThePublicCommitPath {

    private static final LabelStore.CommitPath PUBLIC = LabelStore.CommitPath.PUBLIC;

    @Test
    void nightsAreAppliedOnceInDateOrderAndTheStoreSwitchesPathsEitherWay(SparkSession spark) {
      Path state = dir.resolve("public-store");
      assertThat(RelabelJob.run(spark, night(state, "2026-11-01", PUBLIC)).applied()).isTrue();
      assertThat(RelabelJob.run(spark, night(state, "2026-11-02")).applied())
          .as("internal")
          .isTrue();
      assertThat(RelabelJob.run(spark, night(state, "2026-11-03", PUBLIC)).applied()).isTrue();

      LabelStore store = new LabelStore(spark, state.toString(), PUBLIC);
      Path all = aggregate(spark, nights, "public-all");
      assertThat(labels(store.read(store.version())))
          .isEqualTo(labels(spark.read().parquet(all.resolve("labels").toString())));
      assertThat(store.nights())
          .extracting(Night::date, Night::version)
          .containsExactly(
              tuple("2026-11-01", 1L), tuple("2026-11-02", 2L), tuple("2026-11-03", 3L));

      RelabelJob.Result again = RelabelJob.run(spark, night(state, "2026-11-03", PUBLIC));
      assertThat(again.applied()).isFalse();
      assertThat(again.night().version()).isEqualTo(3L);
      assertThat(RelabelJob.run(spark, night(state, "2026-11-03")).applied())
          .as("internal, after public")
          .isFalse();
      assertThat(RelabelJob.run(spark, night(state, "2026-11-02", PUBLIC)).night().version())
          .isEqualTo(2L);
      assertThat(store.version()).isEqualTo(3L);

      Path order = dir.resolve("public-order");
      RelabelJob.run(spark, night(order, "2026-11-02", PUBLIC));
      assertThatThrownBy(() -> RelabelJob.run(spark, night(order, "2026-11-01", PUBLIC)))
          .isInstanceOf(UserError.class)
          .hasMessageContaining("2026-11-02 is already applied, so 2026-11-01 can no longer be");
    }

    /**
     * Delta's idempotent write skips the second commit of the night; the loser is told so (exit 0).
     */
    @Test
    void theSameNightRacingItselfIsAppliedOnceAndTheLoserSaysSo(SparkSession spark) {
      Path state = dir.resolve("public-same-night");
      RelabelJob.run(spark, night(state, "2026-11-01", PUBLIC));
      RelabelJob.Result loser =
          RelabelJob.run(
              spark,
              night(state, "2026-11-02", PUBLIC),
              () ->
                  assertThat(
                          RelabelJob.applyUnlocked(
                                  spark, night(state, "2026-11-02", PUBLIC), () -> {})
                              .applied())
                      .isTrue());
      assertThat(loser.applied()).isFalse();
      assertThat(loser.version()).isEqualTo(2L);
      LabelStore store = new LabelStore(spark, state.toString(), PUBLIC);
      assertThat(store.version()).isEqualTo(2L);
      assertThat(store.nights())
          .extracting(Night::date)
          .containsExactly("2026-11-01", "2026-11-02");
      assertThat(store.rows(store.version()).count()).as("night 2's rows once").isEqualTo(6);
    }

    @Test
    void aNightOvertakenByALaterOneIsToldToFoldItsRowsIntoTheNext(SparkSession spark) {
      Path state = dir.resolve("public-overtaken");
      RelabelJob.run(spark, night(state, "2026-11-01", PUBLIC));
      assertThatThrownBy(
              () ->
                  RelabelJob.run(
                      spark,
                      night(state, "2026-11-02", PUBLIC),
                      () ->
                          RelabelJob.applyUnlocked(
                              spark, night(state, "2026-11-03", PUBLIC), () -> {})))
          .isInstanceOf(UserError.class)
          .hasMessage(
              "another run applied night 2026-11-03 to the label store "
                  + state
                  + " while night 2026-11-02"
                  + " ran, and nights are applied in date order: fold this night's rows into the next night's batch"
                  + " instead");
      assertThat(new LabelStore(spark, state.toString(), PUBLIC).version()).isEqualTo(2L);
    }

    /**
     * What the fallback cannot do: Delta's public append is blind, so a night whose store another
     * run (past the lock) changed while it ran is committed, not refused. The writer lock keeps
     * that run out.
     */
    @Test
    void aNightWhoseStoreChangedWhileItRanIsCommittedSoOnlyTheLockKeepsTheOtherRunOut(
        SparkSession spark) {
      Path state = dir.resolve("public-concurrent");
      RelabelJob.run(spark, night(state, "2026-11-01", PUBLIC));
      RelabelJob.Result night3 =
          RelabelJob.run(
              spark,
              night(state, "2026-11-03", PUBLIC),
              () -> RelabelJob.applyUnlocked(spark, night(state, "2026-11-02", PUBLIC), () -> {}));
      assertThat(night3.applied()).isTrue();
      assertThat(night3.version()).isEqualTo(3L);

      LabelStore store = new LabelStore(spark, state.toString(), PUBLIC);
      try (var held = store.lock()) {
        assertThatThrownBy(() -> RelabelJob.run(spark, night(state, "2026-11-04", PUBLIC)))
            .isInstanceOf(UserError.class)
            .hasMessageContaining("is writing the label store " + state);
        assertThatThrownBy(store::compact)
            .isInstanceOf(UserError.class)
            .hasMessageContaining("is writing the label store " + state);
      }
    }

    @Test
    void compactionKeepsTheLabelsAndTheLastNight(SparkSession spark) {
      Path state = dir.resolve("public-compact");
      for (String date : List.of("2026-11-01", "2026-11-02", "2026-11-03")) {
        RelabelJob.run(spark, night(state, date, PUBLIC));
      }
      LabelStore store = new LabelStore(spark, state.toString(), PUBLIC);
      List<Row> labels = labels(store.read(store.version()));

      assertThat(store.compact()).isEqualTo(new LabelStore.Compaction(3, 9, 5));

      assertThat(store.version()).isEqualTo(4);
      assertThat(store.rows(store.version()).count()).isEqualTo(5);
      assertThat(labels(store.read(store.version()))).isEqualTo(labels);
      assertThat(store.classes().names()).isEqualTo(CLASSES);
      RelabelJob.Result again = RelabelJob.run(spark, night(state, "2026-11-03", PUBLIC));
      assertThat(again.applied())
          .as("the last night is still known after the compaction")
          .isFalse();
      assertThat(again.night().version()).isEqualTo(3L);
    }
  }
}
