package dev.softlabels.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import dev.softlabels.config.UserError;
import dev.softlabels.spark.internal.CsvRows;
import dev.softlabels.spark.internal.ParquetFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table as one CSV file with a header, for tools without a Parquet reader (pandas without
 * pyarrow, spreadsheets): arrays, maps and structs become JSON text, binary columns (image bytes)
 * are left out. Written by the executors, or for a small table read on the driver by the driver
 * with Spark's own text writers ({@link #runOnDriver}), and moved into place at the end ({@link
 * StagedOutput}).
 */
public final class CsvExport {

  private CsvExport() {}

  /**
   * Writes {@code table} (read from {@code input}, which the output must not overlap) as {@code
   * output}.
   *
   * @return the columns written
   */
  public static List<String> run(
      SparkSession spark, Dataset<Row> table, String input, String output, boolean overwrite) {
    HadoopPaths paths = HadoopPaths.of(spark);
    try (StagedOutput staged =
        StagedOutput.file(spark, output, overwrite, "output", "to-csv", List.of(input))) {
      List<StructField> kept =
          Arrays.stream(table.schema().fields())
              .filter(f -> !(f.dataType() instanceof BinaryType))
              .toList();
      Column[] columns = kept.stream().map(CsvExport::text).toArray(Column[]::new);
      requireText(columns.length, input);
      String parts = staged.child("parts");
      // One file: a notebook opens it directly. Rows stream through one task; nothing is collected.
      table
          .select(columns)
          .coalesce(1)
          .write()
          .option("header", true)
          .option("escape", "\"")
          .csv(parts);
      String part =
          paths.fileNames(parts).stream()
              .filter(name -> name.startsWith("part-"))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("Spark wrote no part file under " + parts));
      paths.rename(HadoopPaths.child(parts, part), staged.file());
      staged.commit();
      return kept.stream().map(StructField::name).toList();
    }
  }

  /**
   * The same on the driver, with no Spark session, for a table read there: {@code columns} of it,
   * the same file as {@link #run} writes of the table those columns select, checked and moved into
   * place alike.
   *
   * @return the columns written
   */
  public static List<String> runOnDriver(
      HadoopPaths paths,
      ParquetFiles table,
      List<CsvRows.Column> columns,
      String input,
      String output,
      boolean overwrite) {
    try (StagedOutput staged =
        StagedOutput.open(
            paths.configuration(), output, overwrite, "output", "to-csv", List.of(input), true)) {
      List<CsvRows.Column> kept =
          columns.stream().filter(c -> !(c.type(table.schema()) instanceof BinaryType)).toList();
      requireText(kept.size(), input);
      Path file = HadoopPaths.path(staged.file());
      try (Writer out =
          new OutputStreamWriter(
              new BufferedOutputStream(
                  HadoopPaths.fileSystem(file, paths.configuration()).create(file, false)),
              StandardCharsets.UTF_8)) {
        CsvRows.write(table, kept, out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + staged.file(), e);
      }
      staged.commit();
      return kept.stream().map(CsvRows.Column::name).toList();
    }
  }

  private static void requireText(int columns, String input) {
    if (columns == 0) {
      throw new UserError(input + " has no column that can be written as text");
    }
  }

  private static Column text(StructField field) {
    boolean nested =
        field.dataType() instanceof ArrayType
            || field.dataType() instanceof MapType
            || field.dataType() instanceof StructType;
    Column column = col("`" + field.name() + "`");
    return (nested ? to_json(column) : column).as(field.name());
  }
}
