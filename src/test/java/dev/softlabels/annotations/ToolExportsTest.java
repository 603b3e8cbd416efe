package dev.softlabels.annotations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each tool's shipped example read row by row and aggregated; exports of another kind refused. */
@ExtendWith(SparkExtension.class)
class ToolExportsTest {

  private static final List<String> CLASSES = List.of("Cat", "Dog", "Bird");

  @TempDir Path dir;

  private static Map<String, Object> config(String format, Path input, Path output) {
    return Map.of(
        "softlabels.classes", CLASSES,
        "softlabels.annotations.format", format,
        "softlabels.aggregate.input", input.toString(),
        "softlabels.aggregate.output", output.toString());
  }

  /** Every canonical row as image|annotator|label|tool_reason. */
  private static List<String> rows(SparkSession spark, String format, Path input) {
    AnnotationSource source = AnnotationSource.from(ConfigLoader.withOverrides(config(format, input, input)));
    return AnnotationReader.read(spark, source, input.toString())
        .select(LabelColumns.IMAGE, LabelColumns.ANNOTATOR, LabelColumns.LABEL, AnnotationReader.TOOL_REASON)
        .collectAsList().stream()
        .map(r -> r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3))
        .toList();
  }

  /** Aggregates the export; returns each image's vote counts (class order Cat, Dog, Bird). */
  private AggregateSummary aggregate(SparkSession spark, String format, Path input) {
    return AggregateJob.run(spark,
        AggregateSettings.from(ConfigLoader.withOverrides(config(format, input, dir.resolve("out")))));
  }

  private Map<String, List<Integer>> counts(SparkSession spark) {
    return spark.read().parquet(dir.resolve("out/labels").toString()).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("image_id")),
            r -> r.<Integer>getList(r.fieldIndex("counts")), (a, b) -> a, TreeMap::new));
  }

  /** Every quarantined row as image|annotator|label|reason. */
  private List<String> quarantine(SparkSession spark) {
    return spark.read().parquet(dir.resolve("out/quarantine").toString()).collectAsList().stream()
        .map(r -> r.getString(r.fieldIndex("image_id")) + "|" + r.getString(r.fieldIndex("annotator_id")) + "|"
            + r.getString(r.fieldIndex("label")) + "|" + r.getString(r.fieldIndex("reason")))
        .toList();
  }

  @Test
  void labelStudioExportGivesOneVotePerAnnotationAndQuarantinesTheSkippedOne(SparkSession spark) {
    Path input = Path.of("examples/label-studio/export.json");

    assertThat(rows(spark, "label-studio", input)).containsExactlyInAnyOrder(
        "/data/upload/3/cat_001.jpg|1|Cat|null",
        "/data/upload/3/cat_001.jpg|2|Cat|null",
        "/data/upload/3/cat_001.jpg|3|Dog|null",
        "/data/upload/3/dog_002.jpg|1|Dog|null",
        "/data/upload/3/dog_002.jpg|2|null|skipped_by_annotator",
        "/data/upload/3/dog_002.jpg|3|Dog|null",
        "/data/upload/3/bird_003.jpg|1|Bird|null",
        "/data/upload/3/bird_003.jpg|2|Bird|null",
        "/data/upload/3/bird_003.jpg|3|Cat|null",
        "/data/upload/3/cat_004.jpg|2|Cat|null");

    AggregateSummary summary = aggregate(spark, "label-studio", input);

    assertThat(counts(spark)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "/data/upload/3/cat_001.jpg", List.of(2, 1, 0),
        "/data/upload/3/dog_002.jpg", List.of(0, 2, 0),
        "/data/upload/3/bird_003.jpg", List.of(1, 0, 2),
        "/data/upload/3/cat_004.jpg", List.of(1, 0, 0)));
    assertThat(quarantine(spark)).containsExactly("/data/upload/3/dog_002.jpg|2|null|skipped_by_annotator");
    assertThat(summary.rowsRead()).isEqualTo(10);
    assertThat(summary.rowsUsed()).isEqualTo(9);
    assertThat(summary.quarantinedByReason()).containsEntry("skipped_by_annotator", 1L);
  }

  @Test
  void labelStudioBoundingBoxesAndMultiLabelChoicesAreRefusedWithOneLine(SparkSession spark) {
    Path boxes = Path.of("src/test/resources/label-studio/bounding-boxes.json");
    Path multiLabel = Path.of("src/test/resources/label-studio/multi-label.json");

    assertThatThrownBy(() -> aggregate(spark, "label-studio", boxes))
        .isInstanceOf(UserError.class)
        .hasMessage("Label Studio task 201 has a 'rectanglelabels' result: only single-choice image classification "
            + "(one <Choices> with choice=\"single\") can be read");
    assertThatThrownBy(() -> aggregate(spark, "label-studio", multiLabel))
        .isInstanceOf(UserError.class)
        .hasMessage("Label Studio task 302 has an annotation choosing 2 classes: only single-choice image "
            + "classification (one <Choices> with choice=\"single\") can be read");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void sageMakerJobGivesEveryWorkersAnswerOnTheManifestsSourceRef(SparkSession spark) {
    Path input = Path.of("examples/sagemaker-gt/animals-job");
    String w1 = "private.us-east-1.1a2b3c4d5e6f7a8b";
    String w2 = "private.us-east-1.9c8d7e6f5a4b3c2d";
    String w3 = "private.us-east-1.0f1e2d3c4b5a6978";
    String images = "s3://animals-bucket/images/";

    assertThat(rows(spark, "sagemaker-gt", input)).containsExactlyInAnyOrder(
        images + "img_0001.jpg|" + w1 + "|Cat|null",
        images + "img_0001.jpg|" + w2 + "|Cat|null",
        images + "img_0001.jpg|" + w3 + "|Dog|null",
        images + "img_0002.jpg|" + w1 + "|Dog|null",
        images + "img_0002.jpg|" + w2 + "|Dog|null",
        images + "img_0002.jpg|" + w3 + "|Dog|null",
        images + "img_0003.jpg|" + w1 + "|Bird|null",
        images + "img_0003.jpg|" + w2 + "|None of the above|null",
        images + "img_0003.jpg|" + w3 + "|Bird|null");

    AggregateSummary summary = aggregate(spark, "sagemaker-gt", input);

    assertThat(counts(spark)).containsExactlyInAnyOrderEntriesOf(Map.of(
        images + "img_0001.jpg", List.of(2, 1, 0),
        images + "img_0002.jpg", List.of(0, 3, 0),
        images + "img_0003.jpg", List.of(0, 0, 2)));
    assertThat(quarantine(spark)).containsExactly(images + "img_0003.jpg|" + w2 + "|None of the above|unknown_class");
    assertThat(summary.rowsRead()).isEqualTo(9);
    assertThat(summary.rowsUsed()).isEqualTo(8);
  }

  @Test
  void mturkBatchResultsGiveOneVotePerAssignmentAndQuarantineTheRejectedOne(SparkSession spark) {
    Path input = Path.of("examples/mturk/Batch_4981234_batch_results.csv");
    String images = "https://animals-bucket.s3.amazonaws.com/images/";

    assertThat(rows(spark, "mturk", input)).containsExactlyInAnyOrder(
        images + "img_0001.jpg|A1X9E0QGZ8P2KD|Cat|null",
        images + "img_0001.jpg|A3RM5TLP0Q2WJ7|Cat|null",
        images + "img_0001.jpg|A2C7V3N9KDJ4XL|Dog|null",
        images + "img_0002.jpg|A1X9E0QGZ8P2KD|Dog|null",
        images + "img_0002.jpg|A2C7V3N9KDJ4XL|Dog|null",
        images + "img_0002.jpg|AZ8KQ1T6W0YB3M|Bird|rejected_by_requester",
        images + "img_0003.jpg|A3RM5TLP0Q2WJ7|Bird|null",
        images + "img_0003.jpg|A2C7V3N9KDJ4XL|Bird|null",
        images + "img_0003.jpg|A1X9E0QGZ8P2KD|Cat|null");

    AggregateSummary summary = aggregate(spark, "mturk", input);

    assertThat(counts(spark)).containsExactlyInAnyOrderEntriesOf(Map.of(
        images + "img_0001.jpg", List.of(2, 1, 0),
        images + "img_0002.jpg", List.of(0, 2, 0),
        images + "img_0003.jpg", List.of(1, 0, 2)));
    assertThat(quarantine(spark)).containsExactly(images + "img_0002.jpg|AZ8KQ1T6W0YB3M|Bird|rejected_by_requester");
    assertThat(summary.rowsRead()).isEqualTo(9);
    assertThat(summary.rowsUsed()).isEqualTo(8);
  }

  @Test
  void tolokaResultsKeepControlTasksAsVotesAndQuarantineRejectedAndSkippedAssignments(SparkSession spark) {
    Path input = Path.of("examples/toloka/assignments_from_pool_41226871__14-05-2024.tsv");
    String images = "https://animals-bucket.s3.amazonaws.com/images/";
    String w1 = "5f2ac1e07b9d4e6a8c3b1d0e9f7a6b52";
    String w2 = "a09c7e3d1b5f48e2967d0c4ab3e1f8d6";
    String w3 = "e7d61b2a4c9f4035b8a2d7c6e0f19a3b";
    String w4 = "3c4b8f1d7e2a46c9a5b0e6d2f9c1847e";

    assertThat(rows(spark, "toloka", input)).containsExactlyInAnyOrder(
        images + "img_0001.jpg|" + w1 + "|Cat|null",
        images + "img_0002.jpg|" + w1 + "|Dog|null",
        images + "img_0001.jpg|" + w2 + "|Cat|null",
        images + "img_0002.jpg|" + w2 + "|Dog|null",
        images + "img_0001.jpg|" + w3 + "|Bird|rejected_by_requester",
        images + "img_0002.jpg|" + w3 + "|Bird|rejected_by_requester",
        images + "img_0003.jpg|" + w1 + "|Bird|null",
        images + "img_0004.jpg|" + w1 + "|Cat|null",
        images + "img_0003.jpg|" + w2 + "|null|skipped_by_annotator",
        images + "img_0004.jpg|" + w2 + "|null|skipped_by_annotator",
        images + "img_0003.jpg|" + w4 + "|Bird|null",
        images + "img_0004.jpg|" + w4 + "|Dog|null");

    AggregateSummary summary = aggregate(spark, "toloka", input);

    assertThat(counts(spark)).containsExactlyInAnyOrderEntriesOf(Map.of(
        images + "img_0001.jpg", List.of(2, 0, 0),
        images + "img_0002.jpg", List.of(0, 2, 0),
        images + "img_0003.jpg", List.of(0, 0, 2),
        images + "img_0004.jpg", List.of(1, 1, 0)));
    assertThat(quarantine(spark)).containsExactlyInAnyOrder(
        images + "img_0001.jpg|" + w3 + "|Bird|rejected_by_requester",
        images + "img_0002.jpg|" + w3 + "|Bird|rejected_by_requester",
        images + "img_0003.jpg|" + w2 + "|null|skipped_by_annotator",
        images + "img_0004.jpg|" + w2 + "|null|skipped_by_annotator");
    assertThat(summary.rowsRead()).isEqualTo(12);
    assertThat(summary.rowsUsed()).isEqualTo(8);
    assertThat(summary.quarantinedByReason())
        .containsEntry("rejected_by_requester", 2L).containsEntry("skipped_by_annotator", 2L);
  }
}
