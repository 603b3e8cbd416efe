package dev.softlabels.spark.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.parquet.ParquetReadSupport;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A plain Parquet table (Spark's files, one folder, no partitions) read on the driver without a
 * Spark session, its rows as Spark's own Parquet reader gives them ({@code ParquetReadSupport}) in
 * the order a session's scan of it, coalesced to one partition, gives them. Only a table where that
 * order and schema are certain is taken ({@link #plain}); anything else is for a session.
 */
public final class ParquetFiles {

  /**
   * The least a file is split into with Spark's default file settings (spark.sql.files.*: the open
   * cost, 4 MiB): a scan reads each file whole up to this size, so its files come in a known order.
   */
  static final long WHOLE_FILE_BYTES = 4L * 1024 * 1024;

  /** The characters that make Spark take a path it reads for a glob. */
  private static final String GLOB = "{}[]*?\\";

  private final Configuration conf;
  private final List<FileStatus> files;
  private final StructType schema;

  private ParquetFiles(Configuration conf, List<FileStatus> files, StructType schema) {
    this.conf = conf;
    this.files = files;
    this.schema = schema;
  }

  /**
   * The table at {@code given} (a folder of Parquet files Spark wrote, or one such file), when a
   * session would read exactly what this reads: none where it might not (a folder with sub-folders
   * or summary files, a file without Spark's schema or with another schema than its siblings, an
   * empty or unreadable file, a glob, files that a scan would split and interleave).
   */
  public static Optional<ParquetFiles> plain(Configuration conf, Path given) {
    if (glob(given)) {
      return Optional.empty();
    }
    try {
      Optional<List<FileStatus>> listed = listed(conf, given);
      if (listed.isEmpty()) {
        return Optional.empty();
      }
      List<FileStatus> files = new ArrayList<>(listed.get());
      if (files.size() > 1 && files.stream().anyMatch(f -> f.getLen() > WHOLE_FILE_BYTES)) {
        return Optional.empty();
      }
      // A session's scan orders its file splits by size, largest first (a stable sort of the
      // folder's listing): with every file whole, its files in that order.
      files.sort(Comparator.comparingLong(FileStatus::getLen).reversed());
      StructType schema = null;
      for (FileStatus file : files) {
        Optional<StructType> own = schema(conf, file);
        if (own.isEmpty() || schema != null && !schema.equals(own.get())) {
          return Optional.empty();
        }
        schema = own.get();
      }
      return Optional.of(new ParquetFiles(conf, List.copyOf(files), schema));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The files a session's scan of {@code given} reads, in its listing's order: none when a session
   * might read others or fewer (sub-folders, summary files, an empty or oddly named file).
   */
  static Optional<List<FileStatus>> listed(Configuration conf, Path given) throws IOException {
    FileSystem fs = given.getFileSystem(conf);
    FileStatus status = fs.getFileStatus(given);
    List<FileStatus> files = new ArrayList<>();
    if (status.isFile()) {
      if (hidden(status.getPath().getName())) {
        return Optional.empty();
      }
      files.add(status);
    } else {
      for (FileStatus child : fs.listStatus(given)) {
        String name = child.getPath().getName();
        if (name.startsWith("_metadata") || name.startsWith("_common_metadata")) {
          return Optional.empty();
        }
        if (hidden(name)) {
          continue;
        }
        if (child.isDirectory() || name.startsWith("_")) {
          return Optional.empty();
        }
        files.add(child);
      }
    }
    boolean odd =
        files.stream().anyMatch(f -> f.getLen() == 0 || f.getPath().getName().contains(":"));
    return files.isEmpty() || odd ? Optional.empty() : Optional.of(files);
  }

  /** Whether a session takes {@code given} for a glob. */
  static boolean glob(Path given) {
    return given.toString().chars().anyMatch(c -> GLOB.indexOf(c) >= 0);
  }

  /** The names a session's listing of a folder skips (Spark's own rule). */
  private static boolean hidden(String name) {
    return name.startsWith("_") && !name.contains("=")
        || name.startsWith(".")
        || name.endsWith("._COPYING_");
  }

  /**
   * The schema Spark wrote into the file's footer as JSON, which a session reads it with (older
   * forms of it, which a session parses otherwise, are not taken).
   */
  private static Optional<StructType> schema(Configuration conf, FileStatus file)
      throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
      String json =
          reader
              .getFooter()
              .getFileMetaData()
              .getKeyValueMetaData()
              .get(ParquetReadSupport.SPARK_METADATA_KEY());
      return json == null
          ? Optional.empty()
          : Optional.of(DataType.fromJson(json))
              .filter(StructType.class::isInstance)
              .map(StructType.class::cast);
    }
  }

  /**
   * What a session's Parquet scan sets for its reader (ParquetFileFormat) of {@code requested},
   * from the settings a session without the user's spark.sql.* ones has.
   */
  static Configuration readingConf(Configuration conf, StructType requested) {
    Configuration reading = new Configuration(conf);
    SQLConf sql = SQLConf.get();
    reading.set(ParquetReadSupport.SPARK_ROW_REQUESTED_SCHEMA(), requested.json());
    reading.set(SQLConf.SESSION_LOCAL_TIMEZONE().key(), sql.sessionLocalTimeZone());
    reading.setBoolean(
        SQLConf.NESTED_SCHEMA_PRUNING_ENABLED().key(), sql.nestedSchemaPruningEnabled());
    reading.setBoolean(SQLConf.CASE_SENSITIVE().key(), sql.caseSensitiveAnalysis());
    reading.setBoolean(SQLConf.PARQUET_BINARY_AS_STRING().key(), sql.isParquetBinaryAsString());
    reading.setBoolean(SQLConf.PARQUET_INT96_AS_TIMESTAMP().key(), sql.isParquetINT96AsTimestamp());
    reading.setBoolean(
        SQLConf.PARQUET_INFER_TIMESTAMP_NTZ_ENABLED().key(), sql.parquetInferTimestampNTZEnabled());
    reading.setBoolean(
        SQLConf.LEGACY_PARQUET_NANOS_AS_LONG().key(), sql.legacyParquetNanosAsLong());
    return reading;
  }

  /** The table's schema, as a session reads it (its columns' metadata too). */
  public StructType schema() {
    return schema;
  }

  /** The bytes of its files. */
  public long bytes() {
    return files.stream().mapToLong(FileStatus::getLen).sum();
  }

  /**
   * {@code action} on each row in turn, in a session's order. A row is Spark's, reused for the
   * next: its values are valid until {@code action} returns.
   */
  void forEach(Consumer<InternalRow> action) {
    Configuration reading = readingConf(conf, schema.asNullable());
    for (FileStatus file : files) {
      try (ParquetReader<InternalRow> reader =
          ParquetReader.builder(new ParquetReadSupport(), file.getPath())
              .withConf(reading)
              .build()) {
        for (InternalRow row = reader.read(); row != null; row = reader.read()) {
          action.accept(row);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file.getPath(), e);
      }
    }
  }
}
