package dev.softlabels.spark.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
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
    this.sql = new SQLConf();
    for (Tuple2<String, String> setting : settings.getAll()) {
      if (setting._1().startsWith("spark.sql.parquet.")) {
        sql.setConfString(setting._1(), setting._2());
      }
    }
  }

  /**
   * Writes {@code rows}, each its values in {@code schema}'s order as {@link
   * InternalRows#dataFrame} takes them (every row an array of its own), as the Parquet table {@code
   * directory}, which must not exist.
   */
  public void writeValues(String directory, StructType schema, Iterable<Object[]> rows) {
    write(directory, schema, rows, InternalRows::internalRow);
  }

  /** Writes Java rows as Spark's createDataFrame takes them, as {@link #writeValues} does. */
  public void writeRows(String directory, StructType schema, Iterable<Row> rows) {
    Function1<Object, Object> converter = CatalystTypeConverters.createToCatalystConverter(schema);
    write(directory, schema, rows, row -> (InternalRow) converter.apply(row));
  }

  private <T> void write(
      String directory, StructType schema, Iterable<T> rows, Function<T, InternalRow> internal) {
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
    Path file =
        new Path(
            folder,
            "part-00000-" + UUID.randomUUID() + "-c000" + codec.getExtension() + ".parquet");
    try {
      FileSystem fs = folder.getFileSystem(conf);
      if (!fs.mkdirs(folder)) {
        throw new IOException("cannot create " + folder);
      }
      try (ParquetWriter<InternalRow> writer =
          new Builder(file)
              .withConf(conf)
              .withCompressionCodec(codec)
              .withWriteMode(ParquetFileWriter.Mode.CREATE)
              .build()) {
        for (T row : rows) {
          writer.write(internal.apply(row));
        }
      }
      fs.create(new Path(folder, "_SUCCESS"), false).close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory, e);
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
