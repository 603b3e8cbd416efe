package dev.softlabels.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class ToCsvJobTest {

  private static final String HEADER = "image_id,annotator_id,label";

  @TempDir Path dir;

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

    ToCsvJob.run(spark, out.resolve("annotators").toString(), csv.toString(), false, false);

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
    StructType schema =
        new StructType()
            .add("annotator_id", DataTypes.StringType)
            .add(
                "confusion",
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
    spark
        .createDataFrame(
            List.of(RowFactory.create("u1", new Double[][] {{0.9, 0.1}, {0.2, 0.8}})), schema)
        .write()
        .parquet(fit.resolve("annotators").toString());
    Files.writeString(
        fit.resolve("summary.json"),
        Json.write(Map.of("classes", List.of("Golden Retriever", "cat"), "method", "dawid-skene")));
    Path csv = dir.resolve("fit.csv");

    ToCsvJob.run(spark, fit.resolve("annotators").toString(), csv.toString(), false, false);

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
    ToCsvJob.run(spark, exported.toString(), fromExport.toString(), false, false);
    assertThat(rows(fromExport).get("x"))
        .as("relabel export records the class list")
        .containsEntry("counts_dog", "2");

    Path night2 = store.resolve("changes/date=2026-11-02");
    assertThat(Json.read(Files.readString(night2.resolve("summary.json")), Map.class))
        .containsEntry("classes", List.of("cat", "dog"));
    Path changes = dir.resolve("changes.csv");
    ToCsvJob.run(spark, night2.resolve("images").toString(), changes.toString(), false, false);
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

    ToCsvJob.run(spark, table.toString(), csv.toString(), false, true);
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

    assertThatThrownBy(
            () ->
                ToCsvJob.run(
                    spark, folder.resolve("labels").toString(), csv.toString(), false, false))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "counts of "
                + folder.resolve("labels")
                + " has rows without one "
                + "entry per class of [cat, dog] (the class list found for it); nothing written: pass --arrays to write "
                + "the arrays as they are");
    assertThat(csv).doesNotExist();
  }

  @Test
  void aDeltaTableThatIsNoLabelStoreIsRefused(SparkSession spark) {
    Path table = dir.resolve("other-delta");
    spark.range(3).write().format("delta").save(table.toString());

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
