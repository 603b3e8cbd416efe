package dev.softlabels.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.DriverContext;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregate on the driver alone ({@link DriverAggregate}) against the Spark path on the same
 * inputs: the same labels/, quarantine/ and annotators/ rows (row_order included), the same Parquet
 * schemas and Spark metadata, the same summary.json but its timings, the same refusal of a rejected
 * run. Floating-point figures of the annotator models may differ in the last bits (the sums are
 * taken in another order), so they are compared to 1e-9.
 */
@ExtendWith(SparkExtension.class)
class AggregateDriverPathTest {

  private static final double TOLERANCE = 1e-9;
  private static final List<String> METHODS =
      List.of("majority", "dawid-skene", "one-coin", "glad", "mace", "wawa");

  /** Three classes given, and no share of rejected rows too many: the messy inputs' settings. */
  private static final Map<String, Object> CAT_DOG_FOX_ANY_REJECTED =
      Map.of(
          "softlabels.classes",
          List.of("cat", "dog", "fox"),
          "softlabels.annotations.max-rejected-share",
          1.0);

  @TempDir Path dir;

  private static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
    Map<String, Object> more = new HashMap<>(settings);
    more.put(key, value);
    return more;
  }

  /** The driver as the test session's run would see it: its settings, files and task slots. */
  private static DriverContext driver(SparkSession spark) {
    return new DriverContext(
        HadoopPaths.of(spark),
        spark.sparkContext().hadoopConfiguration(),
        spark.sparkContext().getConf());
  }

  private static AggregateSettings settings(Path input, Path output, Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.put("softlabels.aggregate.input", input.toString());
    overrides.put("softlabels.aggregate.output", output.toString());
    return AggregateSettings.from(ConfigLoader.withOverrides(overrides));
  }

  @Test
  void everyKindOfBadRowAndDuplicateGivesTheSameOutputs(SparkSession spark) throws Exception {
    List<String> lines = new ArrayList<>(List.of(AggregateJobTest.MESSY));
    // Spaces around ids, an id that did not decode, quoted fields and an unclosed quote.
    lines.addAll(List.of(" b , u5 ,dog", "c,u\uFFFD,cat", "c,u5,\"fox\"", "c,\"u6\",\"un closed"));
    Path input = TestFiles.write(dir, "messy.csv", lines.toArray(String[]::new));
    assertSameOutputs(spark, input, CAT_DOG_FOX_ANY_REJECTED);
  }

  @Test
  void filesOfAFolderCountInNameOrderAsInSpark(SparkSession spark) throws Exception {
    Path nights = Files.createDirectories(dir.resolve("nights"));
    TestFiles.write(nights, "2026-11-01 night.csv", "image_id,annotator_id,label", "x,u1,cat");
    String[] later = new String[2002];
    later[0] = "image_id,annotator_id,label";
    later[1] = "x,u1,fox";
    for (int i = 2; i < later.length; i++) {
      later[i] = "filler" + i % 700 + ",u" + i % 3 + ",dog";
    }
    TestFiles.write(nights, "2026-11-02 night.csv", later);
    TestFiles.write(nights, "2026-11-03 night.csv", "image_id,annotator_id,label", "x,u2,cat");
    assertSameOutputs(spark, nights, CAT_DOG_FOX_ANY_REJECTED);
  }

  @Test
  void inferredClassesAndIndexLabelsGiveTheSameOutputs(SparkSession spark) throws Exception {
    Path numbers =
        TestFiles.write(
            dir,
            "numbers.csv",
            "item,worker,answer",
            "i1,w1,10",
            "i1,w2,2",
            "i2,w1,2",
            "i2,w3,10",
            "i3,w2,-1");
    Map<String, Object> columns =
        Map.of(
            "softlabels.annotations.columns.image", "item",
            "softlabels.annotations.columns.annotator", "worker",
            "softlabels.annotations.columns.label", "answer");
    assertSameOutputs(spark, numbers, columns);
    Map<String, Object> indices = new HashMap<>(columns);
    indices.put("softlabels.annotations.label-encoding", "index");
    indices.put("softlabels.classes", List.of("a", "b", "c"));
    indices.put("softlabels.annotations.max-rejected-share", 1.0);
    assertSameOutputs(
        spark,
        TestFiles.write(
            dir,
            "indices.csv",
            "item,worker,answer",
            "i1,w1,0",
            "i1,w2,2",
            "i2,w1,02",
            "i2,w2,3",
            "i2,w3,1.0",
            "i3,w2,1234567890"),
        indices);
  }

  @Test
  void everyMethodFitsTheSameModelOnTheDriver(SparkSession spark) throws Exception {
    // 200 images, five votes each from 30 annotators of mixed reliability, some votes repeated.
    Random random = new Random(42);
    List<String> lines = new ArrayList<>(List.of("image_id,annotator_id,label"));
    String[] classes = {"cat", "dog", "fox"};
    for (int image = 0; image < 200; image++) {
      int truth = random.nextInt(3);
      for (int vote = 0; vote < 5; vote++) {
        int annotator = random.nextInt(30);
        boolean right = random.nextDouble() < 0.4 + annotator / 50.0;
        String line =
            "img" + image + ",w" + annotator + "," + classes[right ? truth : random.nextInt(3)];
        lines.add(line);
        if (random.nextDouble() < 0.02) {
          lines.add(line);
        }
      }
    }
    Path input = TestFiles.write(dir, "crowd.csv", lines.toArray(String[]::new));
    for (String method : METHODS) {
      assertSameOutputs(spark, input, Map.of("softlabels.aggregate.method", method));
    }
  }

  @Test
  void aRealAnswerSetGivesTheSameLabelsAndModel(SparkSession spark) throws Exception {
    Path input = TestFiles.sharedData("crowds/jn-product").resolve("annotations.csv");
    assertSameOutputs(spark, input, Map.of("softlabels.aggregate.method", "dawid-skene"));
  }

  @Test
  void aRejectedRunIsRefusedWithTheSameMessage(SparkSession spark) {
    Path input =
        TestFiles.write(
            dir,
            "wrong-classes.csv",
            "image_id,annotator_id,label",
            "a,u1,Cat",
            "a,u2,cat",
            "b,u1,Dog",
            "b,u2,Dog",
            "c,u3,Cat");
    Map<String, Object> extra = Map.of("softlabels.classes", List.of("cat", "dog"));
    Throwable inSpark =
        catchThrowable(() -> AggregateJob.run(spark, settings(input, dir.resolve("spark"), extra)));
    Throwable onDriver =
        catchThrowable(
            () ->
                AggregateJob.runOnDriver(
                    driver(spark), settings(input, dir.resolve("driver"), extra)));
    assertThat(inSpark).isNotNull();
    assertThat(onDriver).hasSameClassAs(inSpark).hasMessage(inSpark.getMessage());
    assertThat(inSpark.getMessage()).contains("\"Cat\" 2, \"Dog\" 2");
    assertThat(dir.resolve("driver")).doesNotExist();
  }

  @Test
  void onlySmallLocalCsvRunsWithoutTheReportInLocalModeFitTheDriver(SparkSession spark) {
    Path csv = TestFiles.write(dir, "votes.csv", "image_id,annotator_id,label", "a,u1,cat");
    Path json = TestFiles.write(dir, "votes.json", "{\"image_id\":\"a\"}");
    Path out = dir.resolve("out");
    DriverContext local = driver(spark);
    assertThat(DriverAggregate.fits(local, settings(csv, out, Map.of()))).isTrue();
    assertThat(DriverAggregate.fits(local, settings(json, out, Map.of()))).isFalse();
    assertThat(
            DriverAggregate.fits(
                local, settings(csv, out, Map.of("softlabels.aggregate.report", true))))
        .as("the report's annotator tables are Spark's")
        .isFalse();
    assertThat(
            DriverAggregate.fits(
                local, settings(csv, out, Map.of("softlabels.aggregate.driver-max-bytes", 10))))
        .as("over the size the driver takes")
        .isFalse();
    DriverContext cluster =
        new DriverContext(
            local.paths(),
            local.hadoop(),
            new SparkConf(false).set("spark.master", "spark://127.0.0.1:7077"));
    assertThat(DriverAggregate.fits(cluster, settings(csv, out, Map.of()))).isFalse();
    assertThat(
            new DriverContext(
                    local.paths(),
                    local.hadoop(),
                    new SparkConf(false).set("spark.master", "local[3]"))
                .localParallelism())
        .hasValue(3);
  }

  /**
   * Three nights appended to one Parquet folder: files of different sizes, read by a session in
   * tasks packed largest first, while duplicates count in file-name order; nulls, blank and spaced
   * ids, unknown labels.
   */
  private Path parquetNights(SparkSession spark, boolean recordClasses) {
    Path folder = dir.resolve(recordClasses ? "recorded" : "nights.parquet");
    StructType schema =
        new StructType()
            .add("image_id", DataTypes.StringType)
            .add("annotator_id", DataTypes.StringType)
            .add("label", DataTypes.StringType);
    Random random = new Random(7);
    String[] labels = {"cat", "dog", "fox", " cat", "wolf", "", null};
    for (int night = 0; night < 3; night++) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < 40 + night * 25; i++) {
        int image = random.nextInt(30);
        rows.add(
            RowFactory.create(
                image == 0 ? null : image == 1 ? "  " : " img" + image,
                random.nextInt(20) == 0 ? null : "u" + random.nextInt(6),
                labels[random.nextInt(random.nextInt(10) == 0 ? labels.length : 3)]));
      }
      Dataset<Row> table = spark.createDataFrame(rows, schema).coalesce(1);
      if (recordClasses) {
        table =
            LabelColumns.withClasses(table, "label", new ClassList(List.of("fox", "dog", "cat")));
      }
      table.write().mode(SaveMode.Append).parquet(folder.toString());
    }
    return folder;
  }

  @Test
  void aParquetInputGivesTheSameOutputsHoweverManyBuckets(SparkSession spark) throws Exception {
    Path nights = parquetNights(spark, false);
    for (long bucketRows : List.of(250_000L, 7L)) {
      assertSameOutputs(
          spark,
          nights,
          with(CAT_DOG_FOX_ANY_REJECTED, AggregateSettings.DRIVER_BUCKET_ROWS, bucketRows),
          "-" + bucketRows);
    }
  }

  @Test
  void aParquetInputsClassesAreInferredOrReadAsInSpark(SparkSession spark) throws Exception {
    Map<String, Object> lenient = Map.of("softlabels.annotations.max-rejected-share", 1.0);
    assertSameOutputs(spark, parquetNights(spark, false), lenient, "");
    assertSameOutputs(spark, parquetNights(spark, true), lenient, "");
  }

  @Test
  void aParquetInputRunsOnTheDriverOnlyForAMajorityVoteOfStringColumns(SparkSession spark) {
    Path nights = parquetNights(spark, false);
    Path out = dir.resolve("out");
    DriverContext local = driver(spark);
    assertThat(DriverAggregate.fits(local, settings(nights, out, Map.of()))).isTrue();
    assertThat(
            DriverAggregate.fits(
                local, settings(nights, out, Map.of("softlabels.aggregate.method", "glad"))))
        .as("the annotator models hold every vote")
        .isFalse();
    assertThat(
            DriverAggregate.fits(
                local, settings(nights, out, Map.of(AggregateSettings.DRIVER_MAX_BYTES, 0))))
        .as("0: always Spark")
        .isFalse();
    Path numbers = dir.resolve("numbers.parquet");
    spark
        .range(10)
        .selectExpr("CAST(id AS INT) AS image_id", "'u1' AS annotator_id", "'cat' AS label")
        .write()
        .parquet(numbers.toString());
    assertThat(DriverAggregate.fits(local, settings(numbers, out, Map.of())))
        .as("a number column is cast by Spark")
        .isFalse();
  }

  /** Runs both paths on {@code input} and compares every output. */
  private void assertSameOutputs(SparkSession spark, Path input, Map<String, Object> extra)
      throws IOException {
    assertSameOutputs(spark, input, extra, "");
  }

  /** Runs both paths on {@code input} and compares every output, named with {@code suffix}. */
  private void assertSameOutputs(
      SparkSession spark, Path input, Map<String, Object> extra, String suffix) throws IOException {
    String name =
        input.getFileName()
            + "-"
            + extra.getOrDefault("softlabels.aggregate.method", "majority")
            + suffix;
    Path inSpark = dir.resolve(name + "-spark");
    Path onDriver = dir.resolve(name + "-driver");
    AggregateSettings sparkSettings = settings(input, inSpark, extra);
    AggregateSettings driverSettings = settings(input, onDriver, extra);
    assertThat(DriverAggregate.fits(driver(spark), driverSettings)).as(name).isTrue();
    AggregateSummary fromSpark = AggregateJob.run(spark, sparkSettings);
    AggregateSummary fromDriver = AggregateJob.runOnDriver(driver(spark), driverSettings);

    assertSameJson(name, withoutTimings(fromDriver.toJson()), withoutTimings(fromSpark.toJson()));
    assertThat(fromDriver.rowsRead()).isEqualTo(fromSpark.rowsRead()).isPositive();
    for (String table : List.of("labels", "quarantine", "annotators")) {
      Path sparkTable = inSpark.resolve(table);
      Path driverTable = onDriver.resolve(table);
      assertThat(Files.exists(driverTable))
          .as(name + " " + table)
          .isEqualTo(Files.exists(sparkTable));
      if (!Files.exists(sparkTable)) {
        continue;
      }
      assertThat(sparkMetadata(driverTable))
          .as(name + " " + table)
          .isEqualTo(sparkMetadata(sparkTable));
      Dataset<Row> expected = spark.read().parquet(sparkTable.toString());
      Dataset<Row> actual = spark.read().parquet(driverTable.toString());
      assertThat(actual.schema()).as(name + " " + table).isEqualTo(expected.schema());
      assertThat(byKey(actual)).as(name + " " + table).hasSameSizeAs(expected.collectAsList());
      Map<String, Row> actualRows = byKey(actual);
      byKey(expected)
          .forEach(
              (key, row) ->
                  assertSameRow(name + " " + table + " " + key, actualRows.get(key), row));
    }
    assertThat(onDriver.resolve("labels/_SUCCESS")).exists();
  }

  /** Each Parquet file's Spark schema and Parquet types, which Spark's reader goes by. */
  private static List<String> sparkMetadata(Path table) throws IOException {
    List<String> metadata = new ArrayList<>();
    try (Stream<Path> files = Files.list(table)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader reader =
            ParquetFileReader.open(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
          FileMetaData footer = reader.getFooter().getFileMetaData();
          metadata.add(
              footer.getSchema()
                  + footer.getKeyValueMetaData().get("org.apache.spark.sql.parquet.row.metadata"));
        }
      }
    }
    return metadata.stream().distinct().toList();
  }

  /** Rows by their first column, with row_order for quarantine rows (ids repeat there). */
  private static Map<String, Row> byKey(Dataset<Row> table) {
    List<String> columns = List.of(table.columns());
    Map<String, Row> rows = new TreeMap<>();
    for (Row row : table.collectAsList()) {
      String key =
          columns.contains("row_order")
              ? String.valueOf(row.get(columns.indexOf("row_order")))
              : String.valueOf(row.get(0));
      assertThat(rows.put(key, row)).as("one row per key %s", key).isNull();
    }
    return rows;
  }

  private static void assertSameRow(String what, Row actual, Row expected) {
    assertThat(actual).as(what).isNotNull();
    for (int field = 0; field < expected.length(); field++) {
      assertSameValue(what + " field " + field, actual.get(field), expected.get(field));
    }
  }

  private static void assertSameValue(String what, Object actual, Object expected) {
    if (expected instanceof Double number) {
      assertThat((Double) actual)
          .as(what)
          .isCloseTo(number, org.assertj.core.data.Offset.offset(TOLERANCE));
    } else if (expected instanceof scala.collection.Seq<?> values) {
      List<?> expectedValues = scala.collection.JavaConverters.seqAsJavaList(values);
      List<?> actualValues =
          scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<?>) actual);
      assertThat(actualValues).as(what).hasSameSizeAs(expectedValues);
      for (int i = 0; i < expectedValues.size(); i++) {
        assertSameValue(what + "[" + i + "]", actualValues.get(i), expectedValues.get(i));
      }
    } else {
      assertThat(actual).as(what).isEqualTo(expected);
    }
  }

  private static JsonNode withoutTimings(String json) throws IOException {
    JsonNode tree = new ObjectMapper().readTree(json);
    removeTimings(tree);
    return tree;
  }

  private static void removeTimings(JsonNode node) {
    if (node.isObject()) {
      Iterator<String> names = node.fieldNames();
      List<String> timings = new ArrayList<>();
      names.forEachRemaining(
          field -> {
            if (field.contains("seconds") || field.equals("output")) {
              timings.add(field);
            }
          });
      timings.forEach(((com.fasterxml.jackson.databind.node.ObjectNode) node)::remove);
    }
    node.elements().forEachRemaining(AggregateDriverPathTest::removeTimings);
  }

  private static void assertSameJson(String what, JsonNode actual, JsonNode expected) {
    if (expected.isNumber() && !expected.isIntegralNumber()) {
      assertThat(actual.asDouble())
          .as(what)
          .isCloseTo(
              expected.asDouble(),
              org.assertj.core.data.Offset.offset(
                  TOLERANCE * Math.max(1, Math.abs(expected.asDouble()))));
    } else if (expected.isContainerNode()) {
      assertThat(actual.size()).as(what + " size").isEqualTo(expected.size());
      if (expected.isObject()) {
        expected
            .fieldNames()
            .forEachRemaining(
                field ->
                    assertSameJson(what + "." + field, actual.get(field), expected.get(field)));
      } else {
        for (int i = 0; i < expected.size(); i++) {
          assertSameJson(what + "[" + i + "]", actual.get(i), expected.get(i));
        }
      }
    } else {
      assertThat(actual).as(what).isEqualTo(expected);
    }
  }
}
