package dev.softlabels.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.cli.SoftLabels;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(SparkExtension.class)
class ToCsvJobTest {

  private static final String HEADER = "image_id,annotator_id,label";

  /** An annotator table with a confusion matrix. */
  private static final StructType CONFUSION =
      new StructType()
          .add("annotator_id", DataTypes.StringType)
          .add(
              "confusion",
              DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));

  @TempDir Path dir;

  private int driverRuns;

  /** A CSV without quoted commas, as rows of header name to value, by its first column. */
  private static Map<String, Map<String, String>> rows(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    List<String> header = Arrays.asList(lines.get(0).split(",", -1));
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] values = line.split(",", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), values[c]);
      }
      rows.put(values[0], row);
    }
    return rows;
  }

  /** Writes {@code input} as {@code csv} in the session, then {@link #sameOnTheDriver}. */
  private ToCsvJob.Written writtenOnBothPaths(
      SparkSession spark, Path input, Path csv, boolean arrays) throws Exception {
    return sameOnTheDriver(
        spark,
        input,
        csv,
        arrays,
        ToCsvJob.run(spark, input.toString(), csv.toString(), false, arrays));
  }

  /**
   * Writes {@code input} on the driver too, without a session ({@link ToCsvJob#onDriver}), into a
   * folder of its own: the same bytes as {@code bySpark}, the same files beside it, the same
   * columns and class list.
   */
  private ToCsvJob.Written sameOnTheDriver(
      SparkSession spark, Path input, Path bySpark, boolean arrays, ToCsvJob.Written written)
      throws Exception {
    HadoopPaths paths = HadoopPaths.of(spark);
    ToCsvJob.DriverPlan plan =
        ToCsvJob.onDriver(paths, new SparkConf(false), input.toString(), arrays)
            .orElseThrow(() -> new AssertionError(input + " is not written on the driver"));
    Path folder = Files.createDirectories(dir.resolve("on-driver-" + driverRuns++));
    Path csv = folder.resolve(bySpark.getFileName());
    ToCsvJob.Written onDriver =
        ToCsvJob.runOnDriver(paths, plan, input.toString(), csv.toString(), false);
    assertThat(onDriver).isEqualTo(written);
    assertThat(Files.readAllBytes(csv))
        .as("%s written on the driver", input)
        .isEqualTo(Files.readAllBytes(bySpark));
    assertThat(beside(csv)).isEqualTo(beside(bySpark)).contains("." + csv.getFileName() + ".crc");
    return onDriver;
  }

  /**
   * A session and the driver refuse to write {@code input} as {@code csv} alike, with {@code
   * message}, and write nothing.
   */
  private static void refusedOnBothPaths(SparkSession spark, Path input, Path csv, String message) {
    assertThatThrownBy(() -> ToCsvJob.run(spark, input.toString(), csv.toString(), false, false))
        .isInstanceOf(UserError.class)
        .hasMessage(message);
    assertThat(csv).doesNotExist();
    HadoopPaths paths = HadoopPaths.of(spark);
    ToCsvJob.DriverPlan plan =
        ToCsvJob.onDriver(paths, new SparkConf(false), input.toString(), false).orElseThrow();
    assertThatThrownBy(
            () -> ToCsvJob.runOnDriver(paths, plan, input.toString(), csv.toString(), false))
        .isInstanceOf(UserError.class)
        .hasMessage(message);
    assertThat(csv).doesNotExist();
  }

  /** The names of {@code file} and the files about it in its folder (checksum, marker, lock). */
  private static List<String> beside(Path file) throws Exception {
    String name = file.getFileName().toString();
    try (Stream<Path> files = Files.list(file.getParent())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.equals(name) || n.startsWith("." + name + "."))
          .sorted()
          .toList();
    }
  }

  private Path aggregate(SparkSession spark, Path input, String name, String method) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("softlabels.aggregate.input", input.toString());
    overrides.put("softlabels.aggregate.output", dir.resolve(name).toString());
    overrides.put("softlabels.aggregate.method", method);
    AggregateJob.run(spark, AggregateSettings.from(ConfigLoader.withOverrides(overrides)));
    return dir.resolve(name);
  }

  /** Classes inferred from the votes, in alphabetical order: "Golden Retriever" before "cat". */
  @Test
  void aggregateLabelsGetOneColumnPerClassNamedByClass(SparkSession spark) throws Exception {
    Path votes =
        TestFiles.write(
            dir,
            "votes.csv",
            HEADER,
            "img1,u1,Golden Retriever",
            "img1,u2,Golden Retriever",
            "img1,u3,cat",
            "img2,u1,cat",
            "img2,u2,cat");
    Path out = aggregate(spark, votes, "aggregated", "majority");
    Path csv = dir.resolve("labels.csv");

    ToCsvJob.Written written =
        ToCsvJob.run(spark, out.resolve("labels").toString(), csv.toString(), false, false);

    List<String> header =
        List.of(
            "image_id",
            "n_annotations",
            "counts_Golden Retriever",
            "counts_cat",
            "soft_label_Golden Retriever",
            "soft_label_cat",
            "hard_label",
            "hard_label_name",
            "is_tie",
            "agreement",
            "entropy");
    assertThat(written.columns()).isEqualTo(header);
    assertThat(written.classes().orElseThrow().names()).containsExactly("Golden Retriever", "cat");
    sameOnTheDriver(spark, out.resolve("labels"), csv, false, written);
    assertThat(Files.readAllLines(csv).get(0)).isEqualTo(String.join(",", header));
    Map<String, Map<String, String>> rows = rows(csv);
    assertThat(rows).hasSize(2);
    Map<String, String> img1 = rows.get("img1");
    assertThat(img1)
        .containsEntry("n_annotations", "3")
        .containsEntry("counts_Golden Retriever", "2")
        .containsEntry("counts_cat", "1")
        .containsEntry("hard_label_name", "Golden Retriever");
    assertThat(Double.parseDouble(img1.get("soft_label_Golden Retriever")))
        .isCloseTo(2.0 / 3, within(1e-12));
    assertThat(Double.parseDouble(img1.get("soft_label_cat"))).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(rows.get("img2"))
        .containsEntry("counts_Golden Retriever", "0")
        .containsEntry("counts_cat", "2")
        .containsEntry("soft_label_Golden Retriever", "0.0")
        .containsEntry("soft_label_cat", "1.0");

    Path arrays = dir.resolve("labels-arrays.csv");
    ToCsvJob.Written asArrays =
        ToCsvJob.run(spark, out.resolve("labels").toString(), arrays.toString(), false, true);
    assertThat(asArrays.columns()).contains("counts", "soft_label");
    assertThat(asArrays.classes()).isEmpty();
    assertThat(Files.readAllLines(arrays))
        .contains("img2,2,\"[0,2]\",\"[0.0,1.0]\",1,cat,false,1.0,0.0");
    sameOnTheDriver(spark, out.resolve("labels"), arrays, true, asArrays);
  }

  /** aggregate's annotators/ holds no class list; its summary.json beside it does. */
  @Test
  void aFittedConfusionMatrixIsOneColumnPerTrueAndGivenClass(SparkSession spark) throws Exception {
    Path votes =
        TestFiles.write(
            dir,
            "votes.csv",
            HEADER,
            "a,u1,dog",
            "a,u2,dog",
            "a,u3,cat",
            "b,u1,cat",
            "b,u2,cat",
            "b,u3,cat",
            "c,u1,dog",
            "c,u2,cat",
            "c,u3,dog");
    Path out = aggregate(spark, votes, "fitted", "dawid-skene");
    Path csv = dir.resolve("annotators.csv");

    ToCsvJob.Written written =
        ToCsvJob.run(spark, out.resolve("annotators").toString(), csv.toString(), false, false);
    sameOnTheDriver(spark, out.resolve("annotators"), csv, false, written);

    assertThat(Files.readAllLines(csv).get(0))
        .isEqualTo(
            "annotator_id,labels,accuracy,confusion_cat_cat,confusion_cat_dog,confusion_dog_cat,confusion_dog_dog");
    Map<String, Map<String, String>> rows = rows(csv);
    assertThat(rows.keySet()).containsExactlyInAnyOrder("u1", "u2", "u3");
    for (Map<String, String> row : rows.values()) {
      assertThat(row).containsEntry("labels", "3");
      for (String truth : List.of("cat", "dog")) {
        double given =
            Double.parseDouble(row.get("confusion_" + truth + "_cat"))
                + Double.parseDouble(row.get("confusion_" + truth + "_dog"));
        assertThat(given)
            .as("row %s of %s", truth, row.get("annotator_id"))
            .isCloseTo(1.0, within(1e-9));
      }
    }
  }

  /** Entries by hand: row the true class, entry the class given. */
  @Test
  void confusionEntriesAreNamedTrueClassThenGivenClass(SparkSession spark) throws Exception {
    Path fit = Files.createDirectories(dir.resolve("fit"));
    StructType schema = CONFUSION;
    spark
        .createDataFrame(
            List.of(RowFactory.create("u1", new Double[][] {{0.9, 0.1}, {0.2, 0.8}})), schema)
        .write()
        .parquet(fit.resolve("annotators").toString());
    Files.writeString(
        fit.resolve("summary.json"),
        Json.write(Map.of("classes", List.of("Golden Retriever", "cat"), "method", "dawid-skene")));
    Path csv = dir.resolve("fit.csv");

    ToCsvJob.Written written =
        ToCsvJob.run(spark, fit.resolve("annotators").toString(), csv.toString(), false, false);
    sameOnTheDriver(spark, fit.resolve("annotators"), csv, false, written);

    assertThat(Files.readAllLines(csv))
        .containsExactly(
            "annotator_id,confusion_Golden Retriever_Golden Retriever,confusion_Golden Retriever_cat,"
                + "confusion_cat_Golden Retriever,confusion_cat_cat",
            "u1,0.9,0.1,0.2,0.8");
  }

  /**
   * The store's table keeps night 1's row of x beside night 2's: to-csv writes each image's latest
   * row, whether given the store or its labels/.
   */
  @Test
  void aLabelStoreIsWrittenAtItsLatestRowsOnly(SparkSession spark) throws Exception {
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    TestFiles.write(inbox, "2026-11-01.csv", HEADER, "x,u1,dog", "x,u2,cat", "y,u1,dog");
    TestFiles.write(inbox, "2026-11-02.csv", HEADER, "x,u3,dog", "z,u1,cat");
    Path store = dir.resolve("store");
    for (String night : List.of("2026-11-01", "2026-11-02")) {
      Map<String, Object> overrides = new HashMap<>();
      overrides.put("softlabels.classes", List.of("cat", "dog"));
      overrides.put("softlabels.relabel.state", store.toString());
      overrides.put("softlabels.relabel.batch", inbox.resolve(night + ".csv").toString());
      overrides.put("softlabels.relabel.date", night);
      RelabelJob.run(spark, RelabelSettings.from(ConfigLoader.withOverrides(overrides)));
    }
    assertThat(spark.read().format("delta").load(store.resolve("labels").toString()).count())
        .as("x's night-1 row is still in the table")
        .isEqualTo(4);

    for (Path input : List.of(store.resolve("labels"), store)) {
      assertThat(
              ToCsvJob.onDriver(
                  HadoopPaths.of(spark), new SparkConf(false), input.toString(), false))
          .as("a label store is read in a session")
          .isEmpty();
      Path csv = dir.resolve("store-" + input.getFileName() + ".csv");
      ToCsvJob.run(spark, input.toString(), csv.toString(), false, false);
      Map<String, Map<String, String>> rows = rows(csv);
      assertThat(rows.keySet()).as(input.toString()).containsExactlyInAnyOrder("x", "y", "z");
      assertThat(rows.get("x"))
          .containsEntry("n_annotations", "3")
          .containsEntry("counts_cat", "1")
          .containsEntry("counts_dog", "2")
          .containsEntry("hard_label_name", "dog");
      assertThat(rows.get("z")).containsEntry("counts_cat", "1").containsEntry("counts_dog", "0");
      assertThat(Files.readAllLines(csv).get(0))
          .as("relabel export's columns")
          .isEqualTo(
              "image_id,n_annotations,"
                  + "counts_cat,counts_dog,soft_label_cat,soft_label_dog,hard_label,hard_label_name,is_tie,agreement,entropy");
    }

    Path exported = dir.resolve("exported");
    new LabelStore(spark, store.toString()).labelTable("").write().parquet(exported.toString());
    Path fromExport = dir.resolve("exported.csv");
    writtenOnBothPaths(spark, exported, fromExport, false);
    assertThat(rows(fromExport).get("x"))
        .as("relabel export records the class list")
        .containsEntry("counts_dog", "2");

    Path night2 = store.resolve("changes/date=2026-11-02");
    assertThat(Json.read(Files.readString(night2.resolve("summary.json")), Map.class))
        .containsEntry("classes", List.of("cat", "dog"));
    Path changes = dir.resolve("changes.csv");
    writtenOnBothPaths(spark, night2.resolve("images"), changes, false);
    Map<String, String> x = rows(changes).get("x");
    assertThat(x)
        .containsEntry("previous_soft_label_cat", "0.5")
        .containsEntry("previous_soft_label_dog", "0.5");
    assertThat(Double.parseDouble(x.get("soft_label_dog"))).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void withoutAClassListItSaysSoAndNamesArrays(SparkSession spark) throws Exception {
    Path table = dir.resolve("loose/table");
    StructType schema =
        new StructType()
            .add("image_id", DataTypes.StringType)
            .add("soft_label", DataTypes.createArrayType(DataTypes.DoubleType));
    spark
        .createDataFrame(List.of(RowFactory.create("a", new Double[] {0.25, 0.75})), schema)
        .write()
        .parquet(table.toString());
    Path csv = dir.resolve("loose.csv");

    assertThatThrownBy(() -> ToCsvJob.run(spark, table.toString(), csv.toString(), false, false))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "no class list found for soft_label of "
                + table
                + " (neither in "
                + "soft_label's metadata nor as classes in a summary.json beside it): pass --arrays to write them as JSON "
                + "arrays in class order");
    assertThat(csv).doesNotExist();
    assertThat(
            ToCsvJob.onDriver(HadoopPaths.of(spark), new SparkConf(false), table.toString(), false))
        .as("a session says what is wrong")
        .isEmpty();

    writtenOnBothPaths(spark, table, csv, true);
    assertThat(Files.readAllLines(csv)).containsExactly("image_id,soft_label", "a,\"[0.25,0.75]\"");
  }

  @Test
  void arraysLongerThanTheClassListStopTheWrite(SparkSession spark) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("three"));
    StructType schema =
        new StructType()
            .add("image_id", DataTypes.StringType)
            .add("counts", DataTypes.createArrayType(DataTypes.IntegerType));
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("a", new Integer[] {1, 0}),
                RowFactory.create("b", new Integer[] {1, 0, 2})),
            schema)
        .write()
        .parquet(folder.resolve("labels").toString());
    Files.writeString(folder.resolve("summary.json"), "{\"classes\": [\"cat\", \"dog\"]}");
    Path csv = dir.resolve("three.csv");
    String message =
        "counts of "
            + folder.resolve("labels")
            + " has rows without one "
            + "entry per class of [cat, dog] (the class list found for it); nothing written: pass --arrays to write "
            + "the arrays as they are";

    refusedOnBothPaths(spark, folder.resolve("labels"), csv, message);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no staging folder is left")
          .noneMatch(name -> name.startsWith(".three.csv.staging-"));
    }
  }

  /** Values that CSV and JSON quote, escape or spell out, in every type written on the driver. */
  @Test
  void awkwardValuesAreWrittenOnTheDriverAsASessionWritesThem(SparkSession spark) throws Exception {
    StructType point =
        new StructType()
            .add("x", DataTypes.DoubleType)
            .add("name", DataTypes.StringType)
            .add("raw", DataTypes.BinaryType);
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("text", DataTypes.StringType)
            .add("d", DataTypes.DoubleType)
            .add("f", DataTypes.FloatType)
            .add("l", DataTypes.LongType)
            .add("s", DataTypes.ShortType)
            .add("b", DataTypes.ByteType)
            .add("flag", DataTypes.BooleanType)
            .add("amount", DataTypes.createDecimalType(10, 3))
            .add("bytes", DataTypes.BinaryType)
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("words", DataTypes.createArrayType(DataTypes.StringType))
            .add("weights", DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType))
            .add("point", point)
            .add(
                "grid", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType)))
            .add("points", DataTypes.createArrayType(point));
    Object[][] values = {
      {"plain", "cat", 1.0, 1.5f, 1L, (short) 1, (byte) 1, true, "1.5"},
      {
        "comma",
        "a,b",
        Double.NaN,
        Float.NaN,
        Long.MAX_VALUE,
        Short.MIN_VALUE,
        Byte.MAX_VALUE,
        false,
        "-0.001"
      },
      {
        "quote",
        "say \"hi\"",
        Double.POSITIVE_INFINITY,
        Float.POSITIVE_INFINITY,
        Long.MIN_VALUE,
        (short) 0,
        (byte) 0,
        null,
        "1234567.891"
      },
      {
        "newline",
        "line 1\nline 2",
        Double.NEGATIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        0L,
        null,
        null,
        true,
        null
      },
      {"crlf", "a\r\nb", -0.0, -0.0f, null, (short) 7, (byte) -1, false, "0"},
      {
        "unicode",
        "Golden Retriever \u00e9\u00e8 \u732b \u2713",
        1e-10,
        1e-10f,
        42L,
        (short) 42,
        (byte) 42,
        true,
        "2.000"
      },
      {"padded", "  two spaces  ", 1.0e20, 3.4e38f, 7L, (short) 7, (byte) 7, true, "7"},
      {"empty", "", 0.1 + 0.2, 0.1f, 8L, (short) 8, (byte) 8, false, "8"},
      {"null", null, null, null, null, null, null, null, null},
      {
        "hash",
        "#not a comment;tab\there",
        Double.MIN_VALUE,
        Float.MIN_VALUE,
        9L,
        (short) 9,
        (byte) 9,
        true,
        "9.9"
      },
      {
        "backslash",
        "C:\\data\\x \"q\"",
        Double.MAX_VALUE,
        Float.MAX_VALUE,
        10L,
        (short) 10,
        (byte) 10,
        false,
        "10"
      }
    };
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < values.length; r++) {
      Object[] v = values[r];
      boolean odd = r % 2 == 1;
      rows.add(
          RowFactory.create(
              v[0],
              v[1],
              v[2],
              v[3],
              v[4],
              v[5],
              v[6],
              v[7],
              v[8] == null ? null : new java.math.BigDecimal((String) v[8]),
              new byte[] {(byte) r, 0, (byte) 255},
              r == 8 ? null : Arrays.asList(1.0, null, Double.NaN, (double) r),
              r == 8 ? null : Arrays.asList("a,b", null, "q\"uote", "", "\u00e9\n"),
              r == 8 ? null : odd ? Map.of("k", r) : new HashMap<>(Map.of("x,y", r)),
              r == 8
                  ? null
                  : RowFactory.create(
                      odd ? null : r / 3.0, odd ? "n\"" + r : null, new byte[] {(byte) r}),
              r == 8 ? null : Arrays.asList(Arrays.asList(r, null), null, List.of()),
              r == 8
                  ? null
                  : Arrays.asList(
                      RowFactory.create(Double.NaN, "p", null),
                      null,
                      RowFactory.create(null, null, null))));
    }
    Path table = dir.resolve("awkward");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
    Path csv = dir.resolve("awkward.csv");

    ToCsvJob.Written written = writtenOnBothPaths(spark, table, csv, false);

    assertThat(written.columns())
        .as("binary columns are left out")
        .containsExactly(
            "id", "text", "d", "f", "l", "s", "b", "flag", "amount", "values", "words", "weights",
            "point", "grid", "points");
    String text = Files.readString(csv);
    assertThat(text)
        .startsWith(
            "id,text,d,f,l,s,b,flag,amount,values,words,weights,point,grid,points\n"
                + "plain,cat,1.0,1.5,1,1,1,true,1.500,\"[1.0,null,\"\"NaN\"\",0.0]\","
                + "\"[\"\"a,b\"\",null,\"\"q\\\"\"uote\"\",\"\"\"\",\"\"\u00e9\\n\"\"]\","
                + "\"{\"\"x,y\"\":0}\",\"{\"\"x\"\":0.0,\"\"raw\"\":\"\"AA==\"\"}\","
                + "\"[[0,null],null,[]]\",\"[{\"\"x\"\":\"\"NaN\"\",\"\"name\"\":\"\"p\"\"},null,{}]\"\n")
        .contains("\ncomma,\"a,b\",NaN,NaN,9223372036854775807,-32768,127,false,-0.001,")
        .contains("\nquote,\"say \"\"hi\"\"\",Infinity,Infinity,-9223372036854775808,0,0,,")
        .contains("\nnewline,\"line 1\nline 2\",-Infinity,-Infinity,0,,,true,,")
        .contains("\ncrlf,\"a\r\nb\",-0.0,-0.0,,7,-1,false,0.000,")
        .contains("\nunicode,Golden Retriever \u00e9\u00e8 \u732b \u2713,1.0E-10,1.0E-10,42,")
        .contains("\npadded,two spaces,1.0E20,3.4E38,")
        .contains("\nempty,\"\",0.30000000000000004,0.1,8,")
        .contains("\nnull,,,,,,,,,,,,,,\n");
  }

  /**
   * Class columns of classes whose names the header quotes, from arrays with null entries, null
   * arrays and a matrix with a short row's missing entries.
   */
  @Test
  void classColumnsWithNullsAndQuotedNamesAreWrittenOnTheDriverAlike(SparkSession spark)
      throws Exception {
    Path folder = Files.createDirectories(dir.resolve("odd-classes"));
    StructType schema =
        new StructType()
            .add("image_id", DataTypes.StringType)
            .add("counts", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("soft_label", DataTypes.createArrayType(DataTypes.DoubleType))
            .add(
                "confusion",
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
            .add("notes", DataTypes.createArrayType(DataTypes.StringType));
    List<Row> rows =
        List.of(
            RowFactory.create(
                "a",
                Arrays.asList(1, null),
                Arrays.asList(Double.NaN, 0.5),
                Arrays.asList(Arrays.asList(0.9, null), Arrays.asList(0.2, 0.8)),
                Arrays.asList("x,y", null)),
            RowFactory.create("b", null, null, null, null),
            RowFactory.create(
                "c",
                Arrays.asList(0, 3),
                Arrays.asList(-0.0, 1.0),
                Arrays.asList(Arrays.asList(1.0, 0.0), Arrays.asList(0.0, 1.0)),
                List.of()));
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(folder.resolve("t").toString());
    Files.writeString(
        folder.resolve("summary.json"), Json.write(Map.of("classes", List.of("a,b", "say \"x\""))));
    Path csv = dir.resolve("odd.csv");

    ToCsvJob.Written written = writtenOnBothPaths(spark, folder.resolve("t"), csv, false);

    assertThat(written.classes().orElseThrow().names()).containsExactly("a,b", "say \"x\"");
    assertThat(Files.readAllLines(csv))
        .containsExactly(
            "image_id,\"counts_a,b\",\"counts_say \"\"x\"\"\",\"soft_label_a,b\","
                + "\"soft_label_say \"\"x\"\"\",\"confusion_a,b_a,b\",\"confusion_a,b_say \"\"x\"\"\","
                + "\"confusion_say \"\"x\"\"_a,b\",\"confusion_say \"\"x\"\"_say \"\"x\"\"\",notes",
            "a,1,,NaN,0.5,0.9,,0.2,0.8,\"[\"\"x,y\"\",null]\"",
            "b,,,,,,,,,",
            "c,0,3,-0.0,1.0,1.0,0.0,0.0,1.0,[]");
  }

  /** A matrix row that is null or short stops the write on the driver as in a session. */
  @Test
  void aShortOrMissingMatrixRowStopsTheWriteOnTheDriverToo(SparkSession spark) throws Exception {
    StructType schema = CONFUSION;
    List<List<List<Double>>> matrices =
        List.of(
            Arrays.asList(List.of(1.0, 0.0), null),
            List.of(List.of(1.0, 0.0), List.of(1.0)),
            List.of(List.of(1.0, 0.0)));
    HadoopPaths paths = HadoopPaths.of(spark);
    for (int m = 0; m < matrices.size(); m++) {
      Path folder = Files.createDirectories(dir.resolve("matrix-" + m));
      Path table = folder.resolve("annotators");
      spark
          .createDataFrame(
              List.of(
                  RowFactory.create("fine", List.of(List.of(0.5, 0.5), List.of(0.5, 0.5))),
                  RowFactory.create("wrong", matrices.get(m))),
              schema)
          .coalesce(1)
          .write()
          .parquet(table.toString());
      Files.writeString(folder.resolve("summary.json"), "{\"classes\": [\"cat\", \"dog\"]}");
      Path csv = dir.resolve("matrix-" + m + ".csv");
      String message =
          "confusion of "
              + table
              + " has rows without one entry per class of [cat, dog] (the class list found for it);"
              + " nothing written: pass --arrays to write the arrays as they are";
      refusedOnBothPaths(spark, table, csv, message);
    }
  }

  /**
   * A table of several files is read in a session's order: its files by size, largest first, and
   * those of one size in the folder's listing order.
   */
  @Test
  void aTableOfSeveralFilesIsWrittenInASessionsOrder(SparkSession spark) throws Exception {
    StructType schema =
        new StructType().add("image_id", DataTypes.StringType).add("n", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(RowFactory.create("img" + i, i));
    }
    // Three writes of 10, 200 and 90 rows: three files, the largest first in a session's read.
    Path uneven = dir.resolve("uneven");
    for (int[] range : new int[][] {{0, 10}, {10, 210}, {210, 300}}) {
      spark
          .createDataFrame(rows.subList(range[0], range[1]), schema)
          .coalesce(1)
          .write()
          .mode("append")
          .parquet(uneven.toString());
    }
    // Files of one size: one row each, the files of the most common size kept.
    Path even = dir.resolve("even");
    List<Row> single = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      single.add(RowFactory.create("r" + i, i));
    }
    spark
        .createDataFrame(single, schema)
        .repartitionByRange(12, functions.col("n"))
        .write()
        .parquet(even.toString());
    Map<Long, List<Path>> bySize = new HashMap<>();
    try (Stream<Path> files = Files.list(even)) {
      files
          .filter(p -> p.getFileName().toString().startsWith("part-"))
          .forEach(p -> bySize.computeIfAbsent(size(p), s -> new ArrayList<>()).add(p));
    }
    List<Path> kept = bySize.values().stream().max(Comparator.comparing(List::size)).orElseThrow();
    for (List<Path> parts : bySize.values()) {
      if (parts != kept) {
        for (Path part : parts) {
          Files.delete(part);
        }
      }
    }
    assertThat(partSizes(uneven)).as("files of different sizes").doesNotHaveDuplicates();
    assertThat(partSizes(even))
        .as("files of one size")
        .hasSize(kept.size())
        .containsOnly(size(kept.get(0)));

    for (Path table : List.of(uneven, even)) {
      Path csv = dir.resolve(table.getFileName() + ".csv");
      writtenOnBothPaths(spark, table, csv, false);
    }
    List<String> lines = Files.readAllLines(dir.resolve("uneven.csv"));
    assertThat(lines).hasSize(301);
    assertThat(List.of(lines.get(0), lines.get(1), lines.get(201), lines.get(291)))
        .containsExactly("image_id,n", "img10,10", "img210,210", "img0,0");
    assertThat(Files.readAllLines(dir.resolve("even.csv")))
        .hasSize(1 + kept.size())
        .startsWith("image_id,n");
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Long> partSizes(Path table) throws Exception {
    try (Stream<Path> files = Files.list(table)) {
      List<Long> sizes = new ArrayList<>();
      for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        sizes.add(Files.size(part));
      }
      assertThat(sizes).hasSizeGreaterThan(1);
      return sizes;
    }
  }

  /** A table without rows is its header; one of binary columns alone is refused alike. */
  @Test
  void anEmptyTableAndABinaryOneAreWrittenOrRefusedOnTheDriverAlike(SparkSession spark)
      throws Exception {
    Path empty = dir.resolve("empty");
    spark
        .createDataFrame(
            List.of(),
            new StructType()
                .add("image_id", DataTypes.StringType)
                .add("score", DataTypes.DoubleType))
        .write()
        .parquet(empty.toString());
    Path csv = dir.resolve("empty.csv");
    writtenOnBothPaths(spark, empty, csv, false);
    assertThat(Files.readAllLines(csv)).containsExactly("image_id,score");

    Path bytes = dir.resolve("bytes");
    spark
        .createDataFrame(
            List.of(RowFactory.create((Object) new byte[] {1, 2})),
            new StructType().add("image", DataTypes.BinaryType))
        .write()
        .parquet(bytes.toString());
    Path none = dir.resolve("bytes.csv");
    String message = bytes + " has no column that can be written as text";
    refusedOnBothPaths(spark, bytes, none, message);
  }

  /**
   * The output is checked, refused and replaced as a session's write is: an existing file needs
   * --overwrite, which replaces an earlier output of to-csv.
   */
  @Test
  void anExistingOutputIsRefusedOrReplacedOnTheDriverAsInASession(SparkSession spark)
      throws Exception {
    Path table = dir.resolve("small");
    spark
        .createDataFrame(
            List.of(RowFactory.create("a", 1)),
            new StructType().add("image_id", DataTypes.StringType).add("n", DataTypes.IntegerType))
        .write()
        .parquet(table.toString());
    HadoopPaths paths = HadoopPaths.of(spark);
    ToCsvJob.DriverPlan plan =
        ToCsvJob.onDriver(paths, new SparkConf(false), table.toString(), false).orElseThrow();
    Path csv = dir.resolve("small.csv");
    ToCsvJob.runOnDriver(paths, plan, table.toString(), csv.toString(), false);

    assertThatThrownBy(
            () -> ToCsvJob.runOnDriver(paths, plan, table.toString(), csv.toString(), false))
        .isInstanceOf(UserError.class)
        .hasMessage("output already exists: " + csv + " (pass --overwrite to replace it)");
    Files.writeString(csv, "edited\n");
    ToCsvJob.runOnDriver(paths, plan, table.toString(), csv.toString(), true);
    assertThat(Files.readAllLines(csv)).containsExactly("image_id,n", "a,1");
    assertThatThrownBy(
            () ->
                ToCsvJob.runOnDriver(
                    paths, plan, table.toString(), table.resolve("in.csv").toString(), false))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("output " + table.resolve("in.csv") + " ");
  }

  /**
   * Only a small plain Parquet table of types written as a session writes them, with no Spark
   * setting that changes what a session writes, is written on the driver.
   */
  @Test
  void otherTablesAndSettingsAreLeftToASession(SparkSession spark) throws Exception {
    HadoopPaths paths = HadoopPaths.of(spark);
    SparkConf none = new SparkConf(false);
    Path plain = dir.resolve("plain");
    spark.range(3).write().parquet(plain.toString());
    assertThat(ToCsvJob.onDriver(paths, none, plain.toString(), false)).isPresent();
    assertThat(ToCsvJob.onDriver(paths, none, "file:" + plain, false)).isPresent();
    assertThat(
            ToCsvJob.onDriver(
                paths,
                new SparkConf(false)
                    .set("spark.sql.legacy.nullValueWrittenAsQuotedEmptyStringCsv", "true"),
                plain.toString(),
                false))
        .as("a setting that changes a session's text")
        .isEmpty();
    assertThat(
            ToCsvJob.onDriver(
                paths,
                new SparkConf(false).set("spark.sql.shuffle.partitions", "8"),
                plain.toString(),
                false))
        .as("a setting that changes nothing written")
        .isPresent();

    Path times = dir.resolve("times");
    spark
        .sql("SELECT 1 AS id, TIMESTAMP '2026-11-01 10:00:00' AS at")
        .write()
        .parquet(times.toString());
    assertThat(ToCsvJob.onDriver(paths, none, times.toString(), false))
        .as("a time's text depends on the session's time zone")
        .isEmpty();

    Path partitioned = dir.resolve("partitioned");
    spark
        .range(4)
        .withColumn("day", functions.col("id").mod(2))
        .write()
        .partitionBy("day")
        .parquet(partitioned.toString());
    assertThat(ToCsvJob.onDriver(paths, none, partitioned.toString(), false)).isEmpty();

    Path cased = Files.createDirectories(dir.resolve("cased"));
    spark
        .createDataFrame(
            List.of(RowFactory.create("a", List.of(1, 2))),
            new StructType()
                .add("image_id", DataTypes.StringType)
                .add("counts", DataTypes.createArrayType(DataTypes.IntegerType)))
        .write()
        .parquet(cased.resolve("labels").toString());
    Files.writeString(cased.resolve("summary.json"), "{\"classes\": [\"Cat\", \"cat\"]}");
    assertThat(ToCsvJob.onDriver(paths, none, cased.resolve("labels").toString(), false))
        .as("columns a session refuses to write: counts_Cat and counts_cat")
        .isEmpty();

    Path large = dir.resolve("large");
    spark
        .range(1_100_000)
        .select(functions.rand(7).as("x"))
        .coalesce(1)
        .write()
        .parquet(large.toString());
    try (Stream<Path> files = Files.list(large)) {
      long bytes = 0;
      for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        bytes += Files.size(part);
      }
      assertThat(bytes).isGreaterThan(ToCsvJob.DRIVER_MAX_BYTES);
    }
    assertThat(ToCsvJob.onDriver(paths, none, large.toString(), false))
        .as("over %,d bytes", ToCsvJob.DRIVER_MAX_BYTES)
        .isEmpty();
  }

  /**
   * The command writes a small local Parquet table on the driver: it runs without a Spark master,
   * which a session needs (none is set in the test JVM); a Delta table it leaves to a session.
   */
  @Test
  void theCommandWritesASmallLocalTableWithoutASession(SparkSession spark) throws Exception {
    Path table = dir.resolve("plain");
    spark
        .createDataFrame(
            List.of(RowFactory.create("a", 0.25), RowFactory.create("b,c", null)),
            new StructType()
                .add("image_id", DataTypes.StringType)
                .add("score", DataTypes.DoubleType))
        .write()
        .parquet(table.toString());
    Path csv = dir.resolve("plain.csv");
    assertThat(System.getProperty("spark.master")).isNull();

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = SoftLabels.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    assertThat(command.execute("to-csv", table.toString(), csv.toString()))
        .as(err.toString())
        .isZero();

    assertThat(out.toString()).contains("to-csv: " + table + " -> " + csv + " (2 columns)");
    assertThat(Files.readAllLines(csv)).containsExactly("image_id,score", "a,0.25", "\"b,c\",");
    Path bySpark = dir.resolve("by-spark.csv");
    ToCsvJob.run(spark, table.toString(), bySpark.toString(), false, false);
    assertThat(Files.readAllBytes(csv)).isEqualTo(Files.readAllBytes(bySpark));

    Path delta = dir.resolve("delta");
    spark.range(3).write().format("delta").save(delta.toString());
    StringWriter refused = new StringWriter();
    command.setErr(new PrintWriter(refused, true));
    assertThat(command.execute("to-csv", delta.toString(), dir.resolve("d.csv").toString()))
        .isEqualTo(SoftLabels.USER_ERROR);
    assertThat(refused.toString()).as("a session is started").contains("no Spark master is set");
  }

  @Test
  void aDeltaTableThatIsNoLabelStoreIsRefused(SparkSession spark) {
    Path table = dir.resolve("other-delta");
    spark.range(3).write().format("delta").save(table.toString());
    assertThat(
            ToCsvJob.onDriver(HadoopPaths.of(spark), new SparkConf(false), table.toString(), false))
        .as("a session refuses it")
        .isEmpty();

    assertThatThrownBy(
            () ->
                ToCsvJob.run(
                    spark, table.toString(), dir.resolve("d.csv").toString(), false, false))
        .isInstanceOf(UserError.class)
        .hasMessage(
            table
                + " is a Delta table but no label store: to-csv reads "
                + "Parquet tables and label stores (relabel --state)");
  }
}
