package dev.softlabels.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.LabelAggregation;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class LabelAggregatorTest {

  private static final List<String> CLASSES = List.of("cat", "dog", "fox");
  private static final String[] VOTES = {
    "image_id,annotator_id,label",
    "a,u1,cat",
    "a,u2,cat",
    "a,u3,dog",
    "a,u4,cat",
    "b,u1,dog",
    "b,u2,cat",
    "b,u3,dog",
    "b,u4,fox",
    "c,u1,fox",
    "c,u2,fox",
    "c,u3,fox",
    "d,u1,cat",
    "d,u2,dog",
    "d,u3,dog",
    "d,u4,dog",
    "e,u2,fox",
    "e,u4,cat"
  };

  @TempDir Path dir;

  private static Map<String, Row> byImage(Dataset<Row> labels, String imageColumn) {
    return labels.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(r.fieldIndex(imageColumn)), r -> r));
  }

  private static LabelAggregator aggregator(String method) {
    return new LabelAggregator().setClasses(CLASSES.toArray(String[]::new)).setMethod(method);
  }

  @Test
  void givesExactlyTheAggregateJobsLabelsForEveryMethod(SparkSession spark) {
    Path input = TestFiles.write(dir, "votes.csv", VOTES);
    Dataset<Row> annotations = spark.read().option("header", true).csv(input.toString());
    for (String method :
        Arrays.stream(AggregationMethod.values()).map(AggregationMethod::configName).toList()) {
      Path output = dir.resolve(method);
      AggregateJob.run(
          spark,
          AggregateSettings.from(
              ConfigLoader.withOverrides(
                  Map.of(
                      "softlabels.classes",
                      CLASSES,
                      "softlabels.aggregate.input",
                      input.toString(),
                      "softlabels.aggregate.output",
                      output.toString(),
                      "softlabels.aggregate.method",
                      method))));
      Map<String, Row> job =
          byImage(spark.read().parquet(output.resolve("labels").toString()), "image_id");
      Map<String, Row> stage = byImage(aggregator(method).transform(annotations), "image_id");

      assertThat(stage.keySet()).isEqualTo(job.keySet()).hasSize(5);
      List<String> columns = new java.util.ArrayList<>(LabelColumns.COLUMNS);
      LabelAggregation.imageColumns(AggregationMethod.parse(method, "method"))
          .forEach(c -> columns.add(c.name()));
      assertThat(aggregator(method).transformSchema(annotations.schema()).fieldNames())
          .containsSubsequence(columns);
      for (String image : job.keySet()) {
        Row expected = job.get(image);
        Row actual = stage.get(image);
        for (String column : columns) {
          Object want = expected.get(expected.fieldIndex(column));
          Object got = actual.get(actual.fieldIndex(column));
          if (column.equals(LabelColumns.SOFT_LABEL)) {
            assertThat(doubles(actual.getList(actual.fieldIndex(column))))
                .as(method + " " + image)
                .containsExactly(
                    doubles(expected.getList(expected.fieldIndex(column))), within(1e-12));
          } else if (want instanceof Double d) {
            assertThat((Double) got)
                .as(method + " " + image + " " + column)
                .isCloseTo(d, within(1e-12));
          } else {
            assertThat(got).as(method + " " + image + " " + column).isEqualTo(want);
          }
        }
        assertThat(actual.<Vector>getAs("soft_label_vector").toArray())
            .containsExactly(
                doubles(actual.getList(actual.fieldIndex(LabelColumns.SOFT_LABEL))), within(0.0));
      }
    }
  }

  private static double[] doubles(List<?> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  @Test
  void renamedColumnsIndexLabelsAndInvalidRows(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("img", DataTypes.StringType)
            .add("who", DataTypes.StringType)
            .add("cls", DataTypes.IntegerType);
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                RowFactory.create("x", "u1", 2),
                RowFactory.create("x", "u2", 2),
                RowFactory.create("x", "u3", 0),
                RowFactory.create("x", "u4", 7)),
            schema);
    LabelAggregator stage =
        aggregator("majority")
            .setImageCol("img")
            .setAnnotatorCol("who")
            .setLabelCol("cls")
            .setSoftLabelCol("p")
            .setHardLabelCol("y")
            .setVectorCol("pv");

    assertThatThrownBy(() -> stage.transform(rows).collectAsList())
        .hasStackTraceContaining("a label that is no class of [cat, dog, fox]");

    Row x = stage.setHandleInvalid("skip").transform(rows).first();
    assertThat(x.getString(x.fieldIndex("img"))).isEqualTo("x");
    assertThat(x.getInt(x.fieldIndex("y"))).isEqualTo(2);
    assertThat(x.<Double>getList(x.fieldIndex("p"))).containsExactly(1 / 3.0, 0.0, 2 / 3.0);
    assertThat(x.<Vector>getAs("pv").toArray()).containsExactly(1 / 3.0, 0.0, 2 / 3.0);
    assertThat(x.getInt(x.fieldIndex("n_annotations")))
        .as("the out-of-range vote was skipped")
        .isEqualTo(3);
    assertThat(stage.transform(rows).schema().fieldNames())
        .isEqualTo(stage.transformSchema(rows.schema()).fieldNames());
    assertThatThrownBy(
            () -> stage.transformSchema(new StructType().add("img", DataTypes.StringType)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input column 'who' not found");
  }

  @Test
  void savedAndLoadedItGivesTheSameLabels(SparkSession spark) throws Exception {
    Dataset<Row> annotations =
        spark
            .read()
            .option("header", true)
            .csv(TestFiles.write(dir, "votes.csv", VOTES).toString());
    LabelAggregator stage =
        aggregator("dawid-skene").setMaxIter(7).setSmoothing(0.5).setVectorCol("v");
    String path = dir.resolve("stage").toString();
    stage.save(path);
    LabelAggregator loaded = LabelAggregator.load(path);
    assertThat(loaded.uid()).isEqualTo(stage.uid());
    assertThat(loaded.getClasses()).containsExactly("cat", "dog", "fox");
    assertThat(loaded.getMethod()).isEqualTo("dawid-skene");
    assertThat(loaded.getMaxIter()).isEqualTo(7);
    assertThat(loaded.getSmoothing()).isEqualTo(0.5);
    assertThat(
            loaded
                .transform(annotations)
                .orderBy("image_id")
                .select("image_id", "hard_label", "v")
                .collectAsList())
        .isEqualTo(
            stage
                .transform(annotations)
                .orderBy("image_id")
                .select("image_id", "hard_label", "v")
                .collectAsList());
  }

  @Test
  void runsInAnMlPipelineAndThePipelineRoundTrips(SparkSession spark) throws Exception {
    Dataset<Row> annotations =
        spark
            .read()
            .option("header", true)
            .csv(TestFiles.write(dir, "votes.csv", VOTES).toString());
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  aggregator("majority"),
                  new SQLTransformer()
                      .setStatement(
                          "SELECT image_id, hard_label, agreement < 0.75 AS needs_review FROM __THIS__")
                });
    PipelineModel model = pipeline.fit(annotations);
    List<Row> reviewed = model.transform(annotations).orderBy("image_id").collectAsList();
    // a: 3 of 4 cat; b: dog 2 of 4; c: unanimous fox; d: 3 of 4 dog; e: a cat/fox tie -> cat
    // (lowest index).
    assertThat(reviewed)
        .extracting(Row::toString)
        .containsExactly("[a,0,false]", "[b,1,true]", "[c,2,false]", "[d,1,false]", "[e,0,true]");

    String path = dir.resolve("pipeline").toString();
    model.save(path);
    assertThat(PipelineModel.load(path).transform(annotations).orderBy("image_id").collectAsList())
        .isEqualTo(reviewed);
  }
}
