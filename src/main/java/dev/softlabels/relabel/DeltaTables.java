package dev.softlabels.relabel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softlabels.spark.CrashPoints;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.SessionExtension;
import io.delta.tables.DeltaTable;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaConcurrentModificationException;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.VersionChecksum;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.delta.actions.SetTransaction;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * The one place that speaks Delta Lake: a path-based table's state, its rows at a version, its
 * history, and the two commits the label store makes (append a night, overwrite with a compaction).
 * Everything from {@code org.apache.spark.sql.delta} (Delta's internals, which change between
 * releases) and {@code io.delta} stays in this class, so a Delta upgrade changes this file only.
 *
 * <p>Two commit paths ({@link LabelStore.CommitPath}, {@code softlabels.relabel.delta-commit}): the
 * internal one drives Delta's {@link OptimisticTransaction} against the snapshot the state was read
 * from, and reads the state from the version's checksum file (docs/relabel.md, "How a night runs";
 * docs/design/relabel-store.md); the public one uses Delta's documented writer options only ({@code
 * txnAppId}, {@code txnVersion}, {@code userMetadata}), for when an upgrade breaks the internal
 * one.
 */
final class DeltaTables {

  /**
   * Delta's SQL extension and catalog (versioned reads, history), and three internal Delta settings
   * the internal path relies on for speed; each is applied unless the user set it.
   */
  static final SessionExtension SESSION =
      new SessionExtension(
          "io.delta.sql.DeltaSparkSessionExtension",
          Map.of(
              "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
              // Reading a table's state (its files, its idempotent-write ids) is a Spark job over
              // the commit log, shuffled into 50 partitions by default; one partition suits a label
              // store's few commits (docs/design/relabel-store.md).
              "spark.databricks.delta.snapshotPartitions", "1",
              // A version's checksum file then lists its data files, protocol and metadata: a night
              // reads the store's rows and state from it instead of replaying the commit log in
              // Spark jobs.
              "spark.databricks.delta.allFilesInCrc.enabled", "true",
              "spark.databricks.delta.readProtocolAndMetadataFromChecksum.enabled", "true"),
          "org.apache.spark.sql.delta.sources.DeltaSQLConf$");

  private static final String DELTA = "delta";

  /** Forgets every table state Delta cached in this JVM, as a new process starts. */
  static void forgetCachedStates() {
    DeltaLog.clearCache();
  }

  /** A commit that lost to another one made since the state it was based on. */
  static final class Conflict extends RuntimeException {
    Conflict(DeltaConcurrentModificationException cause) {
      super(cause.conflictType(), cause);
    }
  }

  /**
   * A table's state.
   *
   * @param appVersion the version of the application's last idempotent write, if any
   * @param properties the table's properties
   * @param empty whether the table has no data files
   */
  record State(
      long version, Optional<Long> appVersion, Map<String, String> properties, boolean empty) {}

  /** One commit of the history: its version, time (as text) and user metadata (null when none). */
  record Commit(long version, String timestamp, String userMetadata) {}

  private final SparkSession spark;
  private final String path;
  private final LabelStore.CommitPath commits;

  /** The snapshot {@link #state} read last (internal path): commits are based on it. */
  private Snapshot opened;

  /**
   * @param path an absolute path: Delta's path-based tables take only those
   */
  DeltaTables(SparkSession spark, String path, LabelStore.CommitPath commits) {
    this.spark = spark;
    this.path = path;
    this.commits = commits;
  }

  boolean exists() {
    return DeltaTable.isDeltaTable(spark, path);
  }

  void createIfNotExists(StructType schema, String property, String value) {
    DeltaTable.createIfNotExists(spark)
        .location(path)
        .addColumns(schema)
        .property(property, value)
        .execute();
  }

  /**
   * The table's latest state. The public API does not expose idempotent-write ids: the public path
   * takes the application's last version from {@code fromHistory} (the caller's reading of the
   * commit history).
   */
  State state(String appId, Supplier<Optional<Long>> fromHistory) {
    if (commits == LabelStore.CommitPath.PUBLIC) {
      Row detail =
          DeltaTable.forPath(spark, path).detail().select("numFiles", "properties").first();
      Map<String, String> properties = detail.getJavaMap(1);
      return new State(
          version(), fromHistory.get(), Map.copyOf(properties), detail.getLong(0) == 0);
    }
    Snapshot snapshot = snapshot();
    opened = snapshot;
    // From the version's checksum file when Delta wrote one with the transactions (it does after
    // each commit): reconstructing the table's state instead costs three Spark jobs and their
    // planning, a fifth of a small night.
    Option<VersionChecksum> checksum =
        snapshot.checksumOpt().filter(crc -> crc.setTransactions().isDefined());
    Seq<SetTransaction> transactions =
        checksum.isDefined() ? checksum.get().setTransactions().get() : snapshot.setTransactions();
    Optional<Long> appVersion =
        JavaConverters.seqAsJavaList(transactions).stream()
            .filter(transaction -> transaction.appId().equals(appId))
            .findFirst()
            .map(SetTransaction::version);
    Metadata metadata = checksum.isDefined() ? checksum.get().metadata() : snapshot.metadata();
    long files = checksum.isDefined() ? checksum.get().numFiles() : snapshot.numOfFiles();
    return new State(snapshot.version(), appVersion, properties(metadata), files == 0);
  }

  /** The table's properties as of its latest version. */
  Map<String, String> properties() {
    if (commits == LabelStore.CommitPath.PUBLIC) {
      return Map.copyOf(
          DeltaTable.forPath(spark, path).detail().select("properties").first().getJavaMap(0));
    }
    return properties(snapshot().metadata());
  }

  private static Map<String, String> properties(Metadata metadata) {
    return Map.copyOf(JavaConverters.mapAsJavaMap(metadata.configuration()));
  }

  /** The latest version (a listing of the log on the internal path, not a read of its state). */
  long version() {
    if (commits == LabelStore.CommitPath.PUBLIC) {
      return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
    }
    return snapshot().version();
  }

  private Snapshot snapshot() {
    return DeltaLog.forTableWithSnapshot(spark, path)._2();
  }

  /** One read of the commit history (one row per commit). */
  /**
   * The table's commit history as Delta's own gives it, read from the commit files of its log on
   * the driver, with no Spark session: each commit's version (its file's number), time (the file's
   * modification time, made strictly increasing as Delta makes it, as Spark writes a timestamp) and
   * user metadata (its commitInfo's). Delta's log format is public (PROTOCOL.md, "Delta Log
   * Entries"); a commit file log clean-up removed is gone from Delta's history too.
   */
  static List<Commit> history(HadoopPaths paths, String tablePath) {
    String log = HadoopPaths.child(tablePath, LabelStore.DELTA_LOG);
    List<Commit> commits = new ArrayList<>();
    long previous = Long.MIN_VALUE;
    for (Map.Entry<String, Long> file : paths.modificationTimes(log).entrySet()) {
      Matcher commit = COMMIT_FILE.matcher(file.getKey());
      if (!commit.matches()) {
        continue;
      }
      long time = Math.max(file.getValue(), previous + 1);
      previous = time;
      commits.add(
          new Commit(
              Long.parseLong(commit.group(1)),
              sparkTimestamp(time),
              userMetadata(paths.readText(HadoopPaths.child(log, file.getKey())))));
    }
    return commits;
  }

  /** A commit file's name: its version, zero-padded to 20 digits. */
  private static final Pattern COMMIT_FILE = Pattern.compile("(\\d{20})\\.json");

  private static final ObjectMapper LOG_LINES = new ObjectMapper();

  /** The commitInfo's userMetadata among a commit file's actions (one JSON object per line). */
  private static String userMetadata(String commitFile) {
    for (String line : commitFile.split("\n")) {
      if (line.startsWith("{\"commitInfo\"")) {
        try {
          JsonNode metadata = LOG_LINES.readTree(line).path("commitInfo").path("userMetadata");
          return metadata.isTextual() ? metadata.asText() : null;
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException("unreadable commitInfo in a Delta commit file", e);
        }
      }
    }
    return null;
  }

  /**
   * A time as Spark casts a timestamp to text in this JVM's zone: seconds, then the milliseconds
   * without trailing zeros.
   */
  static String sparkTimestamp(long millis) {
    LocalDateTime time =
        LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneId.systemDefault());
    String text = time.format(SECONDS);
    int fraction = (int) Math.floorMod(millis, 1000L);
    if (fraction == 0) {
      return text;
    }
    String digits = String.format(Locale.ROOT, "%03d", fraction).replaceAll("0+$", "");
    return text + "." + digits;
  }

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  /**
   * Every row as of {@code version}. On the internal path the version {@link #state} read is read
   * from the data files its checksum lists when Delta wrote them there (a table of few files):
   * finding them by replaying the commit log is four Spark jobs, a fifth of a small night.
   */
  Dataset<Row> rows(long version) {
    if (opened != null && opened.version() == version) {
      Option<Seq<AddFile>> files = opened.checksumOpt().flatMap(VersionChecksum::allFiles);
      if (files.isDefined()) {
        return opened.deltaLog().createDataFrame(opened, files.get(), false, Option.empty());
      }
    }
    return spark.read().format(DELTA).option("versionAsOf", version).load(path);
  }

  /** Every row as of a timestamp (as Spark casts text to one). */
  Dataset<Row> rowsAt(String timestamp) {
    return spark.read().format(DELTA).option("timestampAsOf", timestamp).load(path);
  }

  /**
   * Appends {@code rows} with Delta's idempotent-write id ({@code appId}, {@code appVersion}) and
   * {@code userMetadata} in one commit.
   *
   * <p>Internal path: based on the version {@link #state} read, conflicting with any commit since
   * (another append, a compaction): the rows were computed from that version's, so it fails rather
   * than append stale rows. Delta's own writer would instead ask the table state for the id's
   * version, which replays the commit log in three Spark jobs.
   *
   * <p>Public path: Delta's writer with {@code txnAppId}/{@code txnVersion}; it skips the write
   * when the application's last version is {@code appVersion} or later, and, being a blind append,
   * does not conflict with commits made since the state was read (the store's writer lock keeps
   * those out).
   *
   * @return the version the commit made; empty when Delta skipped the write (public path)
   * @throws Conflict when another commit came first (internal path)
   */
  Optional<Long> append(Dataset<Row> rows, String appId, long appVersion, String userMetadata) {
    if (commits == LabelStore.CommitPath.PUBLIC) {
      long before = version();
      rows.write()
          .format(DELTA)
          .mode(SaveMode.Append)
          .option("txnAppId", appId)
          .option("txnVersion", appVersion)
          .option("userMetadata", userMetadata)
          .save(path);
      long after = version();
      return after == before ? Optional.empty() : Optional.of(after);
    }
    OptimisticTransaction transaction =
        opened.deltaLog().startTransaction(Option.empty(), Option.apply(opened));
    transaction.readWholeTable();
    List<Action> actions =
        new ArrayList<>(JavaConverters.seqAsJavaList(transaction.writeFiles(rows)));
    actions.add(new SetTransaction(appId, appVersion, Option.apply(System.currentTimeMillis())));
    return Optional.of(commit(transaction, actions, SaveMode.Append, userMetadata));
  }

  /**
   * Replaces every row with {@code rows}, computed from the version {@link #state} read, in one
   * commit. Internal path: based on that version, so an append committed meanwhile conflicts
   * instead of being overwritten by rows that never saw it. Public path: Delta's writer, whose
   * overwrite starts from the version at the time of the write, so that guarantee rests on the
   * store's writer lock alone.
   *
   * @throws Conflict when another commit came first (internal path)
   */
  void overwrite(Dataset<Row> rows, String userMetadata) {
    if (commits == LabelStore.CommitPath.PUBLIC) {
      rows.write()
          .format(DELTA)
          .mode(SaveMode.Overwrite)
          .option("userMetadata", userMetadata)
          .save(path);
      return;
    }
    OptimisticTransaction transaction =
        opened.deltaLog().startTransaction(Option.empty(), Option.apply(opened));
    transaction.readWholeTable();
    List<Action> actions = new ArrayList<>();
    JavaConverters.seqAsJavaList(transaction.filterFiles())
        .forEach(file -> actions.add(file.remove()));
    actions.addAll(JavaConverters.seqAsJavaList(transaction.writeFiles(rows)));
    CrashPoints.reached("compact:files-written");
    commit(transaction, actions, SaveMode.Overwrite, userMetadata);
  }

  /**
   * Delta 3.3's {@code DeltaOperations.Write} has these four parameters; later releases name nine.
   */
  private static long commit(
      OptimisticTransaction transaction, List<Action> actions, SaveMode mode, String userMetadata) {
    try {
      return transaction.commit(
          JavaConverters.asScalaBuffer(actions).toList(),
          new DeltaOperations.Write(
              mode, Option.empty(), Option.empty(), Option.apply(userMetadata)));
    } catch (DeltaConcurrentModificationException concurrent) {
      throw new Conflict(concurrent);
    }
  }
}
