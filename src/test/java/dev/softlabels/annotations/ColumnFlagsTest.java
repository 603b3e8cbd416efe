package dev.softlabels.annotations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each column flag sets the setting of the format in effect, or is refused in one line; never
 * ignored.
 */
class ColumnFlagsTest {

  @Test
  void plainTablesTakeTheFlagsAsTheirColumns() {
    for (InputFormat plain :
        new InputFormat[] {
          InputFormat.AUTO, InputFormat.CSV, InputFormat.JSON, InputFormat.PARQUET
        }) {
      assertThat(ColumnFlags.settings(plain, "img", "who", "what"))
          .containsExactly(
              Map.entry("softlabels.annotations.columns.image", "img"),
              Map.entry("softlabels.annotations.columns.annotator", "who"),
              Map.entry("softlabels.annotations.columns.label", "what"));
    }
    assertThat(ColumnFlags.settings(InputFormat.CSV, null, null, null)).isEmpty();
  }

  @Test
  void toolsTakeTheFlagsAsTheirOwnFields() {
    assertThat(ColumnFlags.settings(InputFormat.MTURK, "Input.img", null, "Answer.animal.label"))
        .containsExactly(
            Map.entry("softlabels.annotations.mturk.image-column", "Input.img"),
            Map.entry("softlabels.annotations.mturk.label-column", "Answer.animal.label"));
    assertThat(ColumnFlags.settings(InputFormat.TOLOKA, "INPUT:photo", null, "OUTPUT:animal"))
        .containsExactly(
            Map.entry("softlabels.annotations.toloka.image-column", "INPUT:photo"),
            Map.entry("softlabels.annotations.toloka.label-column", "OUTPUT:animal"));
    assertThat(ColumnFlags.settings(InputFormat.LABEL_STUDIO, "photo", null, null))
        .containsExactly(Map.entry("softlabels.annotations.label-studio.image-key", "photo"));
    assertThat(ColumnFlags.settings(InputFormat.SAGEMAKER_GT, null, null, "animal"))
        .containsExactly(Map.entry("softlabels.annotations.sagemaker-gt.label-key", "animal"));
  }

  @Test
  void aFlagATakesNoUseOfIsRefusedNamingWhereTheFieldComesFrom() {
    assertThatThrownBy(
            () -> ColumnFlags.settings(InputFormat.LABEL_STUDIO, null, "annotator", null))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "--annotator-col has no meaning with --format label-studio: the "
                + "annotator is each annotation's completed_by; leave --annotator-col out");
    assertThatThrownBy(() -> ColumnFlags.settings(InputFormat.LABEL_STUDIO, null, null, "choice"))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "--label-col has no meaning with --format label-studio: the label "
                + "is the choice of each annotation's one choices result; leave --label-col out");
    assertThatThrownBy(
            () -> ColumnFlags.settings(InputFormat.SAGEMAKER_GT, "source-ref", null, null))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "--image-col has no meaning with --format sagemaker-gt: the image "
                + "is the source-ref of each object's output manifest line; leave --image-col out");
    assertThatThrownBy(() -> ColumnFlags.settings(InputFormat.SAGEMAKER_GT, null, "worker", null))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(
            "--annotator-col has no meaning with --format "
                + "sagemaker-gt: the worker is each answer's workerId");
    assertThatThrownBy(() -> ColumnFlags.settings(InputFormat.MTURK, null, "WorkerId", null))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "--annotator-col has no meaning with --format mturk: the worker "
                + "is always the WorkerId column; leave --annotator-col out");
    assertThatThrownBy(
            () -> ColumnFlags.settings(InputFormat.TOLOKA, null, "ASSIGNMENT:worker_id", null))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "--annotator-col has no meaning with --format toloka: the Toloker "
                + "is always the ASSIGNMENT:worker_id column; leave --annotator-col out");
  }
}
