package dev.softlabels.relabel;

import static dev.softlabels.annotations.VoteValidation.REASON;
import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.annotations.VoteTally;
import dev.softlabels.annotations.VoteValidation;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PersistedDatasets;
import dev.softlabels.spark.PhaseLog;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds one night's annotation rows into the label store. Vote counts are additive, so only the
 * images the night touches are looked up and recomputed: the batch is validated as in aggregate (plus
 * duplicates of votes from earlier nights), its counts are added to those images' latest counts, and one
 * Delta append writes their new rows together with the ledger entry. The needs-annotations ranking is
 * carried from night to night ({@link NeedsRanking}). Before the commit the night's quarantine and change
 * report are written into hidden pending folders, moved into place after it
 * ({@link LabelStore#settleReports}), so a run that dies anywhere leaves the previous version complete
 * with no report of a night it did not apply, and the next run redoes the night.
 */
public final class RelabelJob {

  public static final String IMAGES = "images";
  public static final String NEEDS_ANNOTATIONS = "needs-annotations";
  /** The kept ranking the next night starts from (deeper than needs-annotations). */
  public static final String RANKING = "ranking";
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

  public static Result run(SparkSession spark, RelabelSettings settings) {
    return run(spark, settings, () -> {});
  }

  /** @param beforeCommit runs after the night's reports are written, just before the commit */
  static Result run(SparkSession spark, RelabelSettings settings, Runnable beforeCommit) {
    PhaseLog phases = new PhaseLog(LOG, "relabel", System.nanoTime());
    LocalDate date = settings.date();
    ClassList classes = settings.source().classes();
    LabelStore store = new LabelStore(spark, settings.state());
    store.createIfMissing(classes);
    LabelStore.State state = store.state();
    state.requireClasses(classes, settings.state());
    Optional<Night> done = appliedBefore(store, state, date);
    // A run stopped between its commit and moving its reports leaves them pending: the last night's are
    // settled here even when the next night comes first (its ranking is where this night starts).
    state.lastNight().filter(last -> !last.equals(date)).ifPresent(last -> store.settleReports(last, true));
    store.settleReports(date, done.isPresent());
    if (done.isPresent()) {
      LOG.info("relabel: night {} was already applied (version {}, committed {}); nothing to do", date,
          done.get().version(), done.get().committedAt());
      return new Result(false, done.get(), state.version(), store.changesPath(date));
    }
    HadoopPaths.of(spark).requireExists(settings.batch(), "batch");

    long version = state.version();
    phases.done("night %s: reading %s; label store %s at version %d", date, settings.batch(), settings.state(),
        version);
    try (PersistedDatasets persisted = new PersistedDatasets()) {
      Dataset<Row> checked = persisted.persist(VoteValidation.classify(
          AnnotationReader.read(spark, settings.source(), settings.batch()), classes,
          settings.source().labelEncoding()));
      Dataset<Row> previous = persisted.persist(previousRows(store.rows(version), checked));
      Dataset<Row> classified = persisted.persist(withCrossNightDuplicates(checked, previous));
      VoteTally.Counts counts = VoteTally.Counts.of(classified);
      // The night's reports are written beside their final place and moved there only after the
      // commit, so a night that never committed leaves no report behind.
      writeQuarantine(classified, counts, store, date);
      phases.done("%,d rows validated against the images they touch, %,d quarantined", counts.read(),
          counts.quarantined());

      Dataset<Row> touched = persisted.persist(TouchedImages.of(classified, previous, classes, date.toString()));
      String changes = LabelStore.pending(store.changesPath(date));
      writeChangeReport(touched, changes);
      Night night = night(settings, counts, touched);
      phases.done("%,d touched images' new rows and change report written", night.imagesTouched());
      settings.rejectionLimit().check("night " + date + ": ", counts, night.imagesTouched(),
          "the label store stays at version " + version);

      NeedsRanking ranking = ranking(store, state, touched, settings.needsAnnotations());
      List<Row> needs = ranking.top(settings.needsAnnotations());
      NeedsRanking.frame(spark, needs).write().parquet(HadoopPaths.child(changes, NEEDS_ANNOTATIONS));
      NeedsRanking.frame(spark, ranking.rows()).write().parquet(HadoopPaths.child(changes, RANKING));
      phases.done("needs-annotations ranking written (%s)", ranking.kept().rebuilt() ? "rebuilt from the store"
          : "carried from the previous night");
      HadoopPaths.of(spark).writeText(HadoopPaths.child(changes, SUMMARY), Json.write(
          summary(touched, needs, night, counts, version, ranking.kept(), settings.summaryExamples())));

      beforeCommit.run();
      long after = store.commit(inStoreColumns(touched), night);
      if (after == version) {
        LOG.warn("relabel: Delta skipped the commit: another run applied night {} meanwhile", date);
        return new Result(false, night, after, store.changesPath(date));
      }
      store.settleReports(date, true);
      phases.done("night %s committed as version %d: %,d rows (%,d used, %,d quarantined), %,d images touched "
              + "(%,d new, %,d flipped); report %s", date, after, counts.read(), counts.used(), counts.quarantined(),
          night.imagesTouched(), night.newImages(), night.flippedImages(), store.changesPath(date));
      return new Result(true, night.committed(after, null), after, store.changesPath(date));
    }
  }

  /**
   * The night of {@code date} if it was applied. The snapshot names the last night committed; only a
   * date before it needs the commit history, to tell an applied night from one that comes too late.
   */
  private static Optional<Night> appliedBefore(LabelStore store, LabelStore.State state, LocalDate date) {
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
    applied.stream().map(Night::day).filter(day -> day.isAfter(date)).max(Comparator.naturalOrder())
        .ifPresent(later -> {
          throw new UserError("nights are applied in date order and " + later + " is already applied, so " + date
              + " can no longer be: fold its rows into the next night's batch instead");
        });
  }

  /**
   * The latest counts, annotators and first night of the images this night votes on: a broadcast join
   * that reads only those columns of the store's rows.
   */
  private static Dataset<Row> previousRows(Dataset<Row> storeRows, Dataset<Row> checked) {
    Dataset<Row> latest = LabelStore.latest(storeRows
        .select(col(IMAGE), col(LabelColumns.COUNTS), col(LabelStore.ANNOTATORS), col(LabelStore.FIRST_SEEN),
            col(LabelStore.LAST_CHANGED))
        .join(broadcast(checked.filter(col(REASON).isNull()).select(col(IMAGE)).distinct()), IMAGE));
    return latest.select(col(IMAGE), col(LabelColumns.COUNTS).as(TouchedImages.PREVIOUS_COUNTS),
        col(LabelStore.ANNOTATORS).as(TouchedImages.PREVIOUS_ANNOTATORS),
        col(LabelStore.FIRST_SEEN).as(TouchedImages.PREVIOUS_FIRST_SEEN));
  }

  /** The night's rows with votes already counted on an earlier night quarantined as duplicates. */
  private static Dataset<Row> withCrossNightDuplicates(Dataset<Row> checked, Dataset<Row> previous) {
    Column seenBefore = array_contains(col(TouchedImages.PREVIOUS_ANNOTATORS), col(ANNOTATOR));
    return checked
        .join(previous.select(col(IMAGE), col(TouchedImages.PREVIOUS_ANNOTATORS)), checked.col(IMAGE)
            .equalTo(previous.col(IMAGE)), "left")
        .drop(previous.col(IMAGE))
        .withColumn(REASON, when(col(REASON).isNull().and(coalesce(seenBefore, lit(false))),
            lit(QuarantineReason.DUPLICATE_VOTE.code())).otherwise(col(REASON)));
  }

  private static void writeQuarantine(Dataset<Row> classified, VoteTally.Counts counts, LabelStore store,
      LocalDate date) {
    if (counts.quarantined() > 0) {
      VoteTally.rejected(classified).write().parquet(LabelStore.pending(store.quarantinePath(date)));
    }
  }

  private static void writeChangeReport(Dataset<Row> touched, String changes) {
    touched.select(col(IMAGE), col(CHANGE), col(PREVIOUS + LabelColumns.HARD_LABEL_NAME),
            col(LabelColumns.HARD_LABEL_NAME), col(PREVIOUS + LabelColumns.N_ANNOTATIONS),
            col(LabelColumns.N_ANNOTATIONS), col(PREVIOUS + LabelColumns.SOFT_LABEL), col(LabelColumns.SOFT_LABEL),
            col(SHIFT_KL), col(LabelStore.FLIP_PROBABILITY))
        .write().mode("overwrite").parquet(HadoopPaths.child(changes, IMAGES));
  }

  /** The night's ledger entry, before its commit gives it a version. */
  private static Night night(RelabelSettings settings, VoteTally.Counts counts, Dataset<Row> touched) {
    Row totals = touched.agg(count(lit(1)), sum(when(is(ImageChange.NEW), 1).otherwise(0)),
        sum(when(is(ImageChange.FLIPPED), 1).otherwise(0))).first();
    long images = totals.getLong(0);
    // sum() over no rows is null, not 0.
    return new Night(settings.date().toString(), settings.batch(), counts.read(), counts.used(),
        counts.quarantined(), images, images == 0 ? 0 : totals.getLong(1), images == 0 ? 0 : totals.getLong(2), null,
        null);
  }

  private static Dataset<Row> inStoreColumns(Dataset<Row> touched) {
    return touched.select(Arrays.stream(LabelStore.schema().fieldNames()).map(functions::col).toArray(Column[]::new));
  }

  private static Column is(ImageChange change) {
    return col(CHANGE).equalTo(change.code());
  }

  /**
   * The ranking after this night, carried from the last night's kept ranking when its report is there
   * (rebuilt from the store otherwise: the first night, a store written before rankings were kept, a
   * report removed).
   */
  private static NeedsRanking ranking(LabelStore store, LabelStore.State state, Dataset<Row> touched, int listed) {
    SparkSession spark = touched.sparkSession();
    HadoopPaths paths = HadoopPaths.of(spark);
    Dataset<Row> previous = null;
    NeedsRanking.Kept kept = null;
    if (state.lastNight().isPresent()) {
      String changes = store.changesPath(state.lastNight().get());
      String summary = HadoopPaths.child(changes, SUMMARY);
      String ranking = HadoopPaths.child(changes, RANKING);
      if (paths.exists(summary) && paths.exists(ranking)) {
        kept = Json.read(paths.readText(summary), RankingOfSummary.class).ranking();
        previous = kept == null ? null : spark.read().parquet(ranking);
      }
    }
    return NeedsRanking.after(previous, kept, touched, () -> store.read(state.version()), listed);
  }

  /** The kept ranking's entry of a night's summary.json. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RankingOfSummary(@JsonProperty("ranking") NeedsRanking.Kept ranking) {}

  private static Map<String, Object> summary(Dataset<Row> images, List<Row> needs, Night night,
      VoteTally.Counts counts, long previousVersion, NeedsRanking.Kept ranking, int examples) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("night", night);
    summary.put("previous_version", previousVersion);
    summary.put("ranking", ranking);
    summary.put("quarantined_by_reason", counts.byReason());
    summary.put("flips", rows(images.filter(is(ImageChange.FLIPPED)).orderBy(col(SHIFT_KL).desc(), col(IMAGE))
        .select(col(IMAGE), col(PREVIOUS + LabelColumns.HARD_LABEL_NAME).as("from"),
            col(LabelColumns.HARD_LABEL_NAME).as("to"), col(SHIFT_KL)), examples));
    summary.put("largest_shifts", rows(images.filter(col(SHIFT_KL).isNotNull()).orderBy(col(SHIFT_KL).desc(),
        col(IMAGE)).select(col(IMAGE), col(SHIFT_KL), col(PREVIOUS + LabelColumns.N_ANNOTATIONS).as("from_n"),
        col(LabelColumns.N_ANNOTATIONS).as("to_n")), examples));
    summary.put("most_in_need", needs.subList(0, Math.min(examples, needs.size())).stream().map(RelabelJob::asMap)
        .toList());
    return summary;
  }

  /** At most {@code limit} rows as maps (a bounded sample for summary.json). */
  private static List<Map<String, Object>> rows(Dataset<Row> rows, int limit) {
    return rows.limit(limit).collectAsList().stream().map(RelabelJob::asMap).toList();
  }

  private static Map<String, Object> asMap(Row row) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (String field : row.schema().fieldNames()) {
      map.put(field, row.get(row.fieldIndex(field)));
    }
    return map;
  }
}
