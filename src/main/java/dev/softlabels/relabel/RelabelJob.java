package dev.softlabels.relabel;

import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.votes.VoteValidation.REASON;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.config.Json;
import dev.softlabels.config.ShellQuote;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.Agreement;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.quality.QualityReports;
import dev.softlabels.spark.CrashPoints;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.OutputFiles;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.spark.WriterLock;
import dev.softlabels.votes.ClassInference;
import dev.softlabels.votes.RejectionHints;
import dev.softlabels.votes.VotePass;
import dev.softlabels.votes.VoteTally;
import dev.softlabels.votes.VoteValidation;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds one night's annotation rows into the label store. Vote counts are additive, so only the
 * images the night touches are looked up and recomputed: the batch is validated as in aggregate
 * (plus duplicates of votes from earlier nights), its counts are added to those images' latest
 * counts, and one Delta append writes their new rows together with the ledger entry. The
 * needs-annotations ranking is carried from night to night ({@link NeedsRanking}). Before the
 * commit the night's quarantine and change report are written into hidden pending folders, moved
 * into place after it ({@link LabelStore#settleReports}), so a run that dies anywhere leaves the
 * previous version complete with no report of a night it did not apply, and the next run redoes the
 * night.
 */
public final class RelabelJob {

  private static final int LISTED_UNKNOWN_LABELS = 10;

  public static final String IMAGES = "images";
  public static final String NEEDS_ANNOTATIONS = "needs-annotations";

  /** The kept ranking the next night starts from (deeper than needs-annotations). */
  public static final String RANKING = "ranking.json";

  public static final String SUMMARY = "summary.json";
  public static final String CHANGE = TouchedImages.CHANGE;
  public static final String SHIFT_KL = TouchedImages.SHIFT_KL;
  private static final String PREVIOUS = TouchedImages.PREVIOUS;
  private static final Logger LOG = LoggerFactory.getLogger(RelabelJob.class);

  private RelabelJob() {}

  /**
   * @param applied false when the night had been applied before (nothing was written)
   * @param version the store's version after the run
   */
  public record Result(boolean applied, Night night, long version, String changes) {}

  /**
   * Applies the night under the store's writer lock: a second night, or a compaction, started
   * meanwhile is refused at its start instead of racing this one to the commit.
   */
  public static Result run(SparkSession spark, RelabelSettings settings) {
    return run(spark, settings, () -> {});
  }

  /**
   * @param beforeCommit runs after the night's reports are written, just before the commit
   */
  static Result run(SparkSession spark, RelabelSettings settings, Runnable beforeCommit) {
    LabelStore store = new LabelStore(spark, settings.state(), settings.commits());
    store.refuseOverlap(settings.batch(), "the batch");
    try (WriterLock lock = store.lock()) {
      return applyUnlocked(spark, settings, beforeCommit);
    }
  }

  /** The night without the lock: what a writer that ignores it (an older version) does. */
  static Result applyUnlocked(SparkSession spark, RelabelSettings settings, Runnable beforeCommit) {
    LabelStore store = new LabelStore(spark, settings.state(), settings.commits());
    PhaseLog phases = new PhaseLog(LOG, "relabel", System.nanoTime());
    LocalDate date = settings.date();
    Optional<ClassList> given = settings.source().givenClasses();
    LabelStore.State state =
        store.open(() -> given.orElseGet(() -> inferClasses(spark, settings, phases)));
    given.ifPresent(classes -> state.requireClasses(classes, settings.state()));
    ClassList classes = state.classes();
    Optional<Night> done = appliedBefore(store, state, date);
    // A run stopped between its commit and moving its reports leaves them pending: the last night's
    // are settled here even when the next night comes first (its ranking is where this night
    // starts).
    state
        .lastNight()
        .filter(last -> !last.equals(date))
        .ifPresent(last -> store.settleReports(last, true));
    store.settleReports(date, done.isPresent());
    if (done.isPresent()) {
      LOG.info(
          "relabel: night {} was already applied (version {}, committed {}); nothing to do",
          date,
          done.get().version(),
          done.get().committedAt());
      return new Result(false, done.get(), state.version(), store.changesPath(date));
    }
    HadoopPaths.of(spark).requireExists(settings.batch(), "batch");

    long version = state.version();
    phases.done(
        "night %s: reading %s; label store %s at version %d",
        date, settings.batch(), settings.state(), version);
    Dataset<Row> checked =
        VoteValidation.checkRows(
            AnnotationReader.read(spark, settings.source(), settings.batch()),
            classes,
            settings.source().labelEncoding());
    try (VotePass pass =
        VotePass.onto(
            checked,
            HadoopPaths.of(spark).bytes(settings.batch()),
            state.empty() ? null : earlierRows(store.rows(version), checked),
            classes)) {
      // Cached as Spark caches tables (columns, not Java objects): the figures' job walks and fills
      // it, the writes read it.
      Dataset<Row> nightTable =
          TouchedImages.night(spark, pass, classes, date.toString())
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        PreviousRanking previous = previousRanking(store, state);
        int listed = settings.needsAnnotations();
        NightFigures figures =
            NightFigures.of(
                nightTable,
                previous.ids(),
                settings.summaryExamples(),
                listed * NeedsRanking.DEPTH_PER_LISTED,
                classes,
                settings.reportSettings().items());
        VoteTally.Counts counts = figures.counts();
        phases.done(
            "%,d rows checked against the images they touch: %,d used, %,d quarantined, %,d images "
                + "touched",
            counts.read(), counts.used(), counts.quarantined(), figures.images());
        if (given.isEmpty()) {
          refuseLabelsOutsideTheStore(nightTable, counts, classes, date, settings.state());
        }
        settings
            .rejectionLimit()
            .check(
                "night " + date + ": ",
                counts,
                figures.images(),
                "the label store stays at version " + version,
                () ->
                    RejectionHints.of(
                        spark,
                        settings.source(),
                        settings.batch(),
                        counts,
                        RejectionHints.unknownLabels(TouchedImages.rejected(nightTable), counts)));
        List<Night> earlierNights = state.empty() ? List.of() : store.nights();
        Agreement agreement =
            storeAgreement(store, version, earlierNights, classes).merge(figures.agreementChange());
        Night night =
            new Night(
                date.toString(),
                settings.batch(),
                counts.read(),
                counts.used(),
                counts.quarantined(),
                figures.images(),
                figures.newImages(),
                figures.flipped(),
                agreement.figures(classes.names()),
                null,
                null);
        Dataset<Row> touched =
            TouchedImages.touched(nightTable)
                .coalesce(OutputFiles.forRows(spark, figures.images()));
        // The night's reports are written beside their final place and moved there only after the
        // commit, so a night that never committed leaves no report behind.
        if (counts.quarantined() > 0) {
          TouchedImages.rejected(nightTable)
              .coalesce(OutputFiles.forRows(spark, counts.quarantined()))
              .write()
              .parquet(LabelStore.pending(store.quarantinePath(date)));
        }
        String changes = LabelStore.pending(store.changesPath(date));
        writeChangeReport(touched, changes);
        phases.done("quarantine and change report written");

        NeedsRanking ranking =
            NeedsRanking.after(
                previous.rows(),
                previous.kept(),
                figures.ranking(),
                () -> NeedsRanking.everyImage(store.read(version), touched),
                listed);
        List<Row> needs = ranking.top(listed);
        NeedsRanking.frame(spark, needs)
            .write()
            .parquet(HadoopPaths.child(changes, NEEDS_ANNOTATIONS));
        HadoopPaths.of(spark).writeText(HadoopPaths.child(changes, RANKING), ranking.saved());
        Map<String, Object> summary =
            summary(
                figures,
                needs,
                night,
                classes,
                counts,
                version,
                ranking.kept(),
                settings.summaryExamples());
        HadoopPaths.of(spark).writeText(HadoopPaths.child(changes, SUMMARY), Json.write(summary));
        if (settings.report()) {
          QualityReports.write(
              HadoopPaths.of(spark),
              changes,
              NightReport.of(night, earlierNights, figures, needs, classes, settings),
              settings.reportSettings().images());
        }
        phases.done(
            "needs-annotations ranking (%s), summary%s written",
            ranking.kept().rebuilt() ? "rebuilt from the store" : "carried from the previous night",
            settings.report() ? " and label-quality report" : "");

        beforeCommit.run();
        CrashPoints.reached("night:reports-written");
        Optional<Long> committed = store.commit(inStoreColumns(touched), night);
        if (committed.isEmpty()) {
          Night byTheOther = store.night(date).orElseThrow();
          LOG.info(
              "relabel: night {} was applied by another run meanwhile (version {}); nothing to do",
              date,
              byTheOther.version());
          return new Result(false, byTheOther, byTheOther.version(), store.changesPath(date));
        }
        long after = committed.get();
        CrashPoints.reached("night:committed");
        store.settleReports(date, true);
        phases.done(
            "night %s committed as version %d: %,d rows (%,d used, %,d quarantined), %,d images touched "
                + "(%,d new, %,d flipped); report %s",
            date,
            after,
            counts.read(),
            counts.used(),
            counts.quarantined(),
            night.imagesTouched(),
            night.newImages(),
            night.flippedImages(),
            store.changesPath(date));
        return new Result(true, night.committed(after, null), after, store.changesPath(date));
      } finally {
        nightTable.unpersist(false);
      }
    }
  }

  /**
   * The store's agreement statistics before the night: those the last night's ledger entry kept,
   * none for a new store, or, for a store whose nights were written before entries kept them,
   * summed over its labels once.
   */
  static Agreement storeAgreement(
      LabelStore store, long version, List<Night> nights, ClassList classes) {
    if (nights.isEmpty()) {
      return Agreement.empty(classes.size());
    }
    Night last = nights.get(nights.size() - 1);
    if (last.agreement() != null && last.agreement().state() != null) {
      return Agreement.of(last.agreement().state());
    }
    LOG.info(
        "relabel: the ledger keeps no agreement statistics yet; summing them over the store's labels"
            + " once");
    int k = classes.size();
    return store
        .read(version)
        .select(col(LabelColumns.COUNTS))
        .javaRDD()
        .aggregate(
            Agreement.empty(k),
            (sum, row) ->
                sum.add(row.<Integer>getList(0).stream().mapToInt(Integer::intValue).toArray()),
            Agreement::merge);
  }

  /**
   * The night of {@code date} if it was applied. The snapshot names the last night committed; only
   * a date before it needs the commit history, to tell an applied night from one that comes too
   * late.
   */
  private static Optional<Night> appliedBefore(
      LabelStore store, LabelStore.State state, LocalDate date) {
    if (state.lastNight().isEmpty() || state.lastNight().get().isBefore(date)) {
      return Optional.empty();
    }
    List<Night> applied = store.nights();
    Optional<Night> night = applied.stream().filter(n -> n.day().equals(date)).findFirst();
    if (night.isEmpty()) {
      requireDateOrder(applied, date);
    }
    return night;
  }

  /**
   * Time travel by night, first_seen and last_changed all assume the nights were applied in date
   * order, so an earlier night than one applied is refused.
   */
  private static void requireDateOrder(List<Night> applied, LocalDate date) {
    applied.stream()
        .map(Night::day)
        .filter(day -> day.isAfter(date))
        .max(Comparator.naturalOrder())
        .ifPresent(
            later -> {
              throw new UserError(
                  "nights are applied in date order and "
                      + later
                      + " is already applied, so "
                      + date
                      + " can no longer be: fold its rows into the next night's batch instead");
            });
  }

  /**
   * The store's rows (every night's, superseded ones too: the vote pass takes each image's latest)
   * of the images the night votes on, with the columns the pass needs: a broadcast semi-join, so
   * the store is read once, those columns only, and only its rows of the night's images are
   * shuffled. The night's image ids are broadcast as read (a semi-join's build side may repeat
   * keys): no shuffle to make them distinct first.
   */
  private static Dataset<Row> earlierRows(Dataset<Row> storeRows, Dataset<Row> checked) {
    return storeRows
        .select(
            col(IMAGE),
            col(LabelColumns.COUNTS).as(VotePass.EARLIER_COUNTS),
            col(LabelStore.ANNOTATORS).as(VotePass.EARLIER_ANNOTATORS),
            col(LabelStore.FIRST_SEEN).as(VotePass.EARLIER_FIRST_SEEN),
            col(LabelStore.LAST_CHANGED).as(VotePass.EARLIER_LAST_CHANGED))
        .join(
            broadcast(checked.filter(col(REASON).isNull()).select(col(IMAGE))), IMAGE, "left_semi");
  }

  private static void writeChangeReport(Dataset<Row> touched, String changes) {
    touched
        .select(
            col(IMAGE),
            col(CHANGE),
            col(PREVIOUS + LabelColumns.HARD_LABEL_NAME),
            col(LabelColumns.HARD_LABEL_NAME),
            col(PREVIOUS + LabelColumns.N_ANNOTATIONS),
            col(LabelColumns.N_ANNOTATIONS),
            col(PREVIOUS + LabelColumns.SOFT_LABEL),
            col(LabelColumns.SOFT_LABEL),
            col(SHIFT_KL),
            col(LabelStore.FLIP_PROBABILITY))
        .write()
        .mode("overwrite")
        .parquet(HadoopPaths.child(changes, IMAGES));
  }

  private static Dataset<Row> inStoreColumns(Dataset<Row> touched) {
    return touched.select(
        Arrays.stream(LabelStore.schema().fieldNames()).map(functions::col).toArray(Column[]::new));
  }

  /**
   * The last night's kept ranking, its description and image ids; all empty when there is none to
   * start from.
   */
  private record PreviousRanking(List<Row> rows, NeedsRanking.Kept kept, Set<String> ids) {}

  /**
   * The last night's kept ranking, when its report is there (none: the first night, a store written
   * before rankings were kept, a report removed; the ranking is then rebuilt from the store).
   */
  private static PreviousRanking previousRanking(LabelStore store, LabelStore.State state) {
    if (state.lastNight().isPresent()) {
      HadoopPaths paths = HadoopPaths.of(store.spark());
      String ranking = HadoopPaths.child(store.changesPath(state.lastNight().get()), RANKING);
      if (paths.exists(ranking)) {
        NeedsRanking.Saved saved = NeedsRanking.Saved.read(paths.readText(ranking));
        List<Row> rows = saved.rows();
        return new PreviousRanking(
            rows,
            saved.kept(),
            rows.stream().map(row -> row.getString(0)).collect(Collectors.toSet()));
      }
    }
    return new PreviousRanking(null, null, Set.of());
  }

  private static Map<String, Object> summary(
      NightFigures figures,
      List<Row> needs,
      Night night,
      ClassList classes,
      VoteTally.Counts counts,
      long previousVersion,
      NeedsRanking.Kept ranking,
      int examples) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("night", night);
    // The order of the change report's soft_label and previous_soft_label entries.
    summary.put("classes", classes.names());
    summary.put("previous_version", previousVersion);
    summary.put("ranking", ranking);
    summary.put("quarantined_by_reason", counts.byReason());
    summary.put("agreement", night.agreement());
    summary.put("flips", figures.flips());
    summary.put("largest_shifts", figures.shifts());
    summary.put(
        "most_in_need",
        needs.subList(0, Math.min(examples, needs.size())).stream()
            .map(RelabelJob::asMap)
            .toList());
    return summary;
  }

  /** A ranking entry ({@link NeedsRanking#SCHEMA}) by field name. */
  static Map<String, Object> asMap(Row entry) {
    Map<String, Object> map = new LinkedHashMap<>();
    String[] fields = NeedsRanking.SCHEMA.fieldNames();
    for (int f = 0; f < fields.length; f++) {
      map.put(fields[f], entry.get(f));
    }
    return map;
  }

  /** A new store's classes, when none are given: inferred from its first night. */
  private static ClassList inferClasses(
      SparkSession spark, RelabelSettings settings, PhaseLog phases) {
    HadoopPaths.of(spark).requireExists(settings.batch(), "batch");
    ClassInference.Inferred inferred =
        ClassInference.infer(
            spark,
            settings.source(),
            AnnotationReader.read(spark, settings.source(), settings.batch()),
            settings.batch());
    phases.done("%s", inferred.line());
    return inferred.classes();
  }

  /**
   * With no class list given, the store's own applies, and a night naming a class outside it stops
   * before its commit: quarantining those votes as unknown would drop a class nobody chose to drop.
   */
  private static void refuseLabelsOutsideTheStore(
      Dataset<Row> nightTable,
      VoteTally.Counts counts,
      ClassList classes,
      LocalDate date,
      String store) {
    long unknown = counts.byReason().getOrDefault(QuarantineReason.UNKNOWN_CLASS.code(), 0L);
    if (unknown == 0) {
      return;
    }
    List<String> labels =
        TouchedImages.rejected(nightTable)
            .filter(col(REASON).equalTo(QuarantineReason.UNKNOWN_CLASS.code()))
            .select(LabelColumns.LABEL)
            .distinct()
            .orderBy(LabelColumns.LABEL)
            .limit(LISTED_UNKNOWN_LABELS)
            .as(Encoders.STRING())
            .collectAsList();
    boolean more = labels.size() == LISTED_UNKNOWN_LABELS;
    List<String> extended = new ArrayList<>(classes.names());
    extended.addAll(labels);
    throw new UserError(
        String.format(
            Locale.ROOT,
            "night %s has %,d votes for labels outside the label store's "
                + "classes %s: %s%s; the store keeps the class list it was created with. To extend the list, build a new "
                + "store with it (relabel --state NEW_DIR --classes %s%s and every night again, in date order); to "
                + "quarantine these votes as unknown_class instead, pass --classes %s",
            date,
            unknown,
            classes.names(),
            labels,
            more ? " and more" : "",
            ShellQuote.word(String.join(",", extended)),
            more ? " plus the labels not listed here" : "",
            ShellQuote.word(String.join(",", classes.names()))));
  }
}
