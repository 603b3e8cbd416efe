package dev.softlabels.spark.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Tuple2;

/**
 * A table written as Spark's Parquet writer writes it, from rows held on the driver, with no Spark
 * job: Spark's own write support (the schema with its metadata in the footer, the same Parquet
 * types), the session's compression and format settings, one {@code part-} file and {@code
 * _SUCCESS}. For a short command's small outputs, where a Spark job's first run costs seconds.
 */
public final class DriverParquet {

  private final Configuration hadoop;
  private final SQLConf sql;

  /**
   * @param hadoop the file systems' configuration a session would have
   * @param settings the session's Spark settings: spark.sql.parquet.* decide the format
   */
  public DriverParquet(Configuration hadoop, SparkConf settings) {
    this.hadoop = hadoop;
    this.sql = sqlConf(settings, "spark.sql.parquet.");
  }

  /**
   * The SQL settings a session of {@code settings} has under {@code prefix}, over Spark's defaults:
   * what a driver-side reader or writer needs of them, without a session.
   */
  static SQLConf sqlConf(SparkConf settings, String prefix) {
    SQLConf sql = new SQLConf();
    for (Tuple2<String, String> setting : settings.getAll()) {
      if (setting._1().startsWith(prefix)) {
        sql.setConfString(setting._1(), setting._2());
      }
    }
    return sql;
  }

  /**
   * Writes {@code rows}, each its values in {@code schema}'s order as {@link
   * InternalRows#dataFrame} takes them (every row an array of its own), as the Parquet table {@code
   * directory}, which must not exist.
   */
  public void writeValues(String directory, StructType schema, Iterable<Object[]> rows) {
    try (Table table = open(directory, schema, 1)) {
      rows.forEach(table.part(0)::writeValues);
    }
  }

  /** Writes Java rows as Spark's createDataFrame takes them, as {@link #writeValues} does. */
  public void writeRows(String directory, StructType schema, Iterable<Row> rows) {
    try (Table table = open(directory, schema, 1)) {
      rows.forEach(table.part(0)::writeRow);
    }
  }

  /**
   * The Parquet table {@code directory} (which must not exist), written in {@code parts} files at
   * once, each by one thread; complete ({@code _SUCCESS}) when closed.
   */
  public Table open(String directory, StructType schema, int parts) {
    Configuration conf = new Configuration(hadoop);
    ParquetWriteSupport.setSchema(schema, conf);
    conf.set(
        SQLConf.PARQUET_WRITE_LEGACY_FORMAT().key(),
        String.valueOf(sql.writeLegacyParquetFormat()));
    conf.set(
        SQLConf.PARQUET_OUTPUT_TIMESTAMP_TYPE().key(), sql.parquetOutputTimestampType().toString());
    conf.set(
        SQLConf.PARQUET_FIELD_ID_WRITE_ENABLED().key(),
        String.valueOf(sql.parquetFieldIdWriteEnabled()));
    CompressionCodecName codec = codec(sql.parquetCompressionCodec());
    Path folder = new Path(directory);
    String job = UUID.randomUUID().toString();
    try {
      FileSystem fs = folder.getFileSystem(conf);
      if (!fs.mkdirs(folder)) {
        throw new IOException("cannot create " + folder);
      }
      List<Part> opened = new ArrayList<>();
      for (int part = 0; part < parts; part++) {
        Path file =
            new Path(
                folder,
                String.format(
                    Locale.ROOT, "part-%05d-%s-c000%s.parquet", part, job, codec.getExtension()));
        opened.add(
            new Part(
                new Builder(file)
                    .withConf(conf)
                    .withCompressionCodec(codec)
                    .withWriteMode(ParquetFileWriter.Mode.CREATE)
                    .build(),
                CatalystTypeConverters.createToCatalystConverter(schema)));
      }
      return new Table(fs, folder, opened);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory, e);
    }
  }

  /** A table being written: its part files, and {@code _SUCCESS} once they are all closed. */
  public static final class Table implements AutoCloseable {
    private final FileSystem fs;
    private final Path folder;
    private final List<Part> parts;

    private Table(FileSystem fs, Path folder, List<Part> parts) {
      this.fs = fs;
      this.folder = folder;
      this.parts = parts;
    }

    /** The {@code index}th part file, for one thread. */
    public Part part(int index) {
      return parts.get(index);
    }

    @Override
    public void close() {
      try {
        for (Part part : parts) {
          part.writer.close();
        }
        fs.create(new Path(folder, "_SUCCESS"), false).close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + folder, e);
      }
    }
  }

  /** One part file of a {@link Table}. */
  public static final class Part {
    private final ParquetWriter<InternalRow> writer;
    private final Function1<Object, Object> fromRow;

    private Part(ParquetWriter<InternalRow> writer, Function1<Object, Object> fromRow) {
      this.writer = writer;
      this.fromRow = fromRow;
    }

    /** A row's values as {@link InternalRows#dataFrame} takes them. */
    public void writeValues(Object[] values) {
      write(InternalRows.internalRow(values));
    }

    /** A Java row as Spark's createDataFrame takes it. */
    public void writeRow(Row row) {
      write((InternalRow) fromRow.apply(row));
    }

    private void write(InternalRow row) {
      try {
        writer.write(row);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write a row", e);
      }
    }
  }

  /** Spark's name for a codec (spark.sql.parquet.compression.codec) as Parquet's. */
  private static CompressionCodecName codec(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.equals("none")
        ? CompressionCodecName.UNCOMPRESSED
        : CompressionCodecName.fromConf(lower);
  }

  private static final class Builder extends ParquetWriter.Builder<InternalRow, Builder> {
    Builder(Path file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<InternalRow> getWriteSupport(Configuration conf) {
      return new ParquetWriteSupport();
    }
  }
}
