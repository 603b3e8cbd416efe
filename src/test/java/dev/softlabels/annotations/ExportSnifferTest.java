package dev.softlabels.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A tool's export is told from a plain table by its first bytes; a plain table is never taken for
 * one.
 */
class ExportSnifferTest {

  private static final List<String> PLAIN = List.of("image_id", "annotator_id", "label");

  private static Optional<InputFormat> sniff(String head) {
    return ExportSniffer.sniff(head.getBytes(StandardCharsets.UTF_8), PLAIN)
        .map(ExportSniffer.Sniffed::format);
  }

  @Test
  void labelStudioTasksAsAnArrayOrAsLinesEvenCutOffMidTask() {
    assertThat(
            sniff(
                "\uFEFF[\n  {\n    \"id\": 11,\n    \"annotations\": [{\"completed_by\": 1, \"result\": []}],\n"
                    + "    \"data\": {\"photo\": \"/data/upload/7/0001.jpg\"}\n  }\n]"))
        .contains(InputFormat.LABEL_STUDIO);
    assertThat(
            sniff(
                "{\"id\": 11, \"annotations\": [{\"completed_by\": 1, \"result\": [{\"type\": \"choi"))
        .contains(InputFormat.LABEL_STUDIO);
    assertThat(sniff("[{\"data\": {\"image\": \"a.jpg\"}, \"predictions\": []}]"))
        .contains(InputFormat.LABEL_STUDIO);
  }

  @Test
  void aSageMakerManifestLine() {
    assertThat(
            sniff(
                "{\"source-ref\": \"s3://pets/raw/0001.jpg\", \"pets\": 0, \"pets-metadata\": {}}\n"))
        .contains(InputFormat.SAGEMAKER_GT);
  }

  @Test
  void mturkAndTolokaHeaders() {
    assertThat(
            sniff(
                "\"HITId\",\"HITTypeId\",\"AssignmentId\",\"WorkerId\",\"AssignmentStatus\",\"Input.img\","
                    + "\"Answer.animal.label\"\n\"3X\",\"3Y\""))
        .contains(InputFormat.MTURK);
    assertThat(
            sniff(
                "INPUT:photo\tOUTPUT:animal\tGOLDEN:animal\tASSIGNMENT:worker_id\tASSIGNMENT:status\n"))
        .contains(InputFormat.TOLOKA);
  }

  @Test
  void plainTablesAndUnknownFilesAreNotExports() {
    assertThat(sniff("image_id,annotator_id,label\na,u1,cat\n")).isEmpty();
    assertThat(sniff("{\"image_id\": \"a\", \"annotator_id\": \"u1\", \"label\": \"cat\"}\n"))
        .isEmpty();
    // The configured columns make a table plain, whatever else it holds.
    assertThat(sniff("image_id,annotator_id,label,WorkerId,AssignmentId,HITId\n")).isEmpty();
    assertThat(
            sniff(
                "{\"image_id\": \"a\", \"annotator_id\": \"u1\", \"label\": \"cat\", \"data\": {}}"))
        .isEmpty();
    assertThat(sniff("img,worker,answer\n")).isEmpty();
    assertThat(sniff("PAR1\u0015\u0004")).isEmpty();
    assertThat(sniff("")).isEmpty();
  }
}
