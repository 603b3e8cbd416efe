package dev.softlabels.spark.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetInputFormat;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.execution.datasources.parquet.ParquetReadSupport;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.execution.datasources.parquet.VectorizedParquetRecordReader;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * String columns of a Parquet table read on the driver, in the tasks a local session's file scan
 * would read them in, each row numbered as {@code monotonically_increasing_id} numbers it there
 * (the task's index in the upper 31 bits, the row's in the task in the lower 33). Spark's own
 * vectorized reader reads them. Only a table whose every file a session reads whole, in a packing
 * this can tell, is taken ({@link #of}); anything else is for a session.
 */
public final class ParquetScan {

  /** Rows of a batch of Spark's vectorized reader (its default). */
  private static final int BATCH_ROWS = 4096;

  private final Configuration conf;
  private final List<List<FileStatus>> tasks;
  private final Map<Path, Integer> fileOrder;
  private final StructType columns;
  private final long rows;

  private ParquetScan(
      Configuration conf,
      List<List<FileStatus>> tasks,
      Map<Path, Integer> fileOrder,
      StructType columns,
      long rows) {
    this.conf = conf;
    this.tasks = tasks;
    this.fileOrder = fileOrder;
    this.columns = columns;
    this.rows = rows;
  }

  /** One row of a task: the columns' values (null where null), its file's rank and its number. */
  @FunctionalInterface
  public interface RowSink {
    void row(String[] values, int fileOrder, long rowOrder);
  }

  /**
   * The scan of {@code columns} at {@code given} (a folder of Parquet files or one file) by a local
   * session of {@code settings} with {@code parallelism} task slots; none where a session might
   * read otherwise: a glob, sub-folders or summary files, a column missing, not a string, or named
   * twice but for case in a file, a file the session would split, an unreadable footer.
   */
  public static Optional<ParquetScan> of(
      Configuration conf, Path given, List<String> columns, SparkConf settings, int parallelism) {
    if (ParquetFiles.glob(given)) {
      return Optional.empty();
    }
    SQLConf sql = DriverParquet.sqlConf(settings, "spark.sql.files.");
    if (sql.filesMaxPartitionNum().isDefined()) {
      return Optional.empty();
    }
    try {
      Optional<List<FileStatus>> listed = ParquetFiles.listed(conf, given);
      if (listed.isEmpty()) {
        return Optional.empty();
      }
      List<FileStatus> files = listed.get();
      StructType wanted = null;
      long rows = 0;
      for (FileStatus file : files) {
        Optional<Footer> footer = stringColumns(conf, file, columns);
        // Every file's columns alike, metadata too: a session takes one file's schema for all.
        if (footer.isEmpty() || wanted != null && !wanted.equals(footer.get().columns())) {
          return Optional.empty();
        }
        wanted = footer.get().columns();
        rows += footer.get().rows();
      }
      Optional<List<List<FileStatus>>> tasks = tasks(files, settings, sql, parallelism);
      if (tasks.isEmpty()) {
        return Optional.empty();
      }
      List<Path> byName = new ArrayList<>(files.stream().map(FileStatus::getPath).toList());
      byName.sort(Comparator.comparing(Path::toString));
      Map<Path, Integer> fileOrder = new HashMap<>();
      for (int i = 0; i < byName.size(); i++) {
        fileOrder.put(byName.get(i), i);
      }
      return Optional.of(
          new ParquetScan(new Configuration(conf), tasks.get(), fileOrder, wanted, rows));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The tasks the scan reads in. */
  public int tasks() {
    return tasks.size();
  }

  /** The columns read, with the metadata their files record for them. */
  public StructType columns() {
    return columns;
  }

  /** The rows of its files (their footers' counts). */
  public long rows() {
    return rows;
  }

  /** Every row of {@code task} in turn, numbered as the session's scan numbers it. */
  public void read(int task, RowSink sink) {
    Configuration reading = ParquetFiles.readingConf(conf, columns.asNullable());
    // The vectorized reader (a session's, for string columns) takes its read support from here.
    reading.set(ParquetInputFormat.READ_SUPPORT_CLASS, ParquetReadSupport.class.getName());
    long rowOrder = (long) task << 33;
    String[] values = new String[columns.size()];
    for (FileStatus file : tasks.get(task)) {
      int order = fileOrder.get(file.getPath());
      VectorizedParquetRecordReader reader = new VectorizedParquetRecordReader(false, BATCH_ROWS);
      try {
        reader.initialize(
            new FileSplit(file.getPath(), 0, file.getLen(), (String[]) null),
            new TaskAttemptContextImpl(reading, new TaskAttemptID()));
        reader.initBatch(new StructType(), null);
        ColumnarBatch batch = reader.resultBatch();
        while (reader.nextBatch()) {
          for (int row = 0; row < batch.numRows(); row++) {
            for (int c = 0; c < values.length; c++) {
              ColumnVector vector = batch.column(c);
              values[c] = vector.isNullAt(row) ? null : vector.getUTF8String(row).toString();
            }
            sink.row(values, order, rowOrder++);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file.getPath(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted reading " + file.getPath(), e);
      } finally {
        try {
          reader.close();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot close " + file.getPath(), e);
        }
      }
    }
  }

  /** A file's columns, as a session reads its schema, and its rows. */
  private record Footer(StructType columns, long rows) {}

  /**
   * The file's columns and rows when each of {@code columns} is a string column of it by exactly
   * that name and no other column has the name but for case (a session's case-insensitive lookup).
   */
  private static Optional<Footer> stringColumns(
      Configuration conf, FileStatus file, List<String> columns) throws IOException {
    ParquetMetadata footer;
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
      footer = reader.getFooter();
    }
    String json =
        footer.getFileMetaData().getKeyValueMetaData().get(ParquetReadSupport.SPARK_METADATA_KEY());
    StructType schema =
        json != null
            ? (StructType) DataType.fromJson(json)
            : new ParquetToSparkSchemaConverter(conf).convert(footer.getFileMetaData().getSchema());
    StructType found = new StructType();
    for (String column : columns) {
      List<StructField> named =
          List.of(schema.fields()).stream()
              .filter(field -> field.name().equalsIgnoreCase(column))
              .toList();
      if (named.size() != 1
          || !named.get(0).name().equals(column)
          || !named.get(0).dataType().equals(DataTypes.StringType)) {
        return Optional.empty();
      }
      found =
          found.add(named.get(0).copy(column, DataTypes.StringType, true, named.get(0).metadata()));
    }
    return Optional.of(
        new Footer(found, footer.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum()));
  }

  /**
   * The session's tasks (FilePartition.getFilePartitions after FilePartition.maxSplitBytes): files
   * largest first (a stable sort of the listing), each task filled up to the split size with each
   * file costing its bytes and the open cost; none when a file is larger than a split (the session
   * would split it).
   */
  private static Optional<List<List<FileStatus>>> tasks(
      List<FileStatus> files, SparkConf settings, SQLConf sql, int parallelism) {
    long openCost = sql.filesOpenCostInBytes();
    // SparkSession.leafNodeDefaultParallelism: the setting, else the context's parallelism.
    int leafParallelism =
        settings.getOption(SQLConf.LEAF_NODE_DEFAULT_PARALLELISM().key()).isDefined()
            ? Integer.parseInt(settings.get(SQLConf.LEAF_NODE_DEFAULT_PARALLELISM().key()))
            : parallelism;
    int minPartitions =
        sql.filesMinPartitionNum().isDefined()
            ? (Integer) sql.filesMinPartitionNum().get()
            : leafParallelism;
    long total = files.stream().mapToLong(file -> file.getLen() + openCost).sum();
    long maxSplit =
        Math.min(sql.filesMaxPartitionBytes(), Math.max(openCost, total / minPartitions));
    if (files.stream().anyMatch(file -> file.getLen() > maxSplit)) {
      return Optional.empty();
    }
    List<FileStatus> largestFirst = new ArrayList<>(files);
    largestFirst.sort(Comparator.comparingLong(FileStatus::getLen).reversed());
    List<List<FileStatus>> tasks = new ArrayList<>();
    List<FileStatus> current = new ArrayList<>();
    long size = 0;
    for (FileStatus file : largestFirst) {
      if (size + file.getLen() > maxSplit && !current.isEmpty()) {
        tasks.add(List.copyOf(current));
        current.clear();
        size = 0;
      }
      size += file.getLen() + openCost;
      current.add(file);
    }
    tasks.add(List.copyOf(current));
    return Optional.of(List.copyOf(tasks));
  }
}
