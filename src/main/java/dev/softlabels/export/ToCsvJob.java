package dev.softlabels.export;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassColumns;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.spark.CsvExport;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.internal.CsvRows;
import dev.softlabels.spark.internal.ParquetFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the project's tables as a CSV file a person can read: the arrays in class order as columns
 * named by class ({@link ClassColumns}), or, asked for, as JSON arrays. A label store is read as
 * {@code relabel export} reads it, each image's latest row: its table keeps every night's rows. A
 * small plain Parquet table on the local disk is written on the driver without a Spark session
 * ({@link #onDriver}), the same file.
 */
public final class ToCsvJob {

  /** The option that keeps the arrays whole. */
  public static final String ARRAYS = "--arrays";

  /** The file beside a table that may record its class list. */
  static final String SUMMARY = "summary.json";

  /**
   * The largest table (its files' bytes) written on the driver: bin/softlabels'
   * QUICK_JIT_MAX_BYTES, its limit of a short run. Under it starting a Spark session and its first
   * jobs in a cold JVM is most of a run (5 of 5.2 s for a label table of 8,315 rows); far over it,
   * the session's parallel read and write win.
   */
  static final long DRIVER_MAX_BYTES = 8L * 1024 * 1024;

  /**
   * Spark settings (prefixes) that change what a session reads of a Parquet table, in which order,
   * or the text its CSV writer and to_json make of it. The driver applies none of them: where one
   * is set, a session writes the table.
   */
  private static final List<String> SESSION_SETTINGS =
      List.of(
          "spark.sql.parquet.",
          "spark.sql.files.",
          "spark.sql.caseSensitive",
          "spark.sql.legacy.",
          "spark.sql.jsonGenerator.",
          "spark.sql.csv.");

  /** The Hadoop setting that would make a session's CSV writer compress its file. */
  private static final String COMPRESSED_OUTPUT = "mapreduce.output.fileoutputformat.compress";

  private static final Logger LOG = LoggerFactory.getLogger(ToCsvJob.class);

  private ToCsvJob() {}

  /**
   * @param columns the CSV's columns
   * @param classes the class list that named the class columns; empty when none were written
   */
  public record Written(List<String> columns, Optional<ClassList> classes) {}

  /**
   * @param arrays write the arrays in class order as JSON arrays, not as one column per class
   */
  public static Written run(
      SparkSession spark, String input, String output, boolean overwrite, boolean arrays) {
    HadoopPaths paths = HadoopPaths.of(spark);
    paths.requireExists(input, "input");
    Optional<LabelStore> store = LabelStore.at(spark, input);
    if (store.isEmpty() && paths.exists(HadoopPaths.child(input, LabelStore.DELTA_LOG))) {
      throw new UserError(
          input
              + " is a Delta table but no label store: to-csv reads Parquet tables and label "
              + "stores (relabel --state)");
    }
    Dataset<Row> table =
        store
            .map(s -> s.labelTable(""))
            .orElseGet(() -> spark.read().parquet(paths.forSpark(input)));
    Optional<ClassList> classes = spreadBy(paths, input, table.schema(), arrays);
    if (classes.isEmpty()) {
      return new Written(CsvExport.run(spark, table, input, output, overwrite), Optional.empty());
    }
    Dataset<Row> spread =
        table.select(spread(table.schema(), classes.get()).toArray(Column[]::new));
    requireDistinctNames(spread.columns(), input);
    try {
      return new Written(CsvExport.run(spark, spread, input, output, overwrite), classes);
    } catch (Exception failed) {
      // Spark's exceptions are checked ones that Scala throws unchecked.
      Optional<UserError> wrongLength = wrongLength(failed, input, classes.get());
      if (wrongLength.isPresent()) {
        throw wrongLength.get();
      }
      throw failed;
    }
  }

  /**
   * A table that {@link #runOnDriver} writes: its files, read on the driver, and the CSV's columns.
   */
  public record DriverPlan(
      ParquetFiles table, List<CsvRows.Column> columns, Optional<ClassList> classes) {}

  /**
   * How {@link #runOnDriver} writes {@code input}, when it writes exactly the file {@link #run}
   * would: a plain Parquet table (no label store, no Delta table) of local files under {@link
   * #DRIVER_MAX_BYTES}, of types written on the driver as a session writes them, and no Spark
   * setting that changes what a session reads or writes of it ({@link #SESSION_SETTINGS}). Empty
   * for any other, and for one {@link #run} refuses: a session writes or refuses those.
   *
   * @param settings the Spark settings a session would have
   */
  public static Optional<DriverPlan> onDriver(
      HadoopPaths paths, SparkConf settings, String input, boolean arrays) {
    try {
      return plan(paths, settings, input, arrays);
    } catch (RuntimeException e) {
      LOG.debug("to-csv: {} is written in a Spark session: {}", input, e.toString());
      return Optional.empty();
    }
  }

  private static Optional<DriverPlan> plan(
      HadoopPaths paths, SparkConf settings, String input, boolean arrays) {
    boolean sessionSetting =
        Arrays.stream(settings.getAll())
            .anyMatch(setting -> SESSION_SETTINGS.stream().anyMatch(setting._1()::startsWith));
    if (sessionSetting
        || paths.configuration().getBoolean(COMPRESSED_OUTPUT, false)
        || !paths.qualified(input).startsWith("file:")
        || paths.exists(HadoopPaths.child(input, LabelStore.DELTA_LOG))
        || paths.exists(
            HadoopPaths.child(HadoopPaths.child(input, LabelStore.LABELS), LabelStore.DELTA_LOG))) {
      return Optional.empty();
    }
    Optional<ParquetFiles> found =
        ParquetFiles.plain(paths.configuration(), HadoopPaths.path(input))
            .filter(files -> files.bytes() < DRIVER_MAX_BYTES);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    StructType schema = found.get().schema();
    for (StructField field : schema.fields()) {
      if (!CsvRows.writesExactly(field.dataType())
          || !CsvRows.plain(field.metadata())
          || field.name().contains("`")) {
        return Optional.empty();
      }
    }
    Optional<ClassList> classes = spreadBy(paths, input, schema, arrays);
    List<CsvRows.Column> columns = new ArrayList<>();
    for (int f = 0; f < schema.fields().length; f++) {
      StructField field = schema.fields()[f];
      if (classes.isEmpty() || !ClassColumns.inClassOrder(field)) {
        columns.add(CsvRows.Column.whole(field.name(), f));
        continue;
      }
      boolean matrix = ClassColumns.isMatrix(field);
      if (matrix && !(((ArrayType) field.dataType()).elementType() instanceof ArrayType)) {
        return Optional.empty();
      }
      CsvRows.Check check =
          new CsvRows.Check(classes.get().size(), matrix, ClassColumns.failure(field.name()));
      // Checked where a session checks it: before the field's first class column.
      for (ClassColumns.Entry entry : ClassColumns.entries(field, classes.get())) {
        columns.add(new CsvRows.Column(entry.name(), f, entry.entry(), entry.given(), check));
        check = null;
      }
    }
    // A session refuses to write two columns whose names differ in case alone.
    Set<String> names = new HashSet<>();
    for (CsvRows.Column column : columns) {
      if (!names.add(column.name().toLowerCase(Locale.ROOT))) {
        return Optional.empty();
      }
    }
    return Optional.of(new DriverPlan(found.get(), List.copyOf(columns), classes));
  }

  /**
   * Writes the table of {@code plan} ({@link #onDriver}) as {@code output} on the driver, with no
   * Spark session: the same file as {@link #run} writes, checked, refused and moved into place
   * alike.
   */
  public static Written runOnDriver(
      HadoopPaths paths, DriverPlan plan, String input, String output, boolean overwrite) {
    try {
      return new Written(
          CsvExport.runOnDriver(paths, plan.table(), plan.columns(), input, output, overwrite),
          plan.classes());
    } catch (RuntimeException failed) {
      Optional<UserError> wrongLength =
          plan.classes().flatMap(classes -> wrongLength(failed, input, classes));
      if (wrongLength.isPresent()) {
        throw wrongLength.get();
      }
      throw failed;
    }
  }

  /**
   * The class list to spread the table's arrays in class order by, none when there are none or
   * {@code arrays} keeps them whole.
   */
  private static Optional<ClassList> spreadBy(
      HadoopPaths paths, String input, StructType schema, boolean arrays) {
    List<StructField> inClassOrder =
        Arrays.stream(schema.fields()).filter(ClassColumns::inClassOrder).toList();
    if (arrays || inClassOrder.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        classes(paths, input, schema)
            .orElseThrow(
                () ->
                    new UserError(
                        "no class list "
                            + "found for "
                            + names(inClassOrder)
                            + " of "
                            + input
                            + " (neither in soft_label's metadata nor as classes "
                            + "in a "
                            + SUMMARY
                            + " beside it): pass "
                            + ARRAYS
                            + " to write them as JSON arrays in class order")));
  }

  /** The user error {@code failed} is where a row's array had not one entry per class. */
  private static Optional<UserError> wrongLength(
      Exception failed, String input, ClassList classes) {
    return ClassColumns.wrongLength(failed)
        .map(
            column ->
                new UserError(
                    column
                        + " of "
                        + input
                        + " has rows without one entry per class of "
                        + classes.names()
                        + " (the class list found for it); nothing written: pass "
                        + ARRAYS
                        + " to write the arrays as they are"));
  }

  /** Every column of the table, the arrays in class order spread into columns named by class. */
  private static List<Column> spread(StructType schema, ClassList classes) {
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      if (ClassColumns.inClassOrder(field)) {
        columns.addAll(ClassColumns.spread(field, classes));
      } else {
        columns.add(col("`" + field.name() + "`"));
      }
    }
    return columns;
  }

  /**
   * A class column may not take an existing column's name (a class named like another's suffix).
   */
  private static void requireDistinctNames(String[] columns, String input) {
    Set<String> seen = new HashSet<>();
    for (String column : columns) {
      if (!seen.add(column)) {
        throw new UserError(
            "the class columns of "
                + input
                + " would write the column "
                + column
                + " twice: pass "
                + ARRAYS
                + " to write the arrays as JSON arrays");
      }
    }
  }

  /**
   * The class list a table's arrays follow: the one in its soft_label's metadata (label tables, a
   * label store's), else the classes of the summary.json in the folder holding it (aggregate's
   * annotators/, annotate's annotators/, generate's images/, a night's changes/date=D/images/).
   */
  static Optional<ClassList> classes(HadoopPaths paths, String input, StructType schema) {
    Optional<ClassList> recorded = LabelColumns.classes(schema);
    if (recorded.isPresent()) {
      return recorded;
    }
    Path folder = HadoopPaths.path(paths.qualified(input)).getParent();
    if (folder == null) {
      return Optional.empty();
    }
    String summary = HadoopPaths.child(folder.toString(), SUMMARY);
    if (!paths.exists(summary)) {
      return Optional.empty();
    }
    List<String> names = Json.read(paths.readText(summary), Summary.class).classes();
    return names == null ? Optional.empty() : Optional.of(new ClassList(names));
  }

  /** The one field of a summary.json read here. */
  private record Summary(@JsonProperty("classes") List<String> classes) {}

  private static String names(List<StructField> fields) {
    return String.join(", ", fields.stream().map(StructField::name).toList());
  }
}
