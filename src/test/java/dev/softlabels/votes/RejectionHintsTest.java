package dev.softlabels.votes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hints' wording: labels quoted as read, a bounded list of data keys, the flag when one key
 * fits.
 */
class RejectionHintsTest {

  @Test
  void labelsAreQuotedWithTheirSpacesAndCase() {
    assertThat(
            RejectionHints.text(
                List.of(
                    new RejectionHints.LabelCount("Golden Retriever", 1_200),
                    new RejectionHints.LabelCount("say \"hi\"", 2))))
        .isEqualTo("\"Golden Retriever\" 1,200, \"say \\\"hi\\\"\" 2");
  }

  @Test
  void theImageKeyHintNamesTheOnlyKeyOrListsAFew() {
    assertThat(RejectionHints.labelStudioImageKey("image", List.of("photo")))
        .isEqualTo(
            "missing_image_id: tasks "
                + "without data.image (their data has the key photo): pass --image-col photo "
                + "(softlabels.annotations.label-studio.image-key)");
    assertThat(RejectionHints.labelStudioImageKey("image", List.of("a", "b", "c", "d", "e", "f")))
        .isEqualTo(
            "missing_image_id: tasks without data.image (their data has the keys a, b, c, d, e, ...): pass "
                + "--image-col with the key that holds the image (softlabels.annotations.label-studio.image-key)");
    assertThat(RejectionHints.labelStudioImageKey("image", List.of()))
        .contains("(their data has no keys)");
  }
}
