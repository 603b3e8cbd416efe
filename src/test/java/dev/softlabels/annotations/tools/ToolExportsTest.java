package dev.softlabels.annotations.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.AggregateSummary;
import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.relabel.Night;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each tool's shipped example read row by row and aggregated, one relabelled as a night; exports of
 * another kind refused.
 */
@ExtendWith(SparkExtension.class)
class ToolExportsTest {

  private static final List<String> CLASSES = List.of("Cat", "Dog", "Bird");

  @TempDir Path dir;

  /** A tool's shipped example, its format and the folder its image ids start with. */
  private record Export(String format, Path input, String images) {

    Map<String, Object> config(Path output) {
      return Map.of(
          "softlabels.classes",
          CLASSES,
          "softlabels.annotations.format",
          format,
          "softlabels.aggregate.input",
          input.toString(),
          "softlabels.aggregate.output",
          output.toString());
    }

    /** The image id without the examples' common folder, which every id must start with. */
    String image(String id) {
      assertThat(id).startsWith(images);
      return id.substring(images.length());
    }
  }

  /** Every canonical row as image|annotator|label|tool_reason. */
  private static List<String> rows(SparkSession spark, Export export) {
    AnnotationSource source =
        AnnotationSource.from(ConfigLoader.withOverrides(export.config(export.input())));
    return AnnotationReader.read(spark, source, export.input().toString())
        .select(
            LabelColumns.IMAGE,
            LabelColumns.ANNOTATOR,
            LabelColumns.LABEL,
            AnnotationReader.TOOL_REASON)
        .collectAsList()
        .stream()
        .map(
            r ->
                export.image(r.getString(0))
                    + "|"
                    + r.getString(1)
                    + "|"
                    + r.getString(2)
                    + "|"
                    + r.getString(3))
        .toList();
  }

  private AggregateSummary aggregate(SparkSession spark, Export export) {
    Path output = dir.resolve("out");
    return AggregateJob.run(
        spark, AggregateSettings.from(ConfigLoader.withOverrides(export.config(output))));
  }

  /** Each image's vote counts, in class order Cat, Dog, Bird. */
  private Map<String, List<Integer>> counts(SparkSession spark, Export export) {
    return spark.read().parquet(dir.resolve("out/labels").toString()).collectAsList().stream()
        .collect(
            Collectors.toMap(
                r -> export.image(r.getString(r.fieldIndex("image_id"))),
                r -> r.<Integer>getList(r.fieldIndex("counts")),
                (a, b) -> a,
                TreeMap::new));
  }

  /** Every quarantined row as image|annotator|label|reason. */
  private List<String> quarantine(SparkSession spark, Export export) {
    return spark.read().parquet(dir.resolve("out/quarantine").toString()).collectAsList().stream()
        .map(
            r ->
                export.image(r.getString(r.fieldIndex("image_id")))
                    + "|"
                    + r.getString(r.fieldIndex("annotator_id"))
                    + "|"
                    + r.getString(r.fieldIndex("label"))
                    + "|"
                    + r.getString(r.fieldIndex("reason")))
        .toList();
  }

  /**
   * Reads the export and aggregates it: its rows must be {@code rows} exactly, the labels' counts
   * {@code counts}, the quarantine {@code quarantined} (rows as image|annotator|label|reason) and
   * the summary's figures theirs.
   */
  private void assertExport(
      SparkSession spark,
      Export export,
      List<String> rows,
      Map<String, List<Integer>> counts,
      List<String> quarantined) {
    assertThat(rows(spark, export)).containsExactlyInAnyOrderElementsOf(rows);

    AggregateSummary summary = aggregate(spark, export);

    assertThat(counts(spark, export)).containsExactlyInAnyOrderEntriesOf(counts);
    assertThat(quarantine(spark, export)).containsExactlyInAnyOrderElementsOf(quarantined);
    assertThat(summary.rowsRead()).isEqualTo(rows.size());
    assertThat(summary.rowsUsed()).isEqualTo(rows.size() - quarantined.size());
    quarantined.stream()
        .collect(
            Collectors.groupingBy(
                row -> row.substring(row.lastIndexOf('|') + 1), Collectors.counting()))
        .forEach((reason, n) -> assertThat(summary.quarantinedByReason()).containsEntry(reason, n));
  }

  private static final Path LABEL_STUDIO_EXPORT = Path.of("examples/label-studio/export.json");
  private static final String LABEL_STUDIO_IMAGES = "/data/upload/3/";
  private static final List<String> LABEL_STUDIO_ROWS =
      List.of(
          "cat_001.jpg|1|Cat|null",
          "cat_001.jpg|2|Cat|null",
          "cat_001.jpg|3|Dog|null",
          "dog_002.jpg|1|Dog|null",
          "dog_002.jpg|2|null|skipped_by_annotator",
          "dog_002.jpg|3|Dog|null",
          "bird_003.jpg|1|Bird|null",
          "bird_003.jpg|2|Bird|null",
          "bird_003.jpg|3|Cat|null",
          "cat_004.jpg|2|Cat|null");
  private static final Map<String, List<Integer>> LABEL_STUDIO_COUNTS =
      Map.of(
          "cat_001.jpg", List.of(2, 1, 0),
          "dog_002.jpg", List.of(0, 2, 0),
          "bird_003.jpg", List.of(1, 0, 2),
          "cat_004.jpg", List.of(1, 0, 0));
  private static final List<String> LABEL_STUDIO_QUARANTINE =
      List.of("dog_002.jpg|2|null|skipped_by_annotator");

  @Test
  void labelStudioExportGivesOneVotePerAnnotationAndQuarantinesTheSkippedOne(SparkSession spark) {
    assertExport(
        spark,
        new Export("label-studio", LABEL_STUDIO_EXPORT, LABEL_STUDIO_IMAGES),
        LABEL_STUDIO_ROWS,
        LABEL_STUDIO_COUNTS,
        LABEL_STUDIO_QUARANTINE);
  }

  /**
   * The same tasks one per line (JSON lines), beside the array export: every task of both files is
   * read.
   */
  @Test
  void labelStudioTasksAsJsonLinesAreAllRead(SparkSession spark) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (JsonNode task : json.readTree(LABEL_STUDIO_EXPORT.toFile())) {
      lines.add(json.writeValueAsString(task));
    }
    Path lineExport = TestFiles.write(dir, "export.jsonl", lines.toArray(String[]::new));
    assertExport(
        spark,
        new Export("label-studio", lineExport, LABEL_STUDIO_IMAGES),
        LABEL_STUDIO_ROWS,
        LABEL_STUDIO_COUNTS,
        LABEL_STUDIO_QUARANTINE);

    Path folder = Files.createDirectories(dir.resolve("exports"));
    Files.copy(LABEL_STUDIO_EXPORT, folder.resolve("array.json"));
    Files.copy(lineExport, folder.resolve("lines.json"));
    assertThat(rows(spark, new Export("label-studio", folder, LABEL_STUDIO_IMAGES)))
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(LABEL_STUDIO_ROWS.stream(), LABEL_STUDIO_ROWS.stream()).toList());
  }

  @Test
  void labelStudioBoundingBoxesAndMultiLabelChoicesAreRefusedWithOneLine(SparkSession spark) {
    Path tests = Path.of("src/test/resources/label-studio");

    assertThatThrownBy(
            () ->
                aggregate(
                    spark, new Export("label-studio", tests.resolve("bounding-boxes.json"), "")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "Label Studio task 201 has a 'rectanglelabels' result: only single-choice image classification "
                + "(one <Choices> with choice=\"single\") can be read");
    assertThatThrownBy(
            () ->
                aggregate(spark, new Export("label-studio", tests.resolve("multi-label.json"), "")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "Label Studio task 302 has an annotation choosing 2 classes: only single-choice image "
                + "classification (one <Choices> with choice=\"single\") can be read");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  private static final Path SAGEMAKER_JOB = Path.of("examples/sagemaker-gt/animals-job");
  private static final String SAGEMAKER_IMAGES = "s3://animals-bucket/images/";
  private static final List<String> SAGEMAKER_ROWS =
      List.of(
          "img_0001.jpg|private.us-east-1.1a2b3c4d5e6f7a8b|Cat|null",
          "img_0001.jpg|private.us-east-1.9c8d7e6f5a4b3c2d|Cat|null",
          "img_0001.jpg|private.us-east-1.0f1e2d3c4b5a6978|Dog|null",
          "img_0002.jpg|private.us-east-1.1a2b3c4d5e6f7a8b|Dog|null",
          "img_0002.jpg|private.us-east-1.9c8d7e6f5a4b3c2d|Dog|null",
          "img_0002.jpg|private.us-east-1.0f1e2d3c4b5a6978|Dog|null",
          "img_0003.jpg|private.us-east-1.1a2b3c4d5e6f7a8b|Bird|null",
          "img_0003.jpg|private.us-east-1.9c8d7e6f5a4b3c2d|None of the above|null",
          "img_0003.jpg|private.us-east-1.0f1e2d3c4b5a6978|Bird|null");
  private static final String NONE_OF_THE_ABOVE =
      "img_0003.jpg|private.us-east-1.9c8d7e6f5a4b3c2d|None of the above|unknown_class";

  /**
   * Every worker's answer, "None of the above" (a class of the job's template, not of ours) too.
   */
  @Test
  void sageMakerJobGivesEveryWorkersAnswerOnTheManifestsSourceRef(SparkSession spark) {
    assertExport(
        spark,
        new Export("sagemaker-gt", SAGEMAKER_JOB, SAGEMAKER_IMAGES),
        SAGEMAKER_ROWS,
        Map.of(
            "img_0001.jpg",
            List.of(2, 1, 0),
            "img_0002.jpg",
            List.of(0, 3, 0),
            "img_0003.jpg",
            List.of(0, 0, 2)),
        List.of(NONE_OF_THE_ABOVE));
  }

  /** The job's folder copied, to be damaged. */
  private Path sageMakerJob() throws IOException {
    Path copy = dir.resolve("job");
    try (Stream<Path> files = Files.walk(SAGEMAKER_JOB)) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(SAGEMAKER_JOB.relativize(file).toString()));
      }
    }
    return copy;
  }

  /** A worker response cut short is one unparsable row on its object's image, counted, not lost. */
  @Test
  void aSageMakerWorkerResponseThatIsNotJsonIsQuarantined(SparkSession spark) throws IOException {
    Path job = sageMakerJob();
    Path response =
        job.resolve(
            SageMakerAnnotations.WORKER_RESPONSES + "/iteration-1/0/2024-05-14_10:12:31.json");
    Files.writeString(response, Files.readString(response).substring(0, 120));
    String broken = "img_0001.jpg|null|null|null";
    List<String> rows = Stream.concat(Stream.of(broken), SAGEMAKER_ROWS.stream().skip(1)).toList();

    assertExport(
        spark,
        new Export("sagemaker-gt", job, SAGEMAKER_IMAGES),
        rows,
        Map.of(
            "img_0001.jpg",
            List.of(1, 1, 0),
            "img_0002.jpg",
            List.of(0, 3, 0),
            "img_0003.jpg",
            List.of(0, 0, 2)),
        List.of(NONE_OF_THE_ABOVE, "img_0001.jpg|null|null|unparsable_row"));
  }

  /**
   * Objects are manifest lines by number, so a blank line would move every later object's votes
   * onto the image before it: refused, naming the line. Blank lines after the last object move
   * nothing.
   */
  @Test
  void aBlankLineAmongTheSageMakerManifestsObjectsIsRefused(SparkSession spark) throws IOException {
    Path job = sageMakerJob();
    Path manifest = job.resolve(SageMakerAnnotations.MANIFEST);
    List<String> objects = Files.readAllLines(manifest);
    Files.writeString(manifest, String.join("\n", objects) + "\n\n \n");
    assertThat(rows(spark, new Export("sagemaker-gt", job, SAGEMAKER_IMAGES)))
        .containsExactlyInAnyOrderElementsOf(SAGEMAKER_ROWS);

    Files.write(manifest, List.of(objects.get(0), "", objects.get(1), objects.get(2)));
    assertThatThrownBy(() -> aggregate(spark, new Export("sagemaker-gt", job, SAGEMAKER_IMAGES)))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "line 2 of "
                + manifest
                + " is blank: the "
                + "worker responses name objects by their manifest line, so the votes of every object after it cannot "
                + "be paired with their image");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void mturkBatchResultsGiveOneVotePerAssignmentAndQuarantineTheRejectedOne(SparkSession spark) {
    assertExport(
        spark,
        new Export(
            "mturk",
            Path.of("examples/mturk/Batch_4981234_batch_results.csv"),
            "https://animals-bucket.s3.amazonaws.com/images/"),
        List.of(
            "img_0001.jpg|A1X9E0QGZ8P2KD|Cat|null",
            "img_0001.jpg|A3RM5TLP0Q2WJ7|Cat|null",
            "img_0001.jpg|A2C7V3N9KDJ4XL|Dog|null",
            "img_0002.jpg|A1X9E0QGZ8P2KD|Dog|null",
            "img_0002.jpg|A2C7V3N9KDJ4XL|Dog|null",
            "img_0002.jpg|AZ8KQ1T6W0YB3M|Bird|rejected_by_requester",
            "img_0003.jpg|A3RM5TLP0Q2WJ7|Bird|null",
            "img_0003.jpg|A2C7V3N9KDJ4XL|Bird|null",
            "img_0003.jpg|A1X9E0QGZ8P2KD|Cat|null"),
        Map.of(
            "img_0001.jpg",
            List.of(2, 1, 0),
            "img_0002.jpg",
            List.of(0, 2, 0),
            "img_0003.jpg",
            List.of(1, 0, 2)),
        List.of("img_0002.jpg|AZ8KQ1T6W0YB3M|Bird|rejected_by_requester"));
  }

  private static final String TOLOKA_IMAGES = "https://animals-bucket.s3.amazonaws.com/images/";
  private static final List<String> TOLOKA_QUARANTINE =
      List.of(
          "img_0001.jpg|e7d61b2a4c9f4035b8a2d7c6e0f19a3b|Bird|rejected_by_requester",
          "img_0002.jpg|e7d61b2a4c9f4035b8a2d7c6e0f19a3b|Bird|rejected_by_requester",
          "img_0003.jpg|a09c7e3d1b5f48e2967d0c4ab3e1f8d6|null|skipped_by_annotator",
          "img_0004.jpg|a09c7e3d1b5f48e2967d0c4ab3e1f8d6|null|skipped_by_annotator");
  private static final List<String> TOLOKA_VOTES =
      List.of(
          "img_0001.jpg|5f2ac1e07b9d4e6a8c3b1d0e9f7a6b52|Cat|null",
          "img_0002.jpg|5f2ac1e07b9d4e6a8c3b1d0e9f7a6b52|Dog|null",
          "img_0001.jpg|a09c7e3d1b5f48e2967d0c4ab3e1f8d6|Cat|null",
          "img_0002.jpg|a09c7e3d1b5f48e2967d0c4ab3e1f8d6|Dog|null",
          "img_0003.jpg|5f2ac1e07b9d4e6a8c3b1d0e9f7a6b52|Bird|null",
          "img_0004.jpg|5f2ac1e07b9d4e6a8c3b1d0e9f7a6b52|Cat|null",
          "img_0003.jpg|3c4b8f1d7e2a46c9a5b0e6d2f9c1847e|Bird|null",
          "img_0004.jpg|3c4b8f1d7e2a46c9a5b0e6d2f9c1847e|Dog|null");

  /** img_0002.jpg is a control task (GOLDEN:result Dog); its answers count like the others. */
  @Test
  void tolokaResultsKeepControlTasksAsVotesAndQuarantineRejectedAndSkippedAssignments(
      SparkSession spark) {
    assertExport(
        spark,
        new Export(
            "toloka",
            Path.of("examples/toloka/assignments_from_pool_41226871__14-05-2024.tsv"),
            TOLOKA_IMAGES),
        Stream.concat(TOLOKA_VOTES.stream(), TOLOKA_QUARANTINE.stream()).toList(),
        Map.of(
            "img_0001.jpg",
            List.of(2, 0, 0),
            "img_0002.jpg",
            List.of(0, 2, 0),
            "img_0003.jpg",
            List.of(0, 0, 2),
            "img_0004.jpg",
            List.of(1, 1, 0)),
        TOLOKA_QUARANTINE);
  }

  /**
   * A hint opening a quote it never closes: that one row is quarantined and the rows after it are
   * read, not swallowed into it.
   */
  @Test
  void aTolokaRowWithAnUnclosedQuoteIsQuarantinedAlone(SparkSession spark) throws IOException {
    Path original = Path.of("examples/toloka/assignments_from_pool_41226871__14-05-2024.tsv");
    List<String> lines = new ArrayList<>(Files.readAllLines(original));
    lines.set(
        2, lines.get(2).replace("\tLook at the animal's ears", "\t\"Look at the animal's ears"));
    Path results =
        TestFiles.write(dir, original.getFileName().toString(), lines.toArray(String[]::new));
    List<String> rows = new ArrayList<>(TOLOKA_VOTES);
    rows.remove("img_0002.jpg|5f2ac1e07b9d4e6a8c3b1d0e9f7a6b52|Dog|null");
    rows.add("img_0002.jpg|null|Dog|null");
    rows.addAll(TOLOKA_QUARANTINE);
    List<String> quarantined = new ArrayList<>(TOLOKA_QUARANTINE);
    quarantined.add("img_0002.jpg|null|Dog|unparsable_row");

    assertExport(
        spark,
        new Export("toloka", results, TOLOKA_IMAGES),
        rows,
        Map.of(
            "img_0001.jpg",
            List.of(2, 0, 0),
            "img_0002.jpg",
            List.of(0, 1, 0),
            "img_0003.jpg",
            List.of(0, 0, 2),
            "img_0004.jpg",
            List.of(1, 1, 0)),
        quarantined);
  }

  @Test
  void relabelReadsAToolsExportAsANightsBatch(SparkSession spark) {
    Path state = dir.resolve("store");
    RelabelSettings settings =
        RelabelSettings.from(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.classes", CLASSES,
                    "softlabels.annotations.format", "mturk",
                    "softlabels.relabel.state", state.toString(),
                    "softlabels.relabel.batch", "examples/mturk/Batch_4981234_batch_results.csv",
                    "softlabels.relabel.date", "2024-05-14")));

    Night night = RelabelJob.run(spark, settings).night();

    assertThat(night.rowsRead()).isEqualTo(9);
    assertThat(night.rowsUsed()).isEqualTo(8);
    assertThat(
            spark
                .read()
                .parquet(state.resolve("quarantine").toString())
                .select("annotator_id", "reason")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[AZ8KQ1T6W0YB3M,rejected_by_requester]");
  }
}
