package dev.softlabels.relabel;

import static org.apache.spark.sql.functions.col;

import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * A label store on disk: {@code labels/}, a Delta table with one row per image (the aggregate job's
 * columns plus the annotators seen, first and last night and flip probability), whose commit history
 * is the ledger of applied nights; {@code quarantine/date=D/} and {@code changes/date=D/} per night.
 */
public final class LabelStore {

  public static final String LABELS = "labels";
  public static final String QUARANTINE = "quarantine";
  public static final String CHANGES = "changes";
  public static final String ANNOTATORS = "annotators";
  public static final String FIRST_SEEN = "first_seen";
  public static final String LAST_CHANGED = "last_changed";
  public static final String FLIP_PROBABILITY = "flip_probability";
  /** Delta's idempotent-write application id: a night's commit carries (this, the night's epoch day). */
  static final String APP_ID = "softlabels-relabel";
  private static final String CLASSES_PROPERTY = "softlabels.classes";
  private static final String TXN_APP_ID = "spark.databricks.delta.write.txnAppId";
  private static final String TXN_VERSION = "spark.databricks.delta.write.txnVersion";
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  private final SparkSession spark;
  private final String root;

  public LabelStore(SparkSession spark, String root) {
    this.spark = spark;
    // Delta's path-based tables take only absolute paths.
    this.root = HadoopPaths.of(spark).qualified(root);
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
   * them when it was not (a run stopped before its commit). A committed night's reports may still be
   * pending when a run was stopped between the commit and the move: the next run finishes it.
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
      } else {
        paths.delete(pending);
      }
    }
  }

  public boolean exists() {
    return DeltaTable.isDeltaTable(spark, labelsPath());
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
   * Creates the empty table (version 0) unless it exists. Deletion vectors let a night's MERGE
   * write only the changed rows instead of rewriting every file that holds one of them.
   */
  public void createIfMissing(ClassList classes) {
    if (exists()) {
      return;
    }
    DeltaTable.createIfNotExists(spark).location(labelsPath()).addColumns(schema())
        .property("delta.enableDeletionVectors", "true")
        .property(CLASSES_PROPERTY, String.join(",", classes.names()))
        .execute();
  }

  /** Stops when the store was built for another class list: counts would silently mean other classes. */
  public void requireClasses(ClassList classes) {
    Row properties = DeltaTable.forPath(spark, labelsPath()).detail().select(col("properties")).first();
    String stored = properties.<String, String>getJavaMap(0).get(CLASSES_PROPERTY);
    if (stored != null && !stored.equals(String.join(",", classes.names()))) {
      throw new UserError("the label store " + root + " counts votes for the classes [" + stored
          + "] but softlabels.classes is " + classes.names() + ": use the store's class list, in its order");
    }
  }

  public long version() {
    return ledger().version();
  }

  /** The table's latest version and the nights applied, oldest first. */
  public record Ledger(long version, List<Night> nights) {}

  /** One read of the commit history (one row per commit: bounded by the number of nights). */
  public Ledger ledger() {
    if (!exists()) {
      return new Ledger(-1, List.of());
    }
    List<Row> history = DeltaTable.forPath(spark, labelsPath()).history()
        .select(col("version"), col("timestamp").cast(DataTypes.StringType), col("userMetadata"))
        .collectAsList();
    long version = history.stream().mapToLong(r -> r.getLong(0)).max().orElse(-1);
    List<Night> nights = history.stream().filter(r -> !r.isNullAt(2))
        .map(r -> Json.read(r.getString(2), Night.class).committed(r.getLong(0), r.getString(1)))
        .filter(n -> n.date() != null)
        .sorted(Comparator.comparing(Night::version))
        .toList();
    return new Ledger(version, nights);
  }

  /** The table as of {@code version}. */
  public Dataset<Row> read(long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(labelsPath());
  }

  /** Every applied night, oldest first. */
  public List<Night> nights() {
    return ledger().nights();
  }

  public Optional<Night> night(LocalDate date) {
    return nights().stream().filter(n -> n.day().equals(date)).findFirst();
  }

  /**
   * The labels as of a version number, a night (YYYY-MM-DD: the version that night's commit made) or
   * a timestamp (Delta's timestampAsOf), with the aggregate job's columns and the store's own.
   */
  public Dataset<Row> readAsOf(String asOf) {
    if (!exists()) {
      throw new UserError("no label store at " + root + " (softlabels.relabel.state): run relabel first");
    }
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
      return read(night(RelabelSettings.date(asOf)).map(Night::version).orElseThrow(() -> new UserError(
          "--as-of " + asOf + ": no night of that date was applied (see softlabels relabel history)")));
    }
    return spark.read().format("delta").option("timestampAsOf", asOf).load(labelsPath());
  }

  /**
   * Upserts a night's recomputed rows for the images it touched and records the night in the same
   * commit (user metadata, plus Delta's idempotent-write id so the same night can never commit twice).
   *
   * @return the table version after the commit
   */
  public long commit(Dataset<Row> touched, Night night) {
    merge(committingSession(night), touched);
    return version();
  }

  /**
   * Delta takes a MERGE's idempotent-write id and commit metadata only from the session's SQL
   * settings, so the commit runs in a session of its own (same SparkContext and cache) carrying the
   * caller's SQL settings and these: the caller's session never holds them, not even while it runs.
   */
  private SparkSession committingSession(Night night) {
    SparkSession committing = spark.newSession();
    JavaConverters.mapAsJavaMap(spark.conf().getAll()).forEach((key, value) -> {
      if (spark.conf().isModifiable(key)) {
        committing.conf().set(key, value);
      }
    });
    committing.conf().set(TXN_APP_ID, APP_ID);
    committing.conf().set(TXN_VERSION, String.valueOf(night.day().toEpochDay()));
    committing.conf().set(USER_METADATA, Json.write(night));
    return committing;
  }

  /**
   * The MERGE of a night's commit without its ledger entry: public so that {@code bench relabel} can
   * time it alone, on a copy of a store.
   */
  public void upsert(Dataset<Row> touched) {
    merge(spark, touched);
  }

  private void merge(SparkSession session, Dataset<Row> touched) {
    DeltaTable.forPath(session, labelsPath()).as("t")
        .merge(touched.as("s"), "t." + LabelColumns.IMAGE + " = s." + LabelColumns.IMAGE)
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
  }
}
