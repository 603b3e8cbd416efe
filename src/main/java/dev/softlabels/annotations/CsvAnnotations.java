package dev.softlabels.annotations;

import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopConfSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * CSV annotation files to rows of image, annotator, label, raw_record (set when the record is not
 * parsable) and file_order. Every file's first record is read on the driver first, so that each file
 * is mapped by its own header and a file lacking a column is refused before any work; then each file
 * is read whole by one task (a quoted field may span lines, so a file cannot be split at an arbitrary
 * byte), many small files sharing a task.
 */
final class CsvAnnotations {

  /** Records longer than this are quarantined, kept up to here; an annotation row is nowhere near it. */
  static final int MAX_RECORD_BYTES = 1 << 20;
  /** Input a task reads at most when files can be shared out, as Spark's own file sources do. */
  private static final long BYTES_PER_TASK = 128L << 20;

  static final StructType SCHEMA = new StructType()
      .add(LabelColumns.IMAGE, DataTypes.StringType, true)
      .add(LabelColumns.ANNOTATOR, DataTypes.StringType, true)
      .add(LabelColumns.LABEL, DataTypes.StringType, true)
      .add(AnnotationReader.RAW_RECORD, DataTypes.StringType, true)
      .add(AnnotationReader.FILE_ORDER, DataTypes.IntegerType, false);

  private CsvAnnotations() {}

  /** One file to read: its rank by name, where its columns stand and how many fields a record has. */
  record FileTask(String path, int fileOrder, boolean header, int fields, int image, int annotator, int label,
      long bytes) implements Serializable {}

  static Dataset<Row> read(SparkSession spark, AnnotationSource source, String path) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<FileStatus> files = list(conf, path);
    if (files.isEmpty()) {
      throw new UserError("no files to read in " + path);
    }
    List<FileTask> tasks = IntStream.range(0, files.size())
        .mapToObj(i -> task(conf, source, files.get(i), i))
        .flatMap(Optional::stream)
        .toList();
    List<List<FileTask>> groups = pack(tasks, spark.sparkContext().defaultParallelism());
    HadoopConfSnapshot snapshot = new HadoopConfSnapshot(spark);
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(groups, groups.size())
        .flatMap(reader(snapshot, source.csvDelimiter().charAt(0), source.csvEncoding()));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** The visible files at or under {@code path}, sorted by path: the order duplicates are decided in. */
  private static List<FileStatus> list(Configuration conf, String path) {
    try {
      Path root = new Path(path);
      FileSystem fs = root.getFileSystem(conf);
      List<FileStatus> files = new ArrayList<>();
      collect(fs, fs.getFileStatus(root), files);
      files.sort(Comparator.comparing(f -> f.getPath().toString()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
  }

  private static void collect(FileSystem fs, FileStatus status, List<FileStatus> files) throws IOException {
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
  private static Optional<FileTask> task(Configuration conf, AnnotationSource source, FileStatus file, int rank) {
    String path = file.getPath().toString();
    List<String> columns = new ArrayList<>();
    try (CsvRecordReader reader = open(conf, path, source.csvDelimiter().charAt(0), source.csvCharset())) {
      boolean any = reader.next();
      if (any && reader.malformed()) {
        throw new UserError("the first record of " + path + " is not valid CSV (an unclosed quote, text after a "
            + "closing quote, or over " + (MAX_RECORD_BYTES >> 20) + " MiB), so its columns are unknown");
      }
      if (!any && !source.csvHeader()) {
        return Optional.empty();
      }
      for (int i = 0; any && i < reader.fieldCount(); i++) {
        columns.add(source.csvHeader() ? Objects.requireNonNullElse(reader.field(i), "") : "_c" + i);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    return Optional.of(new FileTask(path, rank, source.csvHeader(), columns.size(),
        column(columns, source.imageColumn(), "image", path),
        column(columns, source.annotatorColumn(), "annotator", path),
        column(columns, source.labelColumn(), "label", path),
        file.getLen()));
  }

  private static int column(List<String> columns, String name, String role, String path) {
    AnnotationReader.requireColumn(columns.toArray(String[]::new), name, role, path);
    if (columns.indexOf(name) != columns.lastIndexOf(name)) {
      throw new UserError("column '" + name + "' (softlabels.annotations.columns." + role + ") appears twice in "
          + path + "; its columns are " + columns);
    }
    return columns.indexOf(name);
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
    tasks.stream().sorted(Comparator.comparingLong(FileTask::bytes).reversed()).forEach(task -> {
      int lightest = IntStream.range(0, count).reduce((a, b) -> load[b] < load[a] ? b : a).getAsInt();
      groups.get(lightest).add(task);
      load[lightest] += task.bytes();
    });
    return groups;
  }

  private static CsvRecordReader open(Configuration conf, String path, char delimiter, Charset charset)
      throws IOException {
    Path file = new Path(path);
    InputStream in = file.getFileSystem(conf).open(file);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
    return new CsvRecordReader(codec == null ? in : codec.createInputStream(in), delimiter, charset,
        MAX_RECORD_BYTES);
  }

  private static FlatMapFunction<List<FileTask>, Row> reader(HadoopConfSnapshot snapshot, char delimiter,
      String encoding) {
    return group -> new Rows(group.iterator(), snapshot.toConfiguration(), delimiter, Charset.forName(encoding));
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
      Optional.ofNullable(TaskContext.get()).ifPresent(context ->
          context.addTaskCompletionListener((TaskCompletionListener) done -> closeReader()));
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
      return RowFactory.create(field(file.image()), field(file.annotator()), field(file.label()),
          parsed ? null : reader.text(), file.fileOrder());
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
