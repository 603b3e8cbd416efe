package dev.softlabels.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.UserError;
import dev.softlabels.spark.internal.CsvRows;
import dev.softlabels.spark.internal.ParquetFiles;
import dev.softlabels.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class CsvExportTest {

  @TempDir Path dir;

  @Test
  void writesOneCsvWithArraysAsJsonAndWithoutBinaryColumns(SparkSession spark) throws Exception {
    StructType schema =
        new StructType()
            .add("image_id", DataTypes.StringType)
            .add("counts", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("png", DataTypes.BinaryType)
            .add("entropy", DataTypes.DoubleType);
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("a", new Integer[] {2, 1}, new byte[] {1, 2}, 0.5),
                RowFactory.create("b, with comma", new Integer[] {0, 3}, new byte[] {3}, 0.0)),
            schema)
        .repartition(2)
        .write()
        .parquet(dir.resolve("table").toString());
    Path csv = dir.resolve("out/table.csv");

    String table = dir.resolve("table").toString();
    List<String> columns =
        CsvExport.run(spark, spark.read().parquet(table), table, csv.toString(), false);

    assertThat(columns).containsExactly("image_id", "counts", "entropy");
    assertThat(Files.readAllLines(csv)).first().isEqualTo("image_id,counts,entropy");
    assertThat(Files.readAllLines(csv))
        .hasSize(3)
        .contains("a,\"[2,1]\",0.5", "\"b, with comma\",\"[0,3]\",0.0");
    assertThat(dir.resolve("out/table.csv.parts")).doesNotExist();

    // The same columns written on the driver, without a session: the same file.
    HadoopPaths paths = HadoopPaths.of(spark);
    ParquetFiles files =
        ParquetFiles.plain(paths.configuration(), HadoopPaths.path(table)).orElseThrow();
    String[] names = files.schema().fieldNames();
    Path onDriver = dir.resolve("driver/table.csv");
    assertThat(
            CsvExport.runOnDriver(
                paths,
                files,
                IntStream.range(0, names.length)
                    .mapToObj(f -> CsvRows.Column.whole(names[f], f))
                    .toList(),
                table,
                onDriver.toString(),
                false))
        .isEqualTo(columns);
    assertThat(Files.readAllBytes(onDriver)).isEqualTo(Files.readAllBytes(csv));
    assertThatThrownBy(
            () -> CsvExport.run(spark, spark.read().parquet(table), table, csv.toString(), false))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("--overwrite");
  }
}
