package dev.softlabels.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SqlLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Spark built-in expressions agree with the plain-Java rules on many random count vectors. */
@ExtendWith(SparkExtension.class)
class LabelColumnsTest {

  @Test
  void derivedColumnsMatchLabelMath(SparkSession spark) {
    ClassList classes = new ClassList(List.of("a", "b", "c", "d"));
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // Small counts make ties and zeros common.
      Integer[] counts = new Integer[classes.size()];
      do {
        for (int k = 0; k < counts.length; k++) {
          counts[k] = random.nextInt(4);
        }
      } while (Arrays.stream(counts).mapToInt(Integer::intValue).sum() == 0);
      rows.add(RowFactory.create("img" + i, counts));
    }
    StructType schema =
        new StructType()
            .add("image_id", DataTypes.StringType)
            .add("counts", DataTypes.createArrayType(DataTypes.IntegerType));

    Map<String, Row> derived =
        SqlLabels.derive(spark.createDataFrame(rows, schema), classes).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r));

    assertThat(derived).hasSize(rows.size());
    long ties = 0;
    for (Row input : rows) {
      int[] counts = Arrays.stream((Integer[]) input.get(1)).mapToInt(Integer::intValue).toArray();
      Row out = derived.get(input.getString(0));
      double[] soft = LabelMath.soft(counts);
      assertThat(out.getInt(out.fieldIndex("n_annotations")))
          .isEqualTo(Arrays.stream(counts).sum());
      assertThat(out.<Double>getList(out.fieldIndex("soft_label")))
          .containsExactly(Arrays.stream(soft).boxed().toArray(Double[]::new));
      assertThat(out.getInt(out.fieldIndex("hard_label"))).isEqualTo(LabelMath.argmax(counts));
      assertThat(out.getString(out.fieldIndex("hard_label_name")))
          .isEqualTo(classes.name(LabelMath.argmax(counts)));
      assertThat(out.getBoolean(out.fieldIndex("is_tie"))).isEqualTo(LabelMath.isTie(counts));
      assertThat(out.getDouble(out.fieldIndex("agreement"))).isEqualTo(LabelMath.agreement(counts));
      assertThat(out.getDouble(out.fieldIndex("entropy")))
          .isCloseTo(LabelMath.normalizedEntropy(soft), within(1e-12));
      ties += LabelMath.isTie(counts) ? 1 : 0;
    }
    assertThat(ties).as("the sample exercises ties").isGreaterThan(30);
  }

  /**
   * (0.2, 0.4, 0.7 − 0.3) is a posterior with an exact tie that floating point leaves one ulp
   * apart: in every class order it is a tie, its hard label the lower index of the two, as {@link
   * LabelRow} says.
   */
  @Test
  void aTieOneUlpApartIsATieInEveryClassOrder(SparkSession spark) {
    ClassList classes = new ClassList(List.of("a", "b", "c"));
    double[] posterior = {0.2, 0.4, 0.7 - 0.3};
    int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    List<Row> rows = new ArrayList<>();
    for (int[] order : orders) {
      Double[] soft = new Double[3];
      for (int c = 0; c < 3; c++) {
        soft[order[c]] = posterior[c];
      }
      rows.add(RowFactory.create(Arrays.toString(order), 0, null, soft));
    }
    StructType schema =
        new StructType()
            .add(LabelColumns.IMAGE, DataTypes.StringType)
            .add(LabelColumns.N_ANNOTATIONS, DataTypes.IntegerType)
            .add(LabelColumns.COUNTS, DataTypes.createArrayType(DataTypes.IntegerType))
            .add(LabelColumns.SOFT_LABEL, DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> labels =
        LabelColumns.fromSoftLabel(spark.createDataFrame(rows, schema), classes).collectAsList();

    assertThat(labels).hasSize(orders.length);
    for (Row label : labels) {
      double[] soft =
          label.<Double>getList(label.fieldIndex(LabelColumns.SOFT_LABEL)).stream()
              .mapToDouble(Double::doubleValue)
              .toArray();
      int[] order =
          orders[rows.stream().map(r -> r.getString(0)).toList().indexOf(label.getString(0))];
      LabelRow java = LabelRow.of(label.getString(0), new int[3], soft, classes);
      assertThat(label.getBoolean(label.fieldIndex(LabelColumns.IS_TIE)))
          .as(label.getString(0))
          .isTrue();
      assertThat(label.getInt(label.fieldIndex(LabelColumns.HARD_LABEL)))
          .as(label.getString(0))
          .isEqualTo(Math.min(order[1], order[2]))
          .isEqualTo(java.hardLabel());
      assertThat(java.isTie()).isTrue();
    }
  }
}
