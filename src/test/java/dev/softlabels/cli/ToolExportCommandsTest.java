package dev.softlabels.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.AggregateSummary;
import dev.softlabels.config.DataRejected;
import dev.softlabels.config.UserError;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import dev.softlabels.votes.RejectionHints.LabelCount;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
import picocli.CommandLine;

/**
 * Hand-built exports of each tool, written from the tool's public format documentation, each set up
 * the way a real project differs from the defaults (a renamed data key or template field), with the
 * tool's own verdicts (a skipped task, a rejected assignment) and class names with spaces and
 * capitals: each aggregates with the one command the docs show, read through the command's own
 * options. Labels and quarantine are checked against counts worked out by hand, and the mistakes a
 * new user makes end in one line naming the fix.
 */
@ExtendWith(SparkExtension.class)
class ToolExportCommandsTest {

  private static final String CLASSES = "Golden Retriever,Siamese Cat,Parrot";

  @TempDir Path dir;

  /** An image's labels as aggregate wrote them. */
  private record Labels(String hard, List<Integer> counts, List<Double> soft) {}

  /** The configuration `softlabels aggregate ARGS --output DIR/out` runs with. */
  private AggregateSettings settings(String... args) {
    CommandLine cli = SoftLabels.commandLine();
    cli.parseArgs(
        Stream.concat(
                Stream.of("aggregate"),
                Stream.concat(
                    Stream.of(args), Stream.of("--output", dir.resolve("out").toString())))
            .toArray(String[]::new));
    AggregateCommand aggregate = cli.getSubcommands().get("aggregate").getCommand();
    return AggregateSettings.from(aggregate.configuration());
  }

  private AggregateSummary aggregate(SparkSession spark, String... args) {
    return AggregateJob.run(spark, settings(args));
  }

  /** Each image's labels, by the image id's file name. */
  private Map<String, Labels> labels(SparkSession spark) {
    return spark.read().parquet(dir.resolve("out/labels").toString()).collectAsList().stream()
        .collect(
            Collectors.toMap(
                r -> fileName(r.getString(r.fieldIndex("image_id"))),
                r ->
                    new Labels(
                        r.getString(r.fieldIndex("hard_label_name")),
                        r.getList(r.fieldIndex("counts")),
                        r.getList(r.fieldIndex("soft_label"))),
                (a, b) -> a,
                TreeMap::new));
  }

  /** Every quarantined row as image|annotator|label|reason, the image by its file name. */
  private List<String> quarantine(SparkSession spark) {
    return spark.read().parquet(dir.resolve("out/quarantine").toString()).collectAsList().stream()
        .map(
            r ->
                fileName(r.getString(r.fieldIndex("image_id")))
                    + "|"
                    + r.getString(r.fieldIndex("annotator_id"))
                    + "|"
                    + r.getString(r.fieldIndex("label"))
                    + "|"
                    + r.getString(r.fieldIndex("reason")))
        .toList();
  }

  private static String fileName(String id) {
    return id == null ? null : id.substring(id.lastIndexOf('/') + 1);
  }

  /** Labels as worked out by hand, in class order Golden Retriever, Siamese Cat, Parrot. */
  private static void assertLabels(
      Map<String, Labels> labels, Map<String, List<Integer>> counts, Map<String, String> hard) {
    assertThat(labels).containsOnlyKeys(counts.keySet());
    counts.forEach(
        (image, expected) -> {
          Labels got = labels.get(image);
          assertThat(got.counts()).as(image).isEqualTo(expected);
          assertThat(got.hard()).as(image).isEqualTo(hard.get(image));
          double votes = expected.stream().mapToInt(Integer::intValue).sum();
          for (int c = 0; c < expected.size(); c++) {
            assertThat(got.soft().get(c))
                .as(image + " class " + c)
                .isCloseTo(expected.get(c) / votes, within(1e-12));
          }
        });
  }

  /** The summary's figures: rows in = used + quarantined, per reason as given. */
  private static void assertRows(
      AggregateSummary summary, long read, Map<String, Long> quarantined) {
    long rejected = quarantined.values().stream().mapToLong(Long::longValue).sum();
    assertThat(summary.rowsRead()).isEqualTo(read);
    assertThat(summary.rowsUsed()).isEqualTo(read - rejected);
    assertThat(summary.rowsQuarantined()).isEqualTo(rejected);
    assertThat(summary.quarantinedByReason().entrySet().stream().filter(e -> e.getValue() > 0))
        .containsExactlyInAnyOrderElementsOf(quarantined.entrySet());
    assertThat(summary.classes()).containsExactly("Golden Retriever", "Siamese Cat", "Parrot");
  }

  // ---------------------------------------------------------------------------------------------
  // Label Studio: a JSON export (Export > JSON) of an image classification project whose labeling
  // config reads <Image name="image" value="$photo"/>, so each task's image is data.photo, and
  // whose <Choices name="animal" toName="image" choice="single"> gives one choices result per
  // annotation.

  private Path labelStudioExport() {
    return TestFiles.write(
        dir,
        "project-7-at-2026-11-20-10-00-3f1a2b4c.json",
        """
        [
          {
            "id": 11,
            "annotations": [
              {"id": 101, "completed_by": 1, "was_cancelled": false, "ground_truth": false, "lead_time": 3.2,
               "result": [{"id": "a1", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Golden Retriever"]}}],
               "created_at": "2026-11-20T09:00:00.000000Z", "task": 11},
              {"id": 102, "completed_by": 2, "was_cancelled": false, "ground_truth": false, "lead_time": 4.0,
               "result": [{"id": "a2", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Golden Retriever"]}}],
               "created_at": "2026-11-20T09:01:00.000000Z", "task": 11},
              {"id": 103, "completed_by": 3, "was_cancelled": false, "ground_truth": false, "lead_time": 2.5,
               "result": [{"id": "a3", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Siamese Cat"]}}],
               "created_at": "2026-11-20T09:02:00.000000Z", "task": 11}
            ],
            "drafts": [],
            "predictions": [
              {"id": 9, "model_version": "resnet-v1", "score": 0.7,
               "result": [{"id": "p1", "type": "choices", "from_name": "animal", "to_name": "image",
                           "value": {"choices": ["Parrot"]}}]}
            ],
            "data": {"photo": "/data/upload/7/0001_dog.jpg"},
            "meta": {}, "created_at": "2026-11-19T08:00:00.000000Z", "inner_id": 1, "project": 7
          },
          {
            "id": 12,
            "annotations": [
              {"id": 104, "completed_by": 1, "was_cancelled": false, "ground_truth": false,
               "result": [{"id": "b1", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Siamese Cat"]}}], "task": 12},
              {"id": 105, "completed_by": 2, "was_cancelled": true, "ground_truth": false, "result": [], "task": 12},
              {"id": 106, "completed_by": 3, "was_cancelled": false, "ground_truth": false,
               "result": [{"id": "b3", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Siamese Cat"]}}], "task": 12}
            ],
            "drafts": [], "predictions": [],
            "data": {"photo": "/data/upload/7/0002_cat.jpg"},
            "meta": {}, "inner_id": 2, "project": 7
          },
          {
            "id": 13,
            "annotations": [
              {"id": 107, "completed_by": 1, "was_cancelled": false, "ground_truth": false,
               "result": [{"id": "c1", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Parrot"]}}], "task": 13},
              {"id": 108, "completed_by": 2, "was_cancelled": false, "ground_truth": false,
               "result": [{"id": "c2", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Golden Retriever"]}}], "task": 13},
              {"id": 109, "completed_by": 3, "was_cancelled": false, "ground_truth": false,
               "result": [{"id": "c3", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Parrot"]}}], "task": 13}
            ],
            "drafts": [], "predictions": [],
            "data": {"photo": "/data/upload/7/0003_bird.jpg"},
            "meta": {}, "inner_id": 3, "project": 7
          },
          {
            "id": 14,
            "annotations": [
              {"id": 110, "completed_by": 1, "was_cancelled": false, "ground_truth": false,
               "result": [{"id": "d1", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Parrot"]}}], "task": 14},
              {"id": 111, "completed_by": 3, "was_cancelled": false, "ground_truth": false,
               "result": [{"id": "d3", "type": "choices", "from_name": "animal", "to_name": "image",
                           "origin": "manual", "value": {"choices": ["Siamese Cat"]}}], "task": 14}
            ],
            "drafts": [], "predictions": [],
            "data": {"photo": "/data/upload/7/0004_unsure.jpg"},
            "meta": {}, "inner_id": 4, "project": 7
          }
        ]""");
  }

  /**
   * 11 annotations: one cancelled (skipped_by_annotator), ten votes. 0004 ties Parrot and Siamese
   * Cat, and a tie goes to the lower class index, Siamese Cat. The prediction is a model's, not a
   * vote.
   */
  @Test
  void labelStudioExportWithARenamedImageKey(SparkSession spark) {
    Path export = labelStudioExport();

    AggregateSummary summary =
        aggregate(
            spark,
            "--input",
            export.toString(),
            "--format",
            "label-studio",
            "--image-col",
            "photo",
            "--classes",
            CLASSES);

    assertLabels(
        labels(spark),
        Map.of(
            "0001_dog.jpg",
            List.of(2, 1, 0),
            "0002_cat.jpg",
            List.of(0, 2, 0),
            "0003_bird.jpg",
            List.of(1, 0, 2),
            "0004_unsure.jpg",
            List.of(0, 1, 1)),
        Map.of(
            "0001_dog.jpg",
            "Golden Retriever",
            "0002_cat.jpg",
            "Siamese Cat",
            "0003_bird.jpg",
            "Parrot",
            "0004_unsure.jpg",
            "Siamese Cat"));
    assertThat(quarantine(spark)).containsExactly("0002_cat.jpg|2|null|skipped_by_annotator");
    assertRows(summary, 11, Map.of("skipped_by_annotator", 1L));
    assertThat(summary.ties()).isEqualTo(1);
  }

  /**
   * Without the image key every vote lacks its image: the line names the flag, the setting and
   * data's keys.
   */
  @Test
  void labelStudioExportWithoutItsImageKeyNamesTheKeysUnderData(SparkSession spark) {
    Path export = labelStudioExport();

    assertThatThrownBy(
            () ->
                aggregate(
                    spark,
                    "--input",
                    export.toString(),
                    "--format",
                    "label-studio",
                    "--classes",
                    CLASSES))
        .isInstanceOf(DataRejected.class)
        .hasMessageStartingWith(
            "11 of 11 rows rejected (100.0 %: missing_image_id 10, skipped_by_annotator 1)")
        .hasMessageEndingWith(
            "; missing_image_id: tasks without data.image (their data has the key photo): pass "
                + "--image-col photo (softlabels.annotations.label-studio.image-key)");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  /**
   * Without --format, before any class list is inferred: the format that reads it, array or JSON
   * lines.
   */
  @Test
  void labelStudioExportWithoutFormatNamesIt(SparkSession spark) throws IOException {
    Path export = labelStudioExport();
    assertThatThrownBy(() -> aggregate(spark, "--input", export.toString()))
        .isInstanceOf(UserError.class)
        .hasMessage(export + " looks like a Label Studio export: add --format label-studio");

    Path lines = Files.createDirectories(dir.resolve("lines"));
    Files.writeString(
        lines.resolve("tasks.json"),
        "{\"id\": 1, \"annotations\": [], \"data\": {\"photo\": \"a.jpg\"}}\n");
    assertThatThrownBy(
            () ->
                aggregate(
                    spark, "--input", lines.toString(), "--format", "json", "--classes", CLASSES))
        .isInstanceOf(UserError.class)
        .hasMessage(
            lines.resolve("tasks.json")
                + " looks like a Label Studio export, not a plain json table: use "
                + "--format label-studio");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  // ---------------------------------------------------------------------------------------------
  // SageMaker Ground Truth: a custom labeling workflow whose template names its classifier
  // <crowd-image-classifier name="animal" categories="['Golden Retriever', 'Siamese Cat', 'Parrot',
  // 'None of the above']">, so each worker's answerContent is {"animal": {"label": ...}}; label
  // attribute "pets". The job's output folder holds manifests/output/output.manifest (one line per
  // object, in object order) and annotations/worker-response/iteration-1/<object>/<time>.json.

  private Path sageMakerJob() throws IOException {
    Path job = dir.resolve("pets-job");
    String[] images = {"0001_dog.jpg", "0002_cat.jpg", "0003_bird.jpg"};
    String[][] answers = {
      {"Golden Retriever", "Golden Retriever", "Siamese Cat"},
      {"Siamese Cat", "None of the above", "Siamese Cat"},
      {"Parrot", "Golden Retriever", "Parrot"}
    };
    String[] workers = {
      "private.us-east-1.5b1e0c7a9d2f4e36",
      "private.us-east-1.a04c9e8b7f6d5e21",
      "private.us-east-1.0d9f8e7c6b5a4c33"
    };
    StringBuilder manifest = new StringBuilder();
    for (int object = 0; object < images.length; object++) {
      String consolidated =
          Stream.of(answers[object])
              .map(
                  label ->
                      "{\"workerId\": \"w\", \"annotationData\": "
                          + "{\"content\": \"{\\\"animal\\\":{\\\"label\\\":\\\""
                          + label
                          + "\\\"}}\"}}")
              .collect(Collectors.joining(", "));
      manifest
          .append("{\"source-ref\": \"s3://pets-bucket/raw/")
          .append(images[object])
          .append("\", \"pets\": ")
          .append("{\"annotationsFromAllWorkers\": [")
          .append(consolidated)
          .append("]}, \"pets-metadata\": ")
          .append(
              "{\"type\": \"groundtruth/custom\", \"job-name\": \"pets\", \"human-annotated\": \"yes\", ")
          .append("\"creation-date\": \"2026-11-20T10:30:00.000000\"}}\n");
      Path responses =
          Files.createDirectories(job.resolve("annotations/worker-response/iteration-1/" + object));
      for (int w = 0; w < workers.length; w++) {
        Files.writeString(
            responses.resolve("2026-11-20_10:1" + w + ":0" + object + ".json"),
            """
            {"answers": [{"acceptanceTime": "2026-11-20T10:1%d:00.000Z",
              "answerContent": {"animal": {"label": "%s"}},
              "submissionTime": "2026-11-20T10:1%d:20.000Z", "timeSpentInSeconds": 20.0,
              "workerId": "%s",
              "workerMetadata": {"identityData": {"identityProviderType": "Cognito",
                "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pets", "sub": "sub-%d"}}}]}
            """
                .formatted(w, answers[object][w], w, workers[w], w));
      }
    }
    Files.createDirectories(job.resolve("manifests/output"));
    Files.writeString(job.resolve("manifests/output/output.manifest"), manifest.toString());
    return job;
  }

  /**
   * Nine answers; "None of the above" is a category of the template but no class of ours:
   * quarantined as unknown_class and listed by name in the summary.
   */
  @Test
  void sageMakerJobWithARenamedClassifier(SparkSession spark) throws IOException {
    Path job = sageMakerJob();

    AggregateSummary summary =
        aggregate(
            spark,
            "--input",
            job.toString(),
            "--format",
            "sagemaker-gt",
            "--label-col",
            "animal",
            "--classes",
            CLASSES);

    assertLabels(
        labels(spark),
        Map.of(
            "0001_dog.jpg",
            List.of(2, 1, 0),
            "0002_cat.jpg",
            List.of(0, 2, 0),
            "0003_bird.jpg",
            List.of(1, 0, 2)),
        Map.of(
            "0001_dog.jpg",
            "Golden Retriever",
            "0002_cat.jpg",
            "Siamese Cat",
            "0003_bird.jpg",
            "Parrot"));
    assertThat(quarantine(spark))
        .containsExactly(
            "0002_cat.jpg|private.us-east-1.a04c9e8b7f6d5e21|None of the above|unknown_class");
    assertRows(summary, 9, Map.of("unknown_class", 1L));
    assertThat(summary.unknownLabels()).containsExactly(new LabelCount("None of the above", 1));
    assertThat(summary.line()).contains("(unknown_class 1: \"None of the above\" 1)");
  }

  @Test
  void sageMakerMistakesNameTheFix(SparkSession spark) throws IOException {
    Path job = sageMakerJob();
    Path manifest = job.resolve("manifests/output/output.manifest");

    assertThatThrownBy(
            () ->
                aggregate(
                    spark,
                    "--input",
                    job.toString(),
                    "--format",
                    "sagemaker-gt",
                    "--classes",
                    CLASSES))
        .isInstanceOf(UserError.class)
        .hasMessageEndingWith(
            " holds a 'animal' answer, not 'crowd-image-classifier' (softlabels.annotations."
                + "sagemaker-gt.label-key): for a <crowd-image-classifier name=\"animal\"> template pass --label-col "
                + "animal; only single-choice image classification (crowd-image-classifier) can be read");
    assertThatThrownBy(() -> aggregate(spark, "--input", manifest.toString(), "--classes", CLASSES))
        .isInstanceOf(UserError.class)
        .hasMessage(
            manifest
                + " looks like a SageMaker Ground Truth output manifest, one consolidated label per "
                + "image: read the workers' answers from the job's output folder with --input "
                + job
                + " --format sagemaker-gt");
    assertThatThrownBy(
            () -> aggregate(spark, "--input", manifest.toString(), "--format", "sagemaker-gt"))
        .isInstanceOf(UserError.class)
        .hasMessageEndingWith("; give the job's folder, " + job + ", as the input");
    assertThatThrownBy(
            () ->
                settings(
                    "--input",
                    job.toString(),
                    "--format",
                    "sagemaker-gt",
                    "--image-col",
                    "source-ref"))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("--image-col has no meaning with --format sagemaker-gt");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  // ---------------------------------------------------------------------------------------------
  // MTurk: a batch's results CSV ("Download CSV" on the batch's Review Results page), every field
  // quoted. The HIT template shows ${img} and has <crowd-image-classifier name="animal">, so its
  // columns are Input.img and Answer.animal.label (not the defaults Input.image_url,
  // Answer.category.label).

  private static final String MTURK_HEADER =
      Stream.of(
              "HITId",
              "HITTypeId",
              "Title",
              "Description",
              "Keywords",
              "Reward",
              "CreationTime",
              "MaxAssignments",
              "RequesterAnnotation",
              "AssignmentDurationInSeconds",
              "AutoApprovalDelayInSeconds",
              "Expiration",
              "NumberOfSimilarHITs",
              "LifetimeInSeconds",
              "AssignmentId",
              "WorkerId",
              "AssignmentStatus",
              "AcceptTime",
              "SubmitTime",
              "AutoApprovalTime",
              "ApprovalTime",
              "RejectionTime",
              "RequesterFeedback",
              "WorkTimeInSeconds",
              "LifetimeApprovalRate",
              "Last30DaysApprovalRate",
              "Last7DaysApprovalRate",
              "Input.img",
              "Answer.animal.label",
              "Approve",
              "Reject")
          .map(name -> "\"" + name + "\"")
          .collect(Collectors.joining(","));

  private static String mturkRow(
      String hit,
      String assignment,
      String worker,
      String status,
      String image,
      String label,
      String feedback) {
    return Stream.of(
            hit,
            "3PETSHITTYPE0000000000000000",
            "Which animal is this? (one answer, please)",
            "Pick the animal in the photo",
            "image, classification, pets",
            "$0.04",
            "Fri Nov 20 09:00:00 PST 2026",
            "3",
            "BatchId:5120001;",
            "600",
            "259200",
            "Mon Nov 23 09:00:00 PST 2026",
            "",
            "259200",
            assignment,
            worker,
            status,
            "Fri Nov 20 09:10:00 PST 2026",
            "Fri Nov 20 09:10:41 PST 2026",
            "Mon Nov 23 09:10:41 PST 2026",
            status.equals("Approved") ? "Fri Nov 20 12:00:00 PST 2026" : "",
            status.equals("Rejected") ? "Fri Nov 20 12:00:00 PST 2026" : "",
            feedback,
            "41",
            "0% (0/0)",
            "0% (0/0)",
            "0% (0/0)",
            "https://pets-bucket.s3.amazonaws.com/raw/" + image,
            label,
            "",
            "")
        .map(field -> "\"" + field.replace("\"", "\"\"") + "\"")
        .collect(Collectors.joining(","));
  }

  private Path mturkBatch() {
    return TestFiles.write(
        dir,
        "Batch_5120001_batch_results.csv",
        MTURK_HEADER,
        mturkRow(
            "3H1", "3A11", "A1PETWORKER01", "Approved", "0001_dog.jpg", "Golden Retriever", ""),
        mturkRow(
            "3H1", "3A12", "A2PETWORKER02", "Submitted", "0001_dog.jpg", "Golden Retriever", ""),
        mturkRow("3H1", "3A13", "A3PETWORKER03", "Approved", "0001_dog.jpg", "Siamese Cat", ""),
        mturkRow("3H2", "3A21", "A1PETWORKER01", "Approved", "0002_cat.jpg", "Siamese Cat", ""),
        mturkRow("3H2", "3A22", "A2PETWORKER02", "Approved", "0002_cat.jpg", "Siamese Cat", ""),
        mturkRow(
            "3H2",
            "3A23",
            "A9SPAMMER0009",
            "Rejected",
            "0002_cat.jpg",
            "Parrot",
            "Answered in 2 seconds, \"Parrot\" on every HIT"),
        mturkRow("3H3", "3A31", "A1PETWORKER01", "Approved", "0003_bird.jpg", "Parrot", ""),
        mturkRow(
            "3H3", "3A32", "A2PETWORKER02", "Submitted", "0003_bird.jpg", "Golden Retriever", ""),
        mturkRow("3H3", "3A33", "A3PETWORKER03", "Approved", "0003_bird.jpg", "Parrot", ""));
  }

  private static final Map<String, List<Integer>> MTURK_COUNTS =
      Map.of(
          "0001_dog.jpg",
          List.of(2, 1, 0),
          "0002_cat.jpg",
          List.of(0, 2, 0),
          "0003_bird.jpg",
          List.of(1, 0, 2));
  private static final Map<String, String> MTURK_HARD =
      Map.of(
          "0001_dog.jpg",
          "Golden Retriever",
          "0002_cat.jpg",
          "Siamese Cat",
          "0003_bird.jpg",
          "Parrot");

  /** Nine assignments; the rejected one is quarantined with the requester's verdict. */
  @Test
  void mturkBatchWithItsOwnTemplateFields(SparkSession spark) {
    Path batch = mturkBatch();

    AggregateSummary summary =
        aggregate(
            spark,
            "--input",
            batch.toString(),
            "--format",
            "mturk",
            "--image-col",
            "Input.img",
            "--label-col",
            "Answer.animal.label",
            "--classes",
            CLASSES);

    assertLabels(labels(spark), MTURK_COUNTS, MTURK_HARD);
    assertThat(quarantine(spark))
        .containsExactly("0002_cat.jpg|A9SPAMMER0009|Parrot|rejected_by_requester");
    assertRows(summary, 9, Map.of("rejected_by_requester", 1L));
  }

  /** The settings keep working, and a flag beats its setting. */
  @Test
  void mturkFieldsBySettingOrByFlagOverASetting(SparkSession spark) {
    Path batch = mturkBatch();

    AggregateSummary bySettings =
        aggregate(
            spark,
            "--input",
            batch.toString(),
            "--format",
            "mturk",
            "-Dsoftlabels.annotations.mturk.image-column=Input.img",
            "-Dsoftlabels.annotations.mturk.label-column=Answer.animal.label",
            "--classes",
            CLASSES);
    assertLabels(labels(spark), MTURK_COUNTS, MTURK_HARD);
    assertThat(bySettings.rowsUsed()).isEqualTo(8);

    AggregateSettings flagOverSetting =
        settings(
            "--input",
            batch.toString(),
            "--format",
            "mturk",
            "-Dsoftlabels.annotations.mturk.image-column=Input.image_url",
            "--image-col",
            "Input.img");
    assertThat(flagOverSetting.source().exportFields().mturk().image()).isEqualTo("Input.img");
    assertThat(flagOverSetting.source().imageColumn()).isEqualTo("image_id");
  }

  @Test
  void mturkMistakesNameTheFix(SparkSession spark) {
    Path batch = mturkBatch();

    assertThatThrownBy(() -> aggregate(spark, "--input", batch.toString(), "--classes", CLASSES))
        .isInstanceOf(UserError.class)
        .hasMessage(batch + " looks like an MTurk batch results file: add --format mturk");
    assertThatThrownBy(
            () ->
                aggregate(
                    spark, "--input", batch.toString(), "--format", "mturk", "--classes", CLASSES))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(
            "column 'Input.image_url' (--image-col, softlabels.annotations.mturk.image-column) "
                + "not found in ");
    assertThat(dir.resolve("out")).doesNotExist();

    // Through the whole command line, before any Spark starts: one line, the user-error exit code.
    StringWriter err = new StringWriter();
    CommandLine cli = SoftLabels.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "aggregate",
            "--input",
            batch.toString(),
            "--output",
            dir.resolve("out").toString(),
            "--format",
            "mturk",
            "--annotator-col",
            "WorkerId");
    assertThat(code).isEqualTo(SoftLabels.USER_ERROR);
    assertThat(err.toString().strip())
        .isEqualTo(
            "softlabels aggregate: error: --annotator-col has no meaning with "
                + "--format mturk: the worker is always the WorkerId column; leave --annotator-col out");
  }

  /**
   * relabel reads a night's batch with the same options: the flags map onto the tool's fields there
   * too.
   */
  @Test
  void relabelTakesTheSameFlags(SparkSession spark) {
    Path batch = mturkBatch();
    CommandLine cli = SoftLabels.commandLine();
    cli.parseArgs(
        "relabel",
        "--state",
        dir.resolve("store").toString(),
        "--batch",
        batch.toString(),
        "--date",
        "2026-11-20",
        "--format",
        "mturk",
        "--image-col",
        "Input.img",
        "--label-col",
        "Answer.animal.label",
        "--classes",
        CLASSES);
    RelabelCommand relabel = cli.getSubcommands().get("relabel").getCommand();

    RelabelJob.Result result = RelabelJob.run(spark, RelabelSettings.from(relabel.configuration()));

    assertThat(result.night().rowsRead()).isEqualTo(9);
    assertThat(result.night().rowsUsed()).isEqualTo(8);
    assertThat(
            spark
                .read()
                .parquet(dir.resolve("store/quarantine").toString())
                .select("annotator_id", "reason")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[A9SPAMMER0009,rejected_by_requester]");
  }

  // ---------------------------------------------------------------------------------------------
  // Toloka: a pool's results ("Download results", TSV). The project's input field is "photo" and
  // its output field "animal", so the columns are INPUT:photo and OUTPUT:animal. A row is one task
  // of an assignment (a task suite); every task of a rejected or skipped assignment carries its
  // status.

  private static final String TOLOKA_HEADER =
      String.join(
          "\t",
          "INPUT:photo",
          "OUTPUT:animal",
          "GOLDEN:animal",
          "HINT:text",
          "ASSIGNMENT:link",
          "ASSIGNMENT:task_id",
          "ASSIGNMENT:assignment_id",
          "ASSIGNMENT:task_suite_id",
          "ASSIGNMENT:worker_id",
          "ASSIGNMENT:status",
          "ASSIGNMENT:started",
          "ASSIGNMENT:submitted",
          "ASSIGNMENT:accepted",
          "ASSIGNMENT:rejected",
          "ASSIGNMENT:skipped",
          "ASSIGNMENT:expired",
          "ASSIGNMENT:reward");

  private static String tolokaRow(
      String image,
      String answer,
      String golden,
      String suite,
      String assignment,
      String worker,
      String status) {
    return String.join(
        "\t",
        "https://pets-bucket.s3.amazonaws.com/raw/" + image,
        answer,
        golden,
        "",
        "https://platform.toloka.ai/task/38000001/" + assignment,
        "task-" + image,
        assignment,
        suite,
        worker,
        status,
        "2026-11-20T09:00:00.000",
        status.equals("SKIPPED") ? "" : "2026-11-20T09:01:00.000",
        status.equals("ACCEPTED") ? "2026-11-20T12:00:00.000" : "",
        status.equals("REJECTED") ? "2026-11-20T12:00:00.000" : "",
        status.equals("SKIPPED") ? "2026-11-20T09:00:30.000" : "",
        "",
        "0.02");
  }

  private Path tolokaResults() {
    return TestFiles.write(
        dir,
        "assignments_from_pool_38000001__20-11-2026.tsv",
        TOLOKA_HEADER,
        tolokaRow(
            "0001_dog.jpg", "Golden Retriever", "", "suite-A", "asg-A1", "t1worker", "ACCEPTED"),
        tolokaRow(
            "0002_cat.jpg",
            "Siamese Cat",
            "Siamese Cat",
            "suite-A",
            "asg-A1",
            "t1worker",
            "ACCEPTED"),
        tolokaRow(
            "0001_dog.jpg", "Golden Retriever", "", "suite-A", "asg-A2", "t2worker", "SUBMITTED"),
        tolokaRow(
            "0002_cat.jpg",
            "Siamese Cat",
            "Siamese Cat",
            "suite-A",
            "asg-A2",
            "t2worker",
            "SUBMITTED"),
        tolokaRow("0001_dog.jpg", "Siamese Cat", "", "suite-A", "asg-A3", "t3worker", "APPROVED"),
        tolokaRow(
            "0002_cat.jpg",
            "Siamese Cat",
            "Siamese Cat",
            "suite-A",
            "asg-A3",
            "t3worker",
            "APPROVED"),
        tolokaRow("0001_dog.jpg", "Parrot", "", "suite-A", "asg-A4", "t4worker", "REJECTED"),
        tolokaRow(
            "0002_cat.jpg", "Parrot", "Siamese Cat", "suite-A", "asg-A4", "t4worker", "REJECTED"),
        tolokaRow("0003_bird.jpg", "Parrot", "", "suite-B", "asg-B1", "t1worker", "ACCEPTED"),
        tolokaRow(
            "0003_bird.jpg", "Golden Retriever", "", "suite-B", "asg-B2", "t2worker", "ACCEPTED"),
        tolokaRow("0003_bird.jpg", "", "", "suite-B", "asg-B3", "t3worker", "SKIPPED"),
        tolokaRow("0003_bird.jpg", "Parrot", "", "suite-B", "asg-B4", "t4worker", "ACCEPTED"));
  }

  /**
   * Twelve rows: t4's rejected assignment covers two tasks (two rows rejected_by_requester), t3
   * skipped suite B (skipped_by_annotator). 0002 is a control task; its answers count like any
   * other.
   */
  @Test
  void tolokaResultsWithTheProjectsOwnFields(SparkSession spark) {
    Path results = tolokaResults();

    AggregateSummary summary =
        aggregate(
            spark,
            "--input",
            results.toString(),
            "--format",
            "toloka",
            "--image-col",
            "INPUT:photo",
            "--label-col",
            "OUTPUT:animal",
            "--classes",
            CLASSES);

    assertLabels(
        labels(spark),
        Map.of(
            "0001_dog.jpg",
            List.of(2, 1, 0),
            "0002_cat.jpg",
            List.of(0, 3, 0),
            "0003_bird.jpg",
            List.of(1, 0, 2)),
        Map.of(
            "0001_dog.jpg",
            "Golden Retriever",
            "0002_cat.jpg",
            "Siamese Cat",
            "0003_bird.jpg",
            "Parrot"));
    assertThat(quarantine(spark))
        .containsExactlyInAnyOrder(
            "0001_dog.jpg|t4worker|Parrot|rejected_by_requester",
            "0002_cat.jpg|t4worker|Parrot|rejected_by_requester",
            "0003_bird.jpg|t3worker|null|skipped_by_annotator");
    assertRows(summary, 12, Map.of("rejected_by_requester", 2L, "skipped_by_annotator", 1L));
  }

  @Test
  void tolokaResultsWithoutFormatNameIt(SparkSession spark) {
    Path results = tolokaResults();
    assertThatThrownBy(() -> aggregate(spark, "--input", results.toString()))
        .isInstanceOf(UserError.class)
        .hasMessage(results + " looks like a Toloka results file: add --format toloka");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  /**
   * Labels of no class are listed by name and count, most frequent first, in the run's line and its
   * summary.
   */
  @Test
  void unknownLabelsAreListedByNameMostFrequentFirst(SparkSession spark) {
    Path results = tolokaResults();

    AggregateSummary summary =
        aggregate(
            spark,
            "--input",
            results.toString(),
            "--format",
            "toloka",
            "--image-col",
            "INPUT:photo",
            "--label-col",
            "OUTPUT:animal",
            "--classes",
            "Golden Retriever,Parrot",
            "-Dsoftlabels.annotations.max-rejected-share=1");

    assertThat(summary.unknownLabels()).containsExactly(new LabelCount("Siamese Cat", 4));
    assertThat(summary.line()).contains("unknown_class 4: \"Siamese Cat\" 4");
    assertThatThrownBy(
            () ->
                aggregate(
                    spark,
                    "--input",
                    results.toString(),
                    "--format",
                    "toloka",
                    "--image-col",
                    "INPUT:photo",
                    "--label-col",
                    "OUTPUT:animal",
                    "--classes",
                    "golden retriever,parrot",
                    "--overwrite"))
        .isInstanceOf(DataRejected.class)
        .hasMessageEndingWith(
            "; labels naming no class: \"Siamese Cat\" 4, \"Golden Retriever\" 3, \"Parrot\" 2; "
                + "name every class with --classes (softlabels.classes)");
  }
}
