package dev.softlabels.dataset;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.SparkExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** k-fold splits of computed splits: the test parts partition the images, and never validate. */
@ExtendWith(SparkExtension.class)
class FoldsTest {

  private static final int IMAGES = 2_000;
  private static final int K = 5;

  private static DataSpec fold(int split) {
    return new DataSpec(
        "images", "labels", LabelType.SOFT, split, 0.6, 0.2, K, "^(.+)$", LabelIdPattern.NONE);
  }

  /** split -> part -> image ids. */
  private static Map<String, Set<String>> parts(SparkSession spark, DataSpec data) {
    List<String> ids = IntStream.range(0, IMAGES).mapToObj(i -> "img-" + i).toList();
    List<Row> rows =
        spark
            .createDataset(ids, Encoders.STRING())
            .toDF(LabelColumns.IMAGE)
            .select(
                col(LabelColumns.IMAGE),
                ImageTable.computedSplit(col(LabelColumns.IMAGE), data).as("part"))
            .collectAsList();
    return rows.stream()
        .collect(
            Collectors.groupingBy(
                r -> r.getString(1), Collectors.mapping(r -> r.getString(0), Collectors.toSet())));
  }

  @Test
  void theTestPartsPartitionTheImagesAndEachSplitValidatesOnTheNextFold(SparkSession spark) {
    Set<String> tested = new HashSet<>();
    Map<String, Set<String>> first = parts(spark, fold(0));
    Map<String, Set<String>> previous = first;
    int testedTotal = 0;
    for (int split = 0; split < K; split++) {
      Map<String, Set<String>> parts = split == 0 ? first : parts(spark, fold(split));
      Set<String> test = parts.get(ImageTable.TEST);
      Set<String> validation = parts.get(ImageTable.VALIDATION);
      Set<String> train = parts.get(ImageTable.TRAIN);
      assertThat(test.size() + validation.size() + train.size()).isEqualTo(IMAGES);
      assertThat(test).doesNotContainAnyElementsOf(validation).doesNotContainAnyElementsOf(train);
      assertThat(validation).doesNotContainAnyElementsOf(train);
      // A fold holds about a fifth of the images: 400 expected, binomial sd ~18.
      assertThat(test.size()).isBetween(300, 500);
      if (split > 0) {
        assertThat(previous.get(ImageTable.VALIDATION))
            .as("split %d's validation fold is split %d's test fold", split - 1, split)
            .isEqualTo(test);
      }
      tested.addAll(test);
      testedTotal += test.size();
      previous = parts;
    }
    assertThat(previous.get(ImageTable.VALIDATION))
        .as("the last split validates on fold 0")
        .isEqualTo(first.get(ImageTable.TEST));
    assertThat(testedTotal).as("no image is tested twice").isEqualTo(IMAGES);
    assertThat(tested).hasSize(IMAGES);
  }

  @Test
  void foldsAreCheckedAgainstTheSplit() {
    assertThatThrownBy(
            () ->
                DataSpec.of(ConfigLoader.withOverrides(Map.of()), "i", "l", LabelType.SOFT, 5)
                    .withFolds(5))
        .isInstanceOf(UserError.class)
        .hasMessage("softlabels.train.split must be below softlabels.train.folds (5), got 5");
    assertThatThrownBy(
            () ->
                DataSpec.of(
                    ConfigLoader.withOverrides(Map.of("softlabels.train.folds", 2)),
                    "i",
                    "l",
                    LabelType.SOFT,
                    0))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "softlabels.train.folds must be 0 (split by split-fractions) or at least 3, got 2");
    assertThat(
            DataSpec.of(ConfigLoader.withOverrides(Map.of()), "i", "l", LabelType.SOFT, 1)
                .withFolds(3)
                .withFractions(0.5, 0.5)
                .folds())
        .as("fractions replace folds")
        .isZero();
  }
}
