package dev.softlabels.annotations;

import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.trim;

import dev.softlabels.annotations.tools.LabelStudioAnnotations;
import dev.softlabels.annotations.tools.MturkAnnotations;
import dev.softlabels.annotations.tools.SageMakerAnnotations;
import dev.softlabels.annotations.tools.TolokaAnnotations;
import dev.softlabels.config.Choices;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.internal.ParquetScan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads annotation rows from CSV, JSON lines, Parquet or an annotation tool's export into the
 * canonical raw form: string columns {@code image_id, annotator_id, label} (trimmed of spaces),
 * {@code raw_record} (the unparsable record, else null), {@code tool_reason} (the quarantine reason
 * a tool's export itself gives, such as a skipped task; null for plain rows) and the input order,
 * which decides which of two duplicate votes is "the first": {@code file_order} (the file's rank by
 * name, so nightly files named by date count in date order) then {@code row_order} (record order
 * within a file). CSV is read by {@link CsvAnnotations}, each tool's export by its own class.
 */
public final class AnnotationReader {

  public static final String RAW_RECORD = "raw_record";
  public static final String FILE_ORDER = "file_order";
  public static final String ROW_ORDER = "row_order";
  public static final String TOOL_REASON = "tool_reason";
  private static final String CORRUPT = "_corrupt_record";

  /** The four bytes a Parquet file starts (and ends) with. */
  static final String PARQUET_MAGIC = "PAR1";

  /** Bytes of a file read to show how it starts. */
  private static final int FIRST_LINE = 30;

  private AnnotationReader() {}

  /**
   * The rows at {@code path}, which the caller has checked exists: jobs check it before staging
   * their output.
   */
  public static Dataset<Row> read(SparkSession spark, AnnotationSource source, String path) {
    HadoopPaths paths = HadoopPaths.of(spark);
    refuseToolExport(paths, source, path);
    InputFormat format =
        source.format() == InputFormat.AUTO ? detect(paths, path) : source.format();
    String at = paths.forSpark(path);
    Dataset<Row> rows =
        switch (format) {
          case CSV ->
              withoutToolReason(CsvAnnotations.read(spark, CsvAnnotations.Layout.of(source), at));
          case JSON -> withoutToolReason(withFileOrder(readJson(spark, source, path)));
          case PARQUET -> withoutToolReason(withFileOrder(readParquet(spark, source, path)));
          case LABEL_STUDIO -> LabelStudioAnnotations.read(spark, source, at);
          case SAGEMAKER_GT -> SageMakerAnnotations.read(spark, source, at);
          case MTURK -> MturkAnnotations.read(spark, source, at);
          case TOLOKA -> TolokaAnnotations.read(spark, source, at);
          case AUTO -> throw new IllegalStateException("format was resolved above");
        };
    // Numbered before any shuffle, so the order is the input's (record order within a file).
    return rows.select(
        trim(col(IMAGE)).as(IMAGE),
        trim(col(ANNOTATOR)).as(ANNOTATOR),
        trim(col(LABEL)).as(LABEL),
        col(RAW_RECORD),
        col(TOOL_REASON),
        col(FILE_ORDER),
        monotonically_increasing_id().as(ROW_ORDER));
  }

  /**
   * Whether {@link #readOnDriver} reads {@code path}: a plain CSV input (given as csv, or found to
   * be by its files' names). Any other format, and a path whose format cannot be told (its error is
   * the Spark path's), is read by Spark.
   */
  public static boolean readsOnDriver(HadoopPaths paths, AnnotationSource source, String path) {
    if (source.format() != InputFormat.AUTO) {
      return source.format() == InputFormat.CSV;
    }
    try {
      return detect(paths, path) == InputFormat.CSV;
    } catch (UserError unknown) {
      return false;
    }
  }

  /**
   * The rows {@link #read} gives for a CSV input ({@link #readsOnDriver}), read on the driver with
   * no Spark job.
   *
   * @param parallelism the task slots of the session the Spark path would run in (row_order depends
   *     on how the files are shared out)
   */
  public static List<ReadRow> readOnDriver(
      HadoopPaths paths, AnnotationSource source, String path, int parallelism) {
    refuseToolExport(paths, source, path);
    List<Object[]> read =
        CsvAnnotations.readOnDriver(
            paths.configuration(), CsvAnnotations.Layout.of(source), path, parallelism);
    // As read: image, annotator, label, raw_record, file_order, row_order.
    return read.stream()
        .map(
            row ->
                new ReadRow(
                    trimSpaces((String) row[0]),
                    trimSpaces((String) row[1]),
                    trimSpaces((String) row[2]),
                    (String) row[3],
                    null,
                    (Integer) row[4],
                    (Long) row[5]))
        .toList();
  }

  /**
   * The driver's scan of a Parquet input (given as parquet, or found to be), when it reads what
   * {@link #read} reads: plain files a local session of {@code settings} with {@code parallelism}
   * task slots reads whole, the three columns strings ({@link ParquetScan#of}); anything else is
   * read by Spark.
   */
  public static Optional<ParquetScan> scanOnDriver(
      HadoopPaths paths,
      SparkConf settings,
      AnnotationSource source,
      String path,
      int parallelism) {
    try {
      InputFormat format =
          source.format() == InputFormat.AUTO ? detect(paths, path) : source.format();
      if (format != InputFormat.PARQUET) {
        return Optional.empty();
      }
    } catch (UserError unknown) {
      return Optional.empty();
    }
    return ParquetScan.of(
        paths.configuration(),
        HadoopPaths.path(path),
        List.of(source.imageColumn(), source.annotatorColumn(), source.labelColumn()),
        settings,
        parallelism);
  }

  /**
   * The rows {@link #read} gives of {@code task} of a Parquet input's driver scan ({@link
   * #scanOnDriver}), each to {@code rows}.
   */
  public static void readOnDriver(ParquetScan scan, int task, Consumer<ReadRow> rows) {
    scan.read(
        task,
        (values, fileOrder, rowOrder) ->
            rows.accept(
                new ReadRow(
                    trimSpaces(values[0]),
                    trimSpaces(values[1]),
                    trimSpaces(values[2]),
                    null,
                    null,
                    fileOrder,
                    rowOrder)));
  }

  /**
   * One row of {@link #read}'s columns, read on the driver: image, annotator and label trimmed of
   * spaces as Spark's trim does.
   */
  public record ReadRow(
      String image,
      String annotator,
      String label,
      String rawRecord,
      String toolReason,
      int fileOrder,
      long rowOrder) {}

  /** Spark's trim: spaces (U+0020) off both ends, no other whitespace; null stays null. */
  static String trimSpaces(String text) {
    if (text == null) {
      return null;
    }
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) == ' ') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == ' ') {
      end--;
    }
    return text.substring(start, end);
  }

  /**
   * A tool's export read as a plain table (no --format, or csv or json) fails far from the cause,
   * so its first file's first bytes are checked: one that looks like an export stops the run,
   * naming the format.
   */
  private static void refuseToolExport(HadoopPaths paths, AnnotationSource source, String path) {
    if (source.format() != InputFormat.AUTO
        && source.format() != InputFormat.CSV
        && source.format() != InputFormat.JSON) {
      return;
    }
    Optional<String> file =
        paths.isDirectory(path)
            ? paths.fileNames(path).stream().findFirst().map(name -> HadoopPaths.child(path, name))
            : Optional.of(path);
    if (file.isEmpty()) {
      return;
    }
    byte[] head;
    try (InputStream in = paths.openDecompressed(file.get())) {
      head = in.readNBytes(ExportSniffer.HEAD_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.get(), e);
    }
    ExportSniffer.sniff(
            head, List.of(source.imageColumn(), source.annotatorColumn(), source.labelColumn()))
        .ifPresent(
            export -> {
              String format = "--format " + Choices.name(export.format());
              if (export.format() == InputFormat.SAGEMAKER_GT) {
                throw new UserError(
                    file.get()
                        + " looks like "
                        + export.what()
                        + ", one consolidated label per image: "
                        + "read the workers' answers from the job's output folder with "
                        + SageMakerAnnotations.jobFolder(file.get())
                            .map(job -> "--input " + job + " " + format)
                            .orElse(format + " (the folder holding manifests/output/)"));
              }
              throw new UserError(
                  file.get()
                      + " looks like "
                      + export.what()
                      + (source.format() == InputFormat.AUTO
                          ? ": add " + format
                          : ", not a plain "
                              + Choices.name(source.format())
                              + " table: use "
                              + format));
            });
  }

  /**
   * The class list a Parquet input records in its label column's metadata (annotate's output does),
   * if any.
   */
  public static Optional<ClassList> recordedClasses(
      SparkSession spark, AnnotationSource source, String path) {
    InputFormat format =
        source.format() == InputFormat.AUTO ? detect(HadoopPaths.of(spark), path) : source.format();
    return format == InputFormat.PARQUET
        ? LabelColumns.classes(parquet(spark, path).schema(), source.labelColumn())
        : Optional.empty();
  }

  private static Dataset<Row> withoutToolReason(Dataset<Row> rows) {
    return rows.withColumn(TOOL_REASON, lit(null).cast(DataTypes.StringType));
  }

  /**
   * Spark packs files into partitions largest first, so the order across files is each file's own
   * rank by name.
   */
  public static Dataset<Row> withFileOrder(Dataset<Row> rows) {
    return rows.withColumn(FILE_ORDER, fileRank(rows.inputFiles()));
  }

  /** Each row's file's position among {@code files} sorted by name (0 for a single file). */
  private static Column fileRank(String[] files) {
    if (files.length <= 1) {
      return lit(0);
    }
    String[] sorted = files.clone();
    Arrays.sort(sorted);
    int[] ranks = IntStream.range(0, sorted.length).toArray();
    return element_at(map_from_arrays(lit(sorted), lit(ranks)), input_file_name());
  }

  private static InputFormat detect(HadoopPaths paths, String path) {
    if (!paths.isDirectory(path)) {
      return InputFormat.fromFileName(path)
          .orElseThrow(
              () ->
                  new UserError(
                      "cannot tell the format of "
                          + path
                          + " from its extension: set --format csv|json|parquet"));
    }
    // A tool's export is never taken for one unasked, but its layout is unmistakable.
    if (paths.exists(HadoopPaths.child(path, SageMakerAnnotations.MANIFEST))
        || paths.exists(HadoopPaths.child(path, SageMakerAnnotations.WORKER_RESPONSES))) {
      throw new UserError(
          path
              + " is a SageMaker Ground Truth job's output folder: read it with --format sagemaker-gt");
    }
    List<String> names = paths.fileNames(path);
    return names.stream()
        .map(InputFormat::fromFileName)
        .flatMap(Optional::stream)
        .findFirst()
        .orElse(InputFormat.PARQUET);
  }

  private static Dataset<Row> readJson(SparkSession spark, AnnotationSource source, String path) {
    StructType schema =
        new StructType()
            .add(source.imageColumn(), DataTypes.StringType, true)
            .add(source.annotatorColumn(), DataTypes.StringType, true)
            .add(source.labelColumn(), DataTypes.StringType, true)
            .add(CORRUPT, DataTypes.StringType, true);
    Dataset<Row> rows =
        HadoopPaths.rawLocal(spark.read())
            .schema(schema)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .json(readable(HadoopPaths.of(spark), path));
    return canonical(rows, source, rows.columns(), col(CORRUPT), path);
  }

  private static Dataset<Row> readParquet(
      SparkSession spark, AnnotationSource source, String path) {
    Dataset<Row> rows = parquet(spark, path);
    return canonical(rows, source, rows.columns(), lit(null).cast(DataTypes.StringType), path);
  }

  /**
   * The Parquet rows at {@code path}, after the checks that Spark would fail on with a stack trace.
   */
  private static Dataset<Row> parquet(SparkSession spark, String path) {
    HadoopPaths paths = HadoopPaths.of(spark);
    String at = readable(paths, path);
    List<String> files =
        paths.isDirectory(path)
            ? paths.fileNames(path).stream().map(name -> HadoopPaths.child(at, name)).toList()
            : List.of(at);
    // The first file is the one Spark takes the schema from; another would fail in a task, mid-job.
    if (!files.isEmpty()) {
      String head = new String(paths.head(files.get(0), FIRST_LINE), StandardCharsets.ISO_8859_1);
      if (!head.startsWith(PARQUET_MAGIC)) {
        InputFormat likely =
            head.stripLeading().startsWith("{") ? InputFormat.JSON : InputFormat.CSV;
        throw new UserError(
            (files.size() == 1 ? path : files.get(0))
                + " is not Parquet (it starts with '"
                + printable(head)
                + "', not "
                + PARQUET_MAGIC
                + "): for "
                + likely
                + " pass --format "
                + Choices.name(likely));
      }
    }
    return HadoopPaths.rawLocal(spark.read()).parquet(at);
  }

  /**
   * {@code path} as Spark's readers take it, after refusing a folder of sub-folders that are not
   * partitions (name=value), whose files Spark would not find: it fails to infer a schema.
   */
  private static String readable(HadoopPaths paths, String path) {
    List<String> folders =
        paths.directoryNames(path).stream()
            .filter(name -> !name.startsWith("_") && !name.startsWith(".") && !name.contains("="))
            .toList();
    if (!folders.isEmpty()) {
      List<String> shown = folders.stream().limit(3).map(name -> name + "/").toList();
      String listed =
          shown.size() == 1
              ? shown.get(0)
              : String.join(", ", shown.subList(0, shown.size() - 1))
                  + " and "
                  + (folders.size() > 3
                      ? (folders.size() - 2) + " more"
                      : shown.get(shown.size() - 1));
      throw new UserError(
          path
              + " holds the sub-folder"
              + (folders.size() == 1 ? " " : "s ")
              + listed
              + (folders.size() == 1
                  ? ", which is not a partition (name=value): give it as the input"
                  : ", which are not partitions (name=value): give one of them as the input, or move their files into one "
                      + "folder"));
    }
    return paths.forSpark(path);
  }

  /** {@code text}'s first line, its control and non-ASCII characters as '?'. */
  private static String printable(String text) {
    return text.lines().findFirst().orElse("").replaceAll("[^\\x20-\\x7E]", "?");
  }

  private static Dataset<Row> canonical(
      Dataset<Row> rows,
      AnnotationSource source,
      String[] available,
      Column rawRecord,
      String path) {
    requireColumn(available, source.imageColumn(), "softlabels.annotations.columns.image", path);
    requireColumn(
        available, source.annotatorColumn(), "softlabels.annotations.columns.annotator", path);
    requireColumn(available, source.labelColumn(), "softlabels.annotations.columns.label", path);
    return rows.select(
        col(quoted(source.imageColumn())).cast(DataTypes.StringType).as(IMAGE),
        col(quoted(source.annotatorColumn())).cast(DataTypes.StringType).as(ANNOTATOR),
        col(quoted(source.labelColumn())).cast(DataTypes.StringType).as(LABEL),
        rawRecord.as(RAW_RECORD));
  }

  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  static void requireColumn(String[] available, String column, String setting, String path) {
    if (!Arrays.asList(available).contains(column)) {
      throw new UserError(
          "column '"
              + column
              + "' ("
              + setting
              + ") not found in "
              + path
              + "; its columns are "
              + Arrays.toString(available));
    }
  }
}
