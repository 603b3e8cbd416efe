package dev.softlabels.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Confusion matrices below: rows are the consensus class, columns the class the annotator gave. */
class AnnotatorQualityTest {

  private static final double EXACT = 1e-12;
  private static final List<String> PETS = List.of("cat", "dog", "bird");

  /**
   * Mostly right. Recalls: cat 18/20, dog 15/20, bird 8/10, fox 1/4; fox has fewer than {@link
   * AnnotatorQuality#MIN_CLASS_VOTES} images, so the worst class is dog, not fox.
   */
  @Test
  void honestAnnotatorRaisesNoFlagAndItsWorstClassIsTheLowestRecallWithEnoughImages() {
    long[][] confusion = {
      {18, 1, 1, 0},
      {2, 15, 3, 0},
      {0, 2, 8, 0},
      {2, 1, 0, 1},
    };
    AnnotatorQuality quality =
        AnnotatorQuality.of("ann-1", confusion, 0.8, List.of("cat", "dog", "bird", "fox"));
    assertThat(quality.annotator()).isEqualTo("ann-1");
    assertThat(quality.votes()).isEqualTo(54);
    assertThat(quality.agreement()).isCloseTo(42 / 54.0, within(EXACT));
    assertThat(quality.worstClass()).isEqualTo("dog");
    assertThat(quality.worstClassRecall()).isEqualTo(0.75);
    // chi-square = 280989 / 4180 over 54 votes and min(4, 4) - 1 = 3 degrees.
    assertThat(quality.cramersV()).isCloseTo(Math.sqrt(280989.0 / 4180 / (54 * 3)), within(EXACT));
    assertThat(quality.methodAccuracy()).isEqualTo(0.8);
    assertThat(quality.flags()).isEmpty();
    assertThat(quality.reasons()).isEmpty();
    assertThat(quality.confusion()).isSameAs(confusion);
  }

  /**
   * Near-uniform answers whatever the image. Every row and column has 10 of the 30 votes, so each
   * expected cell is 10/3: the diagonal's 4 is 2/3 off, each (2/3)&sup2; / (10/3) = 2/15; the other
   * cells' 3 are 1/3 off, each 1/30. Chi-square = 3 &middot; 2/15 + 6 &middot; 1/30 = 0.6, and V =
   * &radic;(0.6 / (30 &middot; (3 - 1))) = &radic;0.01 = 0.1.
   */
  @Test
  void uniformSpammerIsFlaggedSpammerOnly() {
    long[][] confusion = {
      {4, 3, 3},
      {3, 4, 3},
      {3, 3, 4},
    };
    AnnotatorQuality quality = AnnotatorQuality.of("ann-2", confusion, null, PETS);
    assertThat(quality.cramersV()).isCloseTo(0.1, within(EXACT));
    assertThat(quality.agreement()).isCloseTo(0.4, within(EXACT));
    assertThat(quality.flags()).containsExactly(AnnotatorFlag.SPAMMER.code());
    assertThat(quality.reasons()).containsExactly("spammer: Cramér's V 0.10");
    // Every recall ties at 4/10: the first class with enough images is kept.
    assertThat(quality.worstClass()).isEqualTo("cat");
    assertThat(quality.worstClassRecall()).isEqualTo(0.4);
    assertThat(quality.methodAccuracy()).isNull();
  }

  /**
   * Gives dog for cats and cat for dogs, birds right. Its labels still say much about the consensus
   * (chi-square 241/6, V = &radic;(241/360) = 0.82), but 8 of its 9 cat votes are dogs.
   */
  @Test
  void annotatorSwappingTwoOfThreeClassesIsFlaggedSwapperOnlyNamingBoth() {
    long[][] confusion = {
      {1, 9, 0},
      {8, 2, 0},
      {0, 1, 9},
    };
    AnnotatorQuality quality = AnnotatorQuality.of("ann-3", confusion, null, PETS);
    assertThat(quality.cramersV()).isCloseTo(Math.sqrt(241.0 / 360), within(EXACT));
    assertThat(quality.flags()).containsExactly(AnnotatorFlag.SWAPPER.code());
    assertThat(quality.reasons())
        .containsExactly(
            "swapper: Cramér's V 0.82; 8 of its 9 votes for cat are dog by the consensus");
    assertThat(quality.worstClass()).isEqualTo("cat");
    assertThat(quality.worstClassRecall()).isEqualTo(0.1);
  }

  /**
   * Says cat for 28 of 30 images, of which the consensus calls 10 cats. V is 0.26, which alone
   * would read as a spammer; the one-class flag is the sharper one and the only one raised.
   */
  @Test
  void oneClassAnnotatorIsFlaggedOneClassOnly() {
    long[][] confusion = {
      {10, 0, 0},
      {9, 1, 0},
      {9, 0, 1},
    };
    AnnotatorQuality quality = AnnotatorQuality.of("ann-4", confusion, null, PETS);
    assertThat(quality.cramersV()).isLessThan(AnnotatorQuality.INFORMATIVE_V);
    assertThat(quality.flags()).containsExactly(AnnotatorFlag.ONE_CLASS.code());
    assertThat(quality.reasons())
        .containsExactly(
            "one-class: 93 % of its votes are cat; the consensus says cat for 33 % of those images");
  }

  /**
   * 28 of its 30 votes are cat, past the one-class share, but the consensus calls 26 of the 30
   * images cats (87 %, above {@link AnnotatorQuality#ONE_CLASS_CONSENSUS_SHARE}): it is right to.
   * Chi-square = 405/14, V = &radic;(405/14 / 60) = 0.69.
   */
  @Test
  void oneClassAnnotatorOnImagesThatMostlyAreThatClassRaisesNoFlag() {
    long[][] confusion = {
      {26, 0, 0},
      {1, 1, 0},
      {1, 0, 1},
    };
    AnnotatorQuality quality = AnnotatorQuality.of("ann-5", confusion, null, PETS);
    assertThat(quality.votes()).isEqualTo(30);
    assertThat(28 / 30.0).isGreaterThanOrEqualTo(AnnotatorQuality.ONE_CLASS_SHARE);
    assertThat(quality.cramersV()).isCloseTo(Math.sqrt(405.0 / 14 / 60), within(EXACT));
    assertThat(quality.flags()).isEmpty();
    // Neither dog nor bird (2 images each) has enough images to be its worst class.
    assertThat(quality.worstClass()).isEqualTo("cat");
    assertThat(quality.worstClassRecall()).isEqualTo(1.0);
  }

  /** The swapper's pattern on 19 votes raises nothing; one more vote and it is flagged. */
  @Test
  void annotatorWithFewerThanMinVotesRaisesNoFlag() {
    long[][] nineteen = {
      {1, 5, 0},
      {5, 1, 0},
      {0, 0, 7},
    };
    AnnotatorQuality few = AnnotatorQuality.of("ann-6", nineteen, null, PETS);
    assertThat(few.votes()).isEqualTo(AnnotatorQuality.MIN_VOTES - 1);
    assertThat(few.flags()).isEmpty();
    assertThat(few.reasons()).isEmpty();
    // The figures are still given: only the flags wait for enough votes.
    assertThat(few.cramersV()).isNotNull();
    assertThat(few.worstClass()).isEqualTo("cat");
    assertThat(few.worstClassRecall()).isCloseTo(1 / 6.0, within(EXACT));

    long[][] twenty = {
      {1, 5, 0},
      {5, 1, 0},
      {0, 0, 8},
    };
    assertThat(AnnotatorQuality.of("ann-6", twenty, null, PETS).flags())
        .containsExactly(AnnotatorFlag.SWAPPER.code());
  }

  @Test
  void annotatorWithoutVotesHasNoFiguresAndNoFlags() {
    AnnotatorQuality quality = AnnotatorQuality.of("ann-7", new long[3][3], null, PETS);
    assertThat(quality.votes()).isZero();
    assertThat(quality.agreement()).isZero();
    assertThat(quality.cramersV()).isNull();
    assertThat(quality.worstClass()).isNull();
    assertThat(quality.worstClassRecall()).isNull();
    assertThat(quality.flags()).isEmpty();
  }

  @Test
  void cramersVOfAPerfectDiagonalIsOne() {
    assertThat(cramersV(new long[][] {{5, 0, 0}, {0, 7, 0}, {0, 0, 3}}))
        .isCloseTo(1, within(EXACT));
    // A class neither side uses does not count: still three classes in use, still 1.
    assertThat(cramersV(new long[][] {{5, 0, 0, 0}, {0, 7, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 0}}))
        .isCloseTo(1, within(EXACT));
  }

  /** Each row is 1 : 2 : 3 of its total: the given class tells nothing about the consensus. */
  @Test
  void cramersVOfAnIndependentTableIsZero() {
    assertThat(cramersV(new long[][] {{2, 4, 6}, {1, 2, 3}, {3, 6, 9}}))
        .isCloseTo(0, within(EXACT));
  }

  @Test
  void cramersVIsUndefinedWhenEitherSideUsesOneClass() {
    assertThat(cramersV(new long[][] {{3, 0}, {4, 0}})).isNull();
    assertThat(cramersV(new long[][] {{3, 4}, {0, 0}})).isNull();
  }

  private static Double cramersV(long[][] confusion) {
    int k = confusion.length;
    List<String> classes = IntStream.range(0, k).mapToObj(i -> "c" + i).toList();
    return AnnotatorQuality.of("a", confusion, null, classes).cramersV();
  }
}
