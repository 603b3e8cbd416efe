package dev.softlabels.relabel;

import static dev.softlabels.annotations.VoteValidation.REASON;
import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.zip_with;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.annotations.VoteTally;
import dev.softlabels.annotations.VoteValidation;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.SoftLabelMetrics;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PersistedDatasets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * images the night touches are read and recomputed: the batch is validated as in aggregate (plus
 * duplicates of votes from earlier nights), its counts are added to those images' counts, and one
 * Delta MERGE writes their new rows together with the ledger entry. Before that commit the night's
 * quarantine and change report are written into hidden pending folders, moved into place after it
 * ({@link LabelStore#settleReports}), so a run that dies anywhere leaves the previous version complete
 * with no report of a night it did not apply, and the next run redoes the night.
 */
public final class RelabelJob {

  public static final String IMAGES = "images";
  public static final String NEEDS_ANNOTATIONS = "needs-annotations";
  public static final String SUMMARY = "summary.json";
  public static final String CHANGE = "change";
  public static final String SHIFT_KL = "shift_kl";
  static final String PREVIOUS = "previous_";
  private static final String BATCH_COUNTS = "batch_counts";
  private static final String BATCH_ANNOTATORS = "batch_annotators";
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
    Stopwatch stopwatch = new Stopwatch(System.nanoTime());
    LocalDate date = settings.date();
    ClassList classes = settings.source().classes();
    LabelStore store = new LabelStore(spark, settings.state());
    store.createIfMissing(classes);
    store.requireClasses(classes);
    LabelStore.Ledger ledger = store.ledger();
    Optional<Night> done = ledger.nights().stream().filter(n -> n.day().equals(date)).findFirst();
    store.settleReports(date, done.isPresent());
    if (done.isPresent()) {
      LOG.info("relabel: night {} was already applied (version {}, committed {}); nothing to do", date,
          done.get().version(), done.get().committedAt());
      return new Result(false, done.get(), ledger.version(), store.changesPath(date));
    }
    requireDateOrder(ledger.nights(), date);
    HadoopPaths.of(spark).requireExists(settings.batch(), "batch");

    long version = ledger.version();
    Dataset<Row> current = store.read(version);
    stopwatch.log("relabel: night %s: reading %s; label store %s at version %d", date, settings.batch(),
        settings.state(), version);
    try (PersistedDatasets persisted = new PersistedDatasets()) {
      Dataset<Row> checked = persisted.persist(VoteValidation.classify(
          AnnotationReader.read(spark, settings.source(), settings.batch()), classes,
          settings.source().labelEncoding()));
      Dataset<Row> previous = persisted.persist(previousRows(current, checked));
      Dataset<Row> classified = persisted.persist(withCrossNightDuplicates(checked, previous));
      VoteTally.Counts counts = VoteTally.Counts.of(classified);
      // The night's reports are written beside their final place and moved there only after the
      // commit, so a night that never committed leaves no report behind.
      writeQuarantine(classified, counts, store, date);
      stopwatch.log("relabel: %,d rows validated, %,d quarantined", counts.read(), counts.quarantined());

      Dataset<Row> touched = persisted.persist(touched(classified, previous, classes, date));
      String changes = LabelStore.pending(store.changesPath(date));
      writeChangeReport(touched, changes);
      stopwatch.log("relabel: change report written");
      Dataset<Row> needs = persisted.persist(needsAnnotations(current, touched, settings.needsAnnotations()));
      needs.write().mode("overwrite").parquet(HadoopPaths.child(changes, NEEDS_ANNOTATIONS));
      stopwatch.log("relabel: needs-annotations ranking written");

      Night night = night(settings, counts, touched);
      settings.rejectionLimit().check("night " + date + ": ", counts, night.imagesTouched(),
          "the label store stays at version " + version);
      HadoopPaths.of(spark).writeText(HadoopPaths.child(changes, SUMMARY),
          Json.write(summary(touched, needs, night, counts, version, settings.summaryExamples())));

      beforeCommit.run();
      stopwatch.log("relabel: summary written; committing");
      long after = store.commit(inStoreColumns(touched), night);
      if (after == version) {
        LOG.warn("relabel: Delta skipped the commit: another run applied night {} meanwhile", date);
        return new Result(false, night, after, store.changesPath(date));
      }
      store.settleReports(date, true);
      LOG.info(String.format(Locale.ROOT, "relabel: night %s -> version %d in %.1f s: %,d rows (%,d used, %,d "
              + "quarantined), %,d images touched (%,d new, %,d flipped); report %s", date, after,
          stopwatch.seconds(), counts.read(), counts.used(), counts.quarantined(), night.imagesTouched(),
          night.newImages(), night.flippedImages(), store.changesPath(date)));
      return new Result(true, night.committed(after, null), after, store.changesPath(date));
    }
  }

  /** Seconds since the run started, logged after each step (the run's progress on a slow store). */
  private record Stopwatch(long started) {
    double seconds() {
      return (System.nanoTime() - started) / 1e9;
    }

    void log(String step, Object... arguments) {
      LOG.info(String.format(Locale.ROOT, step, arguments) + String.format(Locale.ROOT, " (%.1f s)", seconds()));
    }
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

  /** The store's rows of the images this night votes on: a broadcast join reads nothing else. */
  private static Dataset<Row> previousRows(Dataset<Row> current, Dataset<Row> checked) {
    return current
        .join(broadcast(checked.filter(col(REASON).isNull()).select(col(IMAGE)).distinct()), IMAGE)
        .select(Arrays.stream(LabelStore.schema().fieldNames())
            .map(name -> name.equals(IMAGE) ? col(IMAGE) : col(name).as(PREVIOUS + name)).toArray(Column[]::new));
  }

  /** The night's rows with votes already counted on an earlier night quarantined as duplicates. */
  private static Dataset<Row> withCrossNightDuplicates(Dataset<Row> checked, Dataset<Row> previous) {
    Column seenBefore = array_contains(col(PREVIOUS + LabelStore.ANNOTATORS), col(ANNOTATOR));
    return checked
        .join(previous.select(col(IMAGE), col(PREVIOUS + LabelStore.ANNOTATORS)), checked.col(IMAGE)
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
   * The night's new rows for the images it touched, in the store's columns, with the previous values
   * beside them and what changed.
   */
  private static Dataset<Row> touched(Dataset<Row> classified, Dataset<Row> previous, ClassList classes,
      LocalDate date) {
    Dataset<Row> batch = classified.filter(col(REASON).isNull()).groupBy(col(IMAGE))
        .agg(LabelColumns.counts(classes).as(BATCH_COUNTS), collect_list(col(ANNOTATOR)).as(BATCH_ANNOTATORS));
    Column previousCounts = col(PREVIOUS + LabelColumns.COUNTS);
    Column isNew = previousCounts.isNull();
    Dataset<Row> merged = batch.join(previous, IMAGE, "left")
        .withColumn(LabelColumns.COUNTS, when(isNew, col(BATCH_COUNTS))
            .otherwise(zip_with(previousCounts, col(BATCH_COUNTS), Column::plus)))
        .withColumn(LabelStore.ANNOTATORS, when(isNew, col(BATCH_ANNOTATORS))
            .otherwise(concat(col(PREVIOUS + LabelStore.ANNOTATORS), col(BATCH_ANNOTATORS))))
        .withColumn(LabelStore.FIRST_SEEN, coalesce(col(PREVIOUS + LabelStore.FIRST_SEEN), lit(date.toString())))
        .withColumn(LabelStore.LAST_CHANGED, lit(date.toString()))
        .withColumn(LabelStore.FLIP_PROBABILITY, LabelColumns.flipProbability(col(LabelColumns.COUNTS)));
    return LabelColumns.withDerived(merged, classes)
        .withColumn(CHANGE, when(isNew, lit(ImageChange.NEW.code()))
            .when(col(PREVIOUS + LabelColumns.HARD_LABEL).notEqual(col(LabelColumns.HARD_LABEL)),
                lit(ImageChange.FLIPPED.code()))
            .otherwise(lit(ImageChange.UPDATED.code())))
        .withColumn(SHIFT_KL, when(previousCounts.isNotNull(),
            SoftLabelMetrics.kl(col(LabelColumns.SOFT_LABEL), col(PREVIOUS + LabelColumns.SOFT_LABEL))));
  }

  /**
   * The images that most need another annotation after this night, over the whole store: highest
   * flip probability first, then fewest annotations. Untouched images come from the current version.
   */
  private static Dataset<Row> needsAnnotations(Dataset<Row> current, Dataset<Row> touched, int top) {
    Column[] columns = {col(IMAGE), col(LabelColumns.N_ANNOTATIONS), col(LabelColumns.HARD_LABEL_NAME),
        col(LabelColumns.AGREEMENT), col(LabelStore.FLIP_PROBABILITY)};
    return current.join(broadcast(touched.select(col(IMAGE))), IMAGE, "left_anti").select(columns)
        .unionByName(touched.select(columns))
        .orderBy(col(LabelStore.FLIP_PROBABILITY).desc(), col(LabelColumns.N_ANNOTATIONS).asc(), col(IMAGE).asc())
        .limit(top);
  }

  private static Map<String, Object> summary(Dataset<Row> images, Dataset<Row> needs, Night night,
      VoteTally.Counts counts, long previousVersion, int examples) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("night", night);
    summary.put("previous_version", previousVersion);
    summary.put("quarantined_by_reason", counts.byReason());
    summary.put("flips", rows(images.filter(is(ImageChange.FLIPPED)).orderBy(col(SHIFT_KL).desc(), col(IMAGE))
        .select(col(IMAGE), col(PREVIOUS + LabelColumns.HARD_LABEL_NAME).as("from"),
            col(LabelColumns.HARD_LABEL_NAME).as("to"), col(SHIFT_KL)), examples));
    summary.put("largest_shifts", rows(images.filter(col(SHIFT_KL).isNotNull()).orderBy(col(SHIFT_KL).desc(),
        col(IMAGE)).select(col(IMAGE), col(SHIFT_KL), col(PREVIOUS + LabelColumns.N_ANNOTATIONS).as("from_n"),
        col(LabelColumns.N_ANNOTATIONS).as("to_n")), examples));
    summary.put("most_in_need", rows(needs.orderBy(col(LabelStore.FLIP_PROBABILITY).desc(),
        col(LabelColumns.N_ANNOTATIONS), col(IMAGE)), examples));
    return summary;
  }

  /** At most {@code limit} rows as maps (a bounded sample for summary.json). */
  private static List<Map<String, Object>> rows(Dataset<Row> rows, int limit) {
    return rows.limit(limit).collectAsList().stream().map(r -> {
      Map<String, Object> map = new LinkedHashMap<>();
      for (String field : r.schema().fieldNames()) {
        map.put(field, r.get(r.fieldIndex(field)));
      }
      return map;
    }).toList();
  }
}
