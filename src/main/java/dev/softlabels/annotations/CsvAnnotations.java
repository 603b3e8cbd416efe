package dev.softlabels.annotations;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopConfSnapshot;
import dev.softlabels.spark.HadoopPaths;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * CSV annotation files to rows of the columns a {@link Layout} names (image, annotator, label, and
 * for a tool's export its status column), raw_record (set when the record is not parsable) and
 * file_order. Every file's first record is read on the driver first, so that each file is mapped by
 * its own header and a file lacking a column is refused before any work; then each file is read
 * whole by one task (a quoted field may span lines, so a file cannot be split at an arbitrary
 * byte), many small files sharing a task.
 */
public final class CsvAnnotations {

  /**
   * Records longer than this are quarantined, kept up to here; an annotation row is nowhere near
   * it.
   */
  static final int MAX_RECORD_BYTES = 1 << 20;

  /** Input a task reads at most when files can be shared out, as Spark's own file sources do. */
  private static final long BYTES_PER_TASK = 128L << 20;

  private CsvAnnotations() {}

  /**
   * A column to take from every file: its name there, the column it becomes, the setting naming it.
   */
  record Field(String name, String as, String setting) {}

  /**
   * Which columns to take and how the files are written: header line or not, delimiter, encoding.
   */
  record Layout(List<Field> fields, boolean header, char delimiter, String encoding) {

    /**
     * The plain three columns of softlabels.annotations.columns, as softlabels.annotations.csv
     * says.
     */
    static Layout of(AnnotationSource source) {
      return new Layout(
          List.of(
              new Field(
                  source.imageColumn(), LabelColumns.IMAGE, "softlabels.annotations.columns.image"),
              new Field(
                  source.annotatorColumn(),
                  LabelColumns.ANNOTATOR,
                  "softlabels.annotations.columns.annotator"),
              new Field(
                  source.labelColumn(),
                  LabelColumns.LABEL,
                  "softlabels.annotations.columns.label")),
          source.csvHeader(),
          source.csvDelimiter().charAt(0),
          source.csvEncoding());
    }

    StructType schema() {
      StructType schema = new StructType();
      for (Field field : fields) {
        schema = schema.add(field.as(), DataTypes.StringType, true);
      }
      return schema
          .add(AnnotationReader.RAW_RECORD, DataTypes.StringType, true)
          .add(AnnotationReader.FILE_ORDER, DataTypes.IntegerType, false);
    }
  }

  /**
   * One file to read: its rank by name, where its columns stand and how many fields a record has.
   */
  record FileTask(String path, int fileOrder, boolean header, int fields, int[] columns, long bytes)
      implements Serializable {}

  static Dataset<Row> read(SparkSession spark, Layout layout, String path) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<List<FileTask>> groups =
        pack(tasks(conf, layout, path), spark.sparkContext().defaultParallelism());
    HadoopConfSnapshot snapshot = new HadoopConfSnapshot(spark);
    JavaRDD<Row> rows =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(groups, groups.size())
            .flatMap(reader(snapshot, layout.delimiter(), layout.encoding()));
    return spark.createDataFrame(rows, layout.schema());
  }

  /**
   * The rows {@link #read} gives, read here on the driver with no Spark job (a small input, where a
   * job's first run costs more than its rows), each with its row_order after file_order: the number
   * Spark's monotonically_increasing_id gives it when the files are read in tasks of {@code
   * parallelism} slots (the task's index in the upper 31 bits, the record's in the lower 33).
   */
  static List<Object[]> readOnDriver(
      Configuration conf, Layout layout, String path, int parallelism) {
    List<List<FileTask>> groups = pack(tasks(conf, layout, path), parallelism);
    Charset charset = Charset.forName(layout.encoding());
    List<Object[]> rows = new ArrayList<>();
    for (int task = 0; task < groups.size(); task++) {
      Rows read = new Rows(groups.get(task).iterator(), conf, layout.delimiter(), charset);
      long rowOrder = (long) task << 33;
      while (read.hasNext()) {
        Row row = read.next();
        Object[] values = new Object[row.length() + 1];
        for (int i = 0; i < row.length(); i++) {
          values[i] = row.get(i);
        }
        values[row.length()] = rowOrder++;
        rows.add(values);
      }
    }
    return rows;
  }

  /** One task per file, its columns found from its first record; refuses an empty folder. */
  private static List<FileTask> tasks(Configuration conf, Layout layout, String path) {
    List<FileStatus> files = list(conf, path);
    if (files.isEmpty()) {
      throw new UserError("no files to read in " + path);
    }
    return IntStream.range(0, files.size())
        .mapToObj(i -> task(conf, layout, files.get(i), i))
        .flatMap(Optional::stream)
        .toList();
  }

  /**
   * A tool's CSV or TSV of assignments, one row per vote: its image and label columns as
   * configured, its fixed annotator and status columns, and the statuses (matched ignoring case)
   * that are the tool's own verdict on a row, with the quarantine reason each stands for.
   */
  public record AssignmentTable(
      String tool,
      char delimiter,
      ExportFields.TableColumns columns,
      String annotatorColumn,
      String statusColumn,
      Map<String, QuarantineReason> reasonByStatus) {}

  /** The table's votes, the status's verdict as tool_reason (null: a usable vote). */
  public static Dataset<Row> readAssignments(
      SparkSession spark, AnnotationSource source, String path, AssignmentTable table) {
    String status = "status";
    Layout layout =
        new Layout(
            List.of(
                new Field(
                    table.columns().image(),
                    LabelColumns.IMAGE,
                    ColumnFlags.IMAGE
                        + ", "
                        + ExportFields.TableColumns.imageSetting(table.columns().block())),
                new Field(
                    table.annotatorColumn(),
                    LabelColumns.ANNOTATOR,
                    "the " + table.tool() + " annotator column"),
                new Field(
                    table.columns().label(),
                    LabelColumns.LABEL,
                    ColumnFlags.LABEL
                        + ", "
                        + ExportFields.TableColumns.labelSetting(table.columns().block())),
                new Field(table.statusColumn(), status, "the " + table.tool() + " status column")),
            true,
            table.delimiter(),
            source.csvEncoding());
    Column statusValue = upper(trim(col(status)));
    Column reason = lit(null).cast(DataTypes.StringType);
    for (Map.Entry<String, QuarantineReason> entry : table.reasonByStatus().entrySet()) {
      reason =
          when(
                  statusValue.equalTo(entry.getKey().toUpperCase(Locale.ROOT)),
                  lit(entry.getValue().code()))
              .otherwise(reason);
    }
    return read(spark, layout, path).withColumn(AnnotationReader.TOOL_REASON, reason).drop(status);
  }

  /**
   * The visible files at or under {@code path}, sorted by path: the order duplicates are decided
   * in.
   */
  private static List<FileStatus> list(Configuration conf, String path) {
    try {
      Path root = HadoopPaths.path(path);
      FileSystem fs = root.getFileSystem(conf);
      List<FileStatus> files = new ArrayList<>();
      collect(fs, fs.getFileStatus(root), files);
      files.sort(Comparator.comparing(f -> f.getPath().toString()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
  }

  private static void collect(FileSystem fs, FileStatus status, List<FileStatus> files)
      throws IOException {
    if (status.isFile()) {
      files.add(status);
      return;
    }
    for (FileStatus child : fs.listStatus(status.getPath())) {
      String name = child.getPath().getName();
      // As Spark's file sources: _SUCCESS, _temporary, .crc and other hidden files are not data.
      if (!name.startsWith("_") && !name.startsWith(".")) {
        collect(fs, child, files);
      }
    }
  }

  /** The file's task from its first record; empty for a header-less empty file (no rows). */
  private static Optional<FileTask> task(
      Configuration conf, Layout layout, FileStatus file, int rank) {
    String path = file.getPath().toString();
    List<String> columns = new ArrayList<>();
    try (CsvRecordReader reader =
        open(conf, path, layout.delimiter(), Charset.forName(layout.encoding()))) {
      boolean any = reader.next();
      // Its binary footer would otherwise be shown as the file's columns.
      if (any && reader.text().startsWith(AnnotationReader.PARQUET_MAGIC)) {
        throw new UserError(
            path
                + " is a Parquet file (it starts with "
                + AnnotationReader.PARQUET_MAGIC
                + "), not CSV: pass --format parquet");
      }
      if (any && reader.malformed()) {
        throw new UserError(
            "the first record of "
                + path
                + " is not valid CSV (an unclosed quote, text after a "
                + "closing quote, or over "
                + (MAX_RECORD_BYTES >> 20)
                + " MiB), so its columns are unknown");
      }
      if (!any && !layout.header()) {
        return Optional.empty();
      }
      for (int i = 0; any && i < reader.fieldCount(); i++) {
        columns.add(layout.header() ? Objects.requireNonNullElse(reader.field(i), "") : "_c" + i);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    int[] indices =
        layout.fields().stream().mapToInt(field -> index(columns, field, path)).toArray();
    return Optional.of(
        new FileTask(path, rank, layout.header(), columns.size(), indices, file.getLen()));
  }

  private static int index(List<String> columns, Field field, String path) {
    AnnotationReader.requireColumn(
        columns.toArray(String[]::new), field.name(), field.setting(), path);
    if (columns.indexOf(field.name()) != columns.lastIndexOf(field.name())) {
      throw new UserError(
          "column '"
              + field.name()
              + "' ("
              + field.setting()
              + ") appears twice in "
              + path
              + "; its columns are "
              + columns);
    }
    return columns.indexOf(field.name());
  }

  /**
   * Files into at most one group per task, largest first onto the lightest group: as many groups as
   * the cluster runs at once, more when the input is larger than that many tasks should read each.
   */
  private static List<List<FileTask>> pack(List<FileTask> tasks, int parallelism) {
    long total = tasks.stream().mapToLong(FileTask::bytes).sum();
    long byBytes = (total + BYTES_PER_TASK - 1) / BYTES_PER_TASK;
    int count = (int) Math.max(1, Math.min(tasks.size(), Math.max(parallelism, byBytes)));
    List<List<FileTask>> groups = new ArrayList<>();
    long[] load = new long[count];
    IntStream.range(0, count).forEach(i -> groups.add(new ArrayList<>()));
    tasks.stream()
        .sorted(Comparator.comparingLong(FileTask::bytes).reversed())
        .forEach(
            task -> {
              int lightest =
                  IntStream.range(0, count).reduce((a, b) -> load[b] < load[a] ? b : a).getAsInt();
              groups.get(lightest).add(task);
              load[lightest] += task.bytes();
            });
    return groups;
  }

  private static CsvRecordReader open(
      Configuration conf, String path, char delimiter, Charset charset) throws IOException {
    return new CsvRecordReader(
        HadoopPaths.of(conf).openDecompressed(path), delimiter, charset, MAX_RECORD_BYTES);
  }

  private static FlatMapFunction<List<FileTask>, Row> reader(
      HadoopConfSnapshot snapshot, char delimiter, String encoding) {
    return group ->
        new Rows(
            group.iterator(), snapshot.toConfiguration(), delimiter, Charset.forName(encoding));
  }

  /** The rows of a group's files, one file after the other, each read as it is consumed. */
  private static final class Rows implements Iterator<Row> {
    private final Iterator<FileTask> files;
    private final Configuration conf;
    private final char delimiter;
    private final Charset charset;
    private FileTask file;
    private CsvRecordReader reader;
    private Row next;

    Rows(Iterator<FileTask> files, Configuration conf, char delimiter, Charset charset) {
      this.files = files;
      this.conf = conf;
      this.delimiter = delimiter;
      this.charset = charset;
      // A consumer may stop early (a limit): the open file is closed with the task all the same.
      Optional.ofNullable(TaskContext.get())
          .ifPresent(
              context ->
                  context.addTaskCompletionListener(
                      (TaskCompletionListener) done -> closeReader()));
    }

    @Override
    public boolean hasNext() {
      try {
        while (next == null) {
          if (reader == null) {
            if (!files.hasNext()) {
              return false;
            }
            file = files.next();
            reader = open(conf, file.path(), delimiter, charset);
            if (file.header()) {
              reader.next();
            }
            reader.expectFields(file.fields());
          }
          if (reader.next()) {
            next = row();
          } else {
            closeReader();
          }
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file.path(), e);
      }
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row row = next;
      next = null;
      return row;
    }

    /**
     * A record with another number of fields than the header's, or malformed, keeps its text as
     * raw_record and what fields it has by position, as Spark's CSV reader gives them.
     */
    private Row row() {
      boolean parsed = !reader.malformed() && reader.fieldCount() == file.fields();
      Object[] values = new Object[file.columns().length + 2];
      for (int i = 0; i < file.columns().length; i++) {
        values[i] = field(file.columns()[i]);
      }
      values[values.length - 2] = parsed ? null : reader.text();
      values[values.length - 1] = file.fileOrder();
      return RowFactory.create(values);
    }

    private String field(int index) {
      return index < reader.fieldCount() ? reader.field(index) : null;
    }

    private void closeReader() {
      if (reader == null) {
        return;
      }
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + file.path(), e);
      } finally {
        reader = null;
      }
    }
  }
}
