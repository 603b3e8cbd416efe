package dev.softlabels.truth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.LabelAggregation;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.SparkExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GLAD's images keep their difficulty from one Spark pass to the next in cached per-block arrays:
 * its fit over four partitions equals the same iterations in plain Java on all the votes in one
 * block.
 */
@ExtendWith(SparkExtension.class)
class GladFitTest {

  @Test
  void sparkPassesCarryEachImagesDifficultyLikeOneLoopInJava(SparkSession spark) {
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double easy = random.nextDouble();
      for (int a = 0; a < 5; a++) {
        int annotator = random.nextInt(15);
        boolean right = random.nextDouble() < 0.3 + 0.6 * easy * (annotator + 5) / 20.0;
        rows.add(
            RowFactory.create(
                "i" + i, "a" + annotator + "-" + a, right ? i % 3 : random.nextInt(3)));
      }
    }
    StructType schema =
        new StructType()
            .add(LabelColumns.IMAGE, DataTypes.StringType)
            .add(LabelColumns.ANNOTATOR, DataTypes.StringType)
            .add(LabelColumns.CLASS_INDEX, DataTypes.IntegerType);
    ClassList classes = new ClassList(List.of("x", "y", "z"));
    JavaRDD<ImageVotes> images =
        LabelAggregation.imageVotes(
            spark.createDataFrame(rows, schema).repartition(4), classes, true);
    EmSettings settings = new EmSettings(8, 0, 0.01);
    try (VoteBlocks votes = VoteBlocks.of(spark, images, classes);
        Em.Fit<Glad.Model> fit = Em.fit(votes, new Glad(), settings, 0)) {
      Map<String, Integer> index = new HashMap<>();
      for (int a = 0; a < votes.annotators().size(); a++) {
        index.put(votes.annotators().get(a), a);
      }
      VoteBlocks.Block all =
          VoteBlocks.Block.of(images.collect().iterator()).withGlobalAnnotators(index);
      TruthInferenceTest.Run<Glad.Model> java =
          new TruthInferenceTest.Run<>(new Glad(), all, index.size(), 3, settings)
              .iterate(8, settings);

      assertThat(fit.iterations()).isEqualTo(8);
      assertThat(fit.model().ability()).containsExactly(java.model.ability(), within(1e-9));
      for (int n = 0; n < 8; n++) {
        assertThat(fit.logLikelihoods().get(n)).isCloseTo(java.logLikelihoods.get(n), within(1e-7));
      }
      Map<String, Double> difficulty = new HashMap<>();
      fit.labelRows(votes)
          .collect()
          .forEach(label -> difficulty.put(label.row().image(), (Double) label.imageValues()[0]));
      for (int i = 0; i < all.images().length; i++) {
        assertThat(difficulty.get(all.images()[i]))
            .as(all.images()[i])
            .isCloseTo(Math.exp(-java.image[i]), within(1e-9));
      }
      assertThat(difficulty.values())
          .as("images differ in difficulty")
          .anyMatch(d -> d < 0.8)
          .anyMatch(d -> d > 1.2);
    }
  }
}
