package dev.softlabels.relabel;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.Config;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.CrashPoints;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PathOverlap;
import dev.softlabels.spark.SessionExtension;
import dev.softlabels.spark.WriterLock;
import dev.softlabels.spark.internal.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A label store on disk: {@code labels/}, an append-only Delta table — each night appends one row
 * per image it touched (the aggregate job's columns plus the annotators seen, first and last night
 * and flip probability), and an image's labels are its latest row ({@link #latest}) — whose commit
 * history is the ledger of applied nights; {@code quarantine/date=D/} and {@code changes/date=D/}
 * per night. {@link #compact} folds the superseded rows away. Delta is reached through {@link
 * DeltaTables} only.
 */
public final class LabelStore {

  /** What the session needs for the store's Delta tables. */
  public static final SessionExtension SESSION = DeltaTables.SESSION;

  /**
   * How the store commits and reads its table's state ({@code softlabels.relabel.delta-commit}):
   * through Delta's internal transaction API, or through its public API only, the fallback for a
   * Delta upgrade that breaks the internal one (docs/relabel.md).
   */
  public enum CommitPath {
    INTERNAL,
    PUBLIC;

    public static CommitPath from(Config config) {
      String given = config.getString("softlabels.relabel.delta-commit");
      try {
        return valueOf(given.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserError(
            "softlabels.relabel.delta-commit must be internal or public, got '" + given + "'");
      }
    }
  }

  public static final String LABELS = "labels";
  public static final String QUARANTINE = "quarantine";
  public static final String CHANGES = "changes";
  public static final String ANNOTATORS = "annotators";
  public static final String FIRST_SEEN = "first_seen";
  public static final String LAST_CHANGED = "last_changed";
  public static final String FLIP_PROBABILITY = "flip_probability";

  /** The folder that makes a folder a Delta table. */
  public static final String DELTA_LOG = "_delta_log";

  /**
   * Delta's idempotent-write application id: a night's commit carries (this, the night's epoch
   * day).
   */
  static final String APP_ID = "softlabels-relabel";

  private static final String CLASSES_PROPERTY = "softlabels.classes";
  private static final String LATEST = "latest";

  /** Inside the store's folder: {@link #lock}. */
  private static final String LOCK = ".relabel.lock";

  /**
   * Forgets the store states cached in this JVM, so the next night reads its store as a nightly
   * process does (the relabel benchmark runs many nights in one JVM).
   */
  public static void forgetCachedStates() {
    DeltaTables.forgetCachedStates();
  }

  private final SparkSession spark;

  /** The labels/ table. */
  private final DeltaTables table;

  /** As the user gave it, for messages. */
  private final String given;

  private final String root;

  /** The version {@link #open} read last. */
  private long opened = -1;

  /** A store committing through Delta's internal transaction API, the default. */
  public LabelStore(SparkSession spark, String root) {
    this(spark, root, CommitPath.INTERNAL);
  }

  public LabelStore(SparkSession spark, String root, CommitPath commits) {
    this.spark = spark;
    this.given = root;
    // Delta's path-based tables take only absolute paths.
    this.root = HadoopPaths.of(spark).qualified(root);
    this.table = new DeltaTables(spark, labelsPath(), commits);
  }

  SparkSession spark() {
    return spark;
  }

  public String labelsPath() {
    return HadoopPaths.child(root, LABELS);
  }

  public String quarantinePath(LocalDate date) {
    return HadoopPaths.child(HadoopPaths.child(root, QUARANTINE), "date=" + date);
  }

  public String changesPath(LocalDate date) {
    return HadoopPaths.child(HadoopPaths.child(root, CHANGES), "date=" + date);
  }

  /** Where a night's report is written before the night's commit: a hidden sibling of its place. */
  static String pending(String report) {
    Path path = new Path(report);
    return new Path(path.getParent(), "." + path.getName() + ".pending").toString();
  }

  /**
   * Moves night {@code date}'s pending reports into place when the night was committed, and removes
   * them when it was not (a run stopped before its commit). A committed night's reports may still
   * be pending when a run was stopped between the commit and the move: the next run finishes it.
   */
  public void settleReports(LocalDate date, boolean committed) {
    HadoopPaths paths = HadoopPaths.of(spark);
    for (String report : List.of(quarantinePath(date), changesPath(date))) {
      String pending = pending(report);
      if (!paths.exists(pending)) {
        continue;
      }
      if (committed) {
        paths.delete(report);
        paths.rename(pending, report);
        CrashPoints.reached("night:report-settled");
      } else {
        paths.delete(pending);
      }
    }
  }

  /** Stops with a user error naming the store when there is none: a reader needs one. */
  public void requireExists() {
    refuseOtherFolders();
    if (!exists()) {
      throw new UserError(
          "no label store at " + given + " (softlabels.relabel.state): run relabel first");
    }
  }

  public boolean exists() {
    return table.exists();
  }

  /**
   * A labels/ that is no Delta table (an aggregate job's output) is no store to read or add nights
   * to.
   */
  private void refuseOtherFolders() {
    if (!exists() && HadoopPaths.of(spark).exists(labelsPath())) {
      throw new UserError(
          given
              + " (softlabels.relabel.state) is not a label store: its labels/ has no _delta_log "
              + "(an aggregate output?); give --state a new folder or a store relabel made");
    }
  }

  /** The table's columns: the aggregate job's, then the store's own. */
  public static StructType schema() {
    return LabelColumns.SCHEMA
        .add(ANNOTATORS, DataTypes.createArrayType(DataTypes.StringType))
        .add(FIRST_SEEN, DataTypes.StringType)
        .add(LAST_CHANGED, DataTypes.StringType)
        .add(FLIP_PROBABILITY, DataTypes.DoubleType);
  }

  /**
   * What a night needs to know before it starts, from the table's snapshot alone (no read of the
   * commit history, which grows with every night).
   *
   * @param version the latest version
   * @param lastNight the latest night committed (Delta's idempotent-write id), if any
   * @param classes the class list the store counts votes for, the one it was created with
   * @param empty whether the table has no rows (no data files)
   */
  public record State(
      long version, Optional<LocalDate> lastNight, ClassList classes, boolean empty) {

    /**
     * Stops when the store was built for another class list: counts would silently mean other
     * classes.
     */
    void requireClasses(ClassList expected, String root) {
      if (!classes.equals(expected)) {
        throw new UserError(
            "the label store "
                + root
                + " counts votes for the classes "
                + classes.names()
                + " but softlabels.classes is "
                + expected.names()
                + ": use the store's class list, in its order");
      }
    }
  }

  /**
   * The store's state, after creating its empty table (version 0) when there is none, for the
   * classes {@code forANewStore} gives (called only then).
   */
  public State open(Supplier<ClassList> forANewStore) {
    refuseOtherFolders();
    if (!exists()) {
      table.createIfNotExists(
          schema(), CLASSES_PROPERTY, String.join(",", forANewStore.get().names()));
    }
    // The last night committed is the table's idempotent-write id; on the public path, which cannot
    // read those, the ledger's last night.
    DeltaTables.State state =
        table.state(
            APP_ID,
            () ->
                nights().stream()
                    .reduce((earlier, later) -> later)
                    .map(night -> night.day().toEpochDay()));
    opened = state.version();
    return new State(
        state.version(),
        state.appVersion().map(LocalDate::ofEpochDay),
        classes(state.properties()),
        state.empty());
  }

  private static ClassList classes(Map<String, String> properties) {
    return new ClassList(List.of(properties.get(CLASSES_PROPERTY).split(",")));
  }

  /** The class list the store counts votes for: the one it was created with. */
  public ClassList classes() {
    requireExists();
    return classes(table.properties());
  }

  /**
   * The labels as of {@link #readAsOf}'s {@code asOf} as a label table: the aggregate job's
   * columns, the class list recorded in soft_label's metadata. What relabel export writes and
   * to-csv reads.
   */
  public Dataset<Row> labelTable(String asOf) {
    return LabelColumns.withClasses(LabelColumns.table(readAsOf(asOf)), classes());
  }

  /**
   * The store at {@code path} when it names one or its labels/ table; empty for any other path (a
   * relative path is taken against the working directory, as the other jobs take it).
   */
  public static Optional<LabelStore> at(SparkSession spark, String path) {
    HadoopPaths paths = HadoopPaths.of(spark);
    // Delta's own check fails, rather than answers, on a folder inside a table: look for the logs
    // first.
    Path given = HadoopPaths.path(paths.qualified(path));
    Optional<LabelStore> store = Optional.empty();
    if (paths.exists(HadoopPaths.child(HadoopPaths.child(path, LABELS), DELTA_LOG))) {
      store = Optional.of(new LabelStore(spark, path));
    } else if (given.getName().equals(LABELS)
        && given.getParent() != null
        && paths.exists(HadoopPaths.child(path, DELTA_LOG))) {
      store = Optional.of(new LabelStore(spark, given.getParent().toString()));
    }
    return store.filter(LabelStore::exists);
  }

  /**
   * The latest version, -1 when there is no table yet (a listing of the log, not a read of its
   * state).
   */
  public long version() {
    return exists() ? table.version() : -1;
  }

  /** The table's latest version and the nights applied, oldest first. */
  public record Ledger(long version, List<Night> nights) {}

  /** One read of the commit history (one row per commit: bounded by the number of nights). */
  public Ledger ledger() {
    return ledger(HadoopPaths.of(spark), root);
  }

  /**
   * The ledger of the store at {@code root}, read from its table's commit files with no Spark
   * session (an empty ledger where there is no store): what {@code relabel history} prints.
   */
  public static Ledger ledger(HadoopPaths paths, String root) {
    List<DeltaTables.Commit> history = DeltaTables.history(paths, HadoopPaths.child(root, LABELS));
    long version = history.stream().mapToLong(DeltaTables.Commit::version).max().orElse(-1);
    List<Night> nights =
        history.stream()
            .filter(commit -> commit.userMetadata() != null)
            .map(
                commit ->
                    Json.read(commit.userMetadata(), Night.class)
                        .committed(commit.version(), commit.timestamp()))
            .filter(n -> n.date() != null)
            .sorted(Comparator.comparing(Night::version))
            .toList();
    return new Ledger(version, nights);
  }

  /** The labels as of {@code version}: every image's latest row. */
  public Dataset<Row> read(long version) {
    return latest(rows(version));
  }

  /** Every row of the table as of {@code version}, superseded ones included. */
  Dataset<Row> rows(long version) {
    return table.rows(version);
  }

  /**
   * Each image's latest row (of the columns {@code rows} has): the one of the last night that
   * touched it. A night writes an image at most once and nights go in date order, so {@code
   * last_changed} orders an image's rows.
   */
  public static Dataset<Row> latest(Dataset<Row> rows) {
    List<String> fields =
        Arrays.stream(rows.columns()).filter(name -> !name.equals(LabelColumns.IMAGE)).toList();
    List<Column> columns = new ArrayList<>();
    columns.add(col(LabelColumns.IMAGE));
    fields.forEach(name -> columns.add(col(LATEST + "." + name).as(name)));
    return rows.groupBy(col(LabelColumns.IMAGE))
        .agg(
            max_by(
                    struct(fields.stream().map(functions::col).toArray(Column[]::new)),
                    col(LAST_CHANGED))
                .as(LATEST))
        .select(columns.toArray(Column[]::new));
  }

  /** Every applied night, oldest first. */
  public List<Night> nights() {
    return ledger().nights();
  }

  public Optional<Night> night(LocalDate date) {
    return nights().stream().filter(n -> n.day().equals(date)).findFirst();
  }

  /**
   * The labels as of a version number, a night (YYYY-MM-DD: the version that night's commit made)
   * or a timestamp (Delta's timestampAsOf), with the aggregate job's columns and the store's own.
   */
  public Dataset<Row> readAsOf(String asOf) {
    requireAsOf(asOf);
    requireExists();
    if (asOf.isBlank()) {
      return read(version());
    }
    if (asOf.matches("\\d+")) {
      long version = Long.parseLong(asOf);
      if (version > version()) {
        throw new UserError("--as-of " + asOf + ": the store's latest version is " + version());
      }
      return read(version);
    }
    if (asOf.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return read(
          night(RelabelSettings.date(asOf))
              .map(Night::version)
              .orElseThrow(
                  () ->
                      new UserError(
                          "--as-of "
                              + asOf
                              + ": no night of that date was applied (see softlabels relabel history)")));
    }
    return latest(table.rowsAt(asOf));
  }

  /**
   * Stops unless {@code asOf} is blank or one of the forms {@link #readAsOf} takes; a timestamp as
   * Spark casts text to one, which is how Delta reads timestampAsOf. Needs no session, so a command
   * checks it before starting one.
   */
  public static void requireAsOf(String asOf) {
    if (asOf.isBlank()
        || asOf.matches("\\d+|\\d{4}-\\d{2}-\\d{2}")
        || Timestamps.isTimestamp(asOf)) {
      return;
    }
    throw new UserError(
        "--as-of "
            + asOf
            + " is not a version number (such as 3), a night (YYYY-MM-DD) or a "
            + "timestamp (such as 2026-11-01 10:00:00)");
  }

  /**
   * Appends a night's recomputed rows for the images it touched and records the night in the same
   * commit: its figures as user metadata and Delta's idempotent-write id (application {@value
   * #APP_ID}, version the night's epoch day), which {@link #open} reads back as the last night. A
   * night can never be committed twice. On the internal commit path the commit is based on the
   * version {@link #open} read and conflicts with any commit since (another night, a compaction):
   * the night's rows were computed from that version's, so it fails rather than append stale rows
   * ({@link DeltaTables#append}).
   *
   * @return the table version after the commit; empty when another run committed this night
   *     meanwhile
   */
  public Optional<Long> commit(Dataset<Row> touched, Night night) {
    Optional<Long> committed;
    try {
      committed = table.append(touched, APP_ID, night.day().toEpochDay(), Json.write(night));
    } catch (DeltaTables.Conflict conflict) {
      return afterAnotherRun(night, conflict);
    }
    return committed.isPresent() ? committed : afterAnotherRun(night, null);
  }

  /**
   * What a night that lost the race to its commit, or whose write Delta skipped as a repeat (public
   * commit path), is told (only a writer that ignored the lock, or a lock S3 could not make
   * exclusive, gets here): the truth about the store as it now is.
   *
   * @param conflict the internal path's conflict; null when Delta skipped the write
   */
  private Optional<Long> afterAnotherRun(Night night, DeltaTables.Conflict conflict) {
    long started = opened;
    State now =
        open(
            () -> {
              throw new IllegalStateException("the label store " + given + " disappeared");
            });
    if (now.lastNight().filter(last -> last.equals(night.day())).isPresent()) {
      return Optional.empty();
    }
    if (now.lastNight().filter(last -> last.isAfter(night.day())).isPresent()) {
      throw new UserError(
          "another run applied night "
              + now.lastNight().get()
              + " to the label store "
              + given
              + " while night "
              + night.date()
              + " ran, and nights are applied in date order: fold this night's rows"
              + " into the next night's batch instead");
    }
    throw new IllegalStateException(
        "another run changed the label store "
            + given
            + " after version "
            + started
            + " while night "
            + night.date()
            + " ran"
            + (conflict == null ? "" : " (" + conflict.getMessage() + ")")
            + "; the night was not committed: run it again, it starts from version "
            + now.version(),
        conflict);
  }

  /**
   * Rewrites the table with each image's latest row only, in one commit (user metadata: the rows
   * before and after), under the store's writer lock. Readers see the same labels before and after
   * it; versions before it stay readable until Delta's VACUUM removes their files.
   *
   * @return the rows before and after
   */
  public Compaction compact() {
    requireExists();
    try (WriterLock lock = lock()) {
      return compactLocked();
    }
  }

  private Compaction compactLocked() {
    long version = table.state(APP_ID, Optional::empty).version();
    long before = rows(version).count();
    Dataset<Row> latest = read(version).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long after = latest.count();
      Compaction compaction = new Compaction(version, before, after);
      // Based on the version read, as a night's commit is: a night committed meanwhile conflicts,
      // instead of being overwritten by rows that never saw it.
      try {
        table.overwrite(latest, Json.write(compaction));
      } catch (DeltaTables.Conflict conflict) {
        throw new IllegalStateException(
            "another run changed the label store "
                + given
                + " after version "
                + version
                + " while it was being compacted ("
                + conflict.getMessage()
                + "); nothing was compacted:"
                + " run it again",
            conflict);
      }
      CrashPoints.reached("compact:committed");
      return compaction;
    } finally {
      latest.unpersist();
    }
  }

  /** Takes the store's writer lock: nights and compactions write one at a time. */
  public WriterLock lock() {
    try {
      Path root = HadoopPaths.path(this.root);
      return WriterLock.take(
          fileSystem(root),
          new Path(root, LOCK),
          "the label store " + given,
          "wait for it to finish, then run this again (if it applies a later night, an earlier one can no longer"
              + " be: fold its rows into the next night's batch)");
    } catch (IOException e) {
      throw new UserError("cannot write the label store " + given + ": " + e.getMessage());
    }
  }

  /**
   * Refuses a store that is, contains or lies inside a path the run reads: its own table files
   * would be read as votes the next night.
   */
  public void refuseOverlap(String path, String what) {
    try {
      Path root = HadoopPaths.path(this.root);
      FileSystem fs = fileSystem(root);
      PathOverlap.refuse(
          fs,
          PathOverlap.canonical(fs, root),
          HadoopPaths.path(path),
          "the label store " + given,
          what + " " + path,
          "keep the store apart from the files it reads");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  private FileSystem fileSystem(Path root) throws IOException {
    return HadoopPaths.fileSystem(root, spark.sparkContext().hadoopConfiguration());
  }

  /** A compaction's figures: the version it started from, the table's rows before and after. */
  public record Compaction(
      @JsonProperty("compacted_version") long version,
      @JsonProperty("rows_before") long before,
      @JsonProperty("rows_after") long after) {}
}
