package dev.softlabels.votes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.annotations.LabelEncoding;
import dev.softlabels.config.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassInferenceTest {

  @Test
  void numbersGoInNumericOrderAndNamesInAlphabeticalOrder() {
    assertThat(ClassInference.of(List.of("1", "0"), LabelEncoding.AUTO).classes().names())
        .containsExactly("0", "1");
    assertThat(
            ClassInference.of(List.of("10", "9", "-1", "2"), LabelEncoding.AUTO).classes().names())
        .as("not as text, where 10 < 2 < 9")
        .containsExactly("-1", "2", "9", "10");
    ClassInference.Inferred names =
        ClassInference.of(List.of("dog", "Cat", "bird"), LabelEncoding.NAME);
    assertThat(names.classes().names())
        .as("code point order: capitals first")
        .containsExactly("Cat", "bird", "dog");
    assertThat(names.line())
        .isEqualTo(
            "classes inferred from the labels (names in alphabetical order): "
                + "[Cat, bird, dog]; pass --classes (softlabels.classes) to fix the list");
    assertThat(ClassInference.of(List.of("2", "cat"), LabelEncoding.AUTO).classes().names())
        .as("a number among names is a name")
        .containsExactly("2", "cat");
  }

  @Test
  void indexEncodingNamesEveryIndexUpToTheLargestLabel() {
    ClassInference.Inferred indices = ClassInference.of(List.of("3", "1"), LabelEncoding.INDEX);
    assertThat(indices.classes().names()).containsExactly("0", "1", "2", "3");
    assertThat(indices.origin())
        .isEqualTo("inferred from the labels (indices 0 to the largest label)");
    assertThatThrownBy(() -> ClassInference.of(List.of("0", "5000"), LabelEncoding.INDEX))
        .isInstanceOf(UserError.class)
        .hasMessageContaining(
            "label 5000 read as a 0-based class index would make more " + "than 1000 classes");
    assertThatThrownBy(() -> ClassInference.of(List.of("0", "cat"), LabelEncoding.INDEX))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("label-encoding is index but the labels are not all numbers");
  }

  @Test
  void fewerThanTwoLabelsAreNoClassList() {
    assertThatThrownBy(() -> ClassInference.of(List.of("cat"), LabelEncoding.AUTO))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "cannot infer a class list from fewer than two distinct labels [cat]: name the classes with "
                + "--classes");
  }
}
