package dev.softlabels.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.dkpro.statistics.agreement.coding.CodingAnnotationStudy;
import org.dkpro.statistics.agreement.coding.FleissKappaAgreement;
import org.dkpro.statistics.agreement.coding.KrippendorffAlphaAgreement;
import org.dkpro.statistics.agreement.distance.NominalDistanceFunction;
import org.junit.jupiter.api.Test;

class AgreementTest {

  private static final double EXACT = 1e-12;
  private static final double PEER = 1e-9;

  /**
   * Krippendorff (2011), <i>Computing Krippendorff's Alpha-Reliability</i>, section C: observers A
   * to D (columns) on 12 units (rows), values 1 to 5, null where an observer gave none.
   */
  private static final Integer[][] KRIPPENDORFF_UNITS = {
    {1, 1, null, 1},
    {2, 2, 3, 2},
    {3, 3, 3, 3},
    {3, 3, 3, 3},
    {2, 2, 2, 2},
    {1, 2, 3, 4},
    {4, 4, 4, 4},
    {1, 1, 2, 1},
    {2, 2, 2, 2},
    {null, 5, 5, 5},
    {null, null, 1, 1},
    {null, 3, null, null},
  };

  /** Fleiss (1971) as Wikipedia works it: 10 subjects, 14 raters each, votes per category. */
  private static final int[][] FLEISS_SUBJECTS = {
    {0, 0, 0, 0, 14},
    {0, 2, 6, 4, 2},
    {0, 0, 3, 5, 6},
    {0, 3, 9, 2, 0},
    {2, 2, 8, 1, 1},
    {7, 7, 0, 0, 0},
    {3, 2, 6, 3, 0},
    {2, 5, 3, 2, 2},
    {6, 5, 2, 1, 0},
    {0, 2, 2, 3, 7},
  };

  private static final List<String> ABC = List.of("a", "b", "c");

  @Test
  void krippendorffsWorkedExampleGivesAlpha0743() {
    Agreement agreement = Agreement.empty(5);
    for (Integer[] unit : KRIPPENDORFF_UNITS) {
      agreement.add(countsOfValues(unit, 5));
    }
    // The paper's coincidence matrix: n = 40 pairable values, diagonal o_cc = 7, 10, 8, 4, 3 and
    // n_c = 9, 13, 10, 5, 3; alpha = 1 - 39 (40 - 32) / (1600 - 384) = 1 - 312 / 1216.
    assertThat(agreement.krippendorffAlpha()).isCloseTo(1 - 312.0 / 1216, within(EXACT));
    assertThat(agreement.krippendorffAlpha()).isCloseTo(0.743, within(0.0005));
    // Unit 12 has a single value: 11 units are pairable, not 12.
    assertThat(agreement.images()).isEqualTo(11);
    assertThat(agreement.classAgreement(List.of("1", "2", "3", "4", "5")))
        .containsExactly(
            entry("1", 7 / 9.0),
            entry("2", 10 / 13.0),
            entry("3", 8 / 10.0),
            entry("4", 4 / 5.0),
            entry("5", 3 / 3.0));
  }

  @Test
  void krippendorffsWorkedExampleAgreesWithDkpro() {
    CodingAnnotationStudy study = new CodingAnnotationStudy(4);
    Agreement agreement = Agreement.empty(5);
    for (Integer[] unit : KRIPPENDORFF_UNITS) {
      study.addItemAsArray(unit);
      agreement.add(countsOfValues(unit, 5));
    }
    assertThat(agreement.krippendorffAlpha()).isCloseTo(dkproAlpha(study), within(PEER));
  }

  @Test
  void fleissWorkedExampleGivesKappa0210() {
    Agreement agreement = Agreement.empty(5);
    for (int[] subject : FLEISS_SUBJECTS) {
      agreement.add(subject);
    }
    // Exactly: P-bar = 172 / 455 (0.378), P_e = 417 / 1960 (0.213), kappa = 4211 / 20059.
    assertThat(agreement.observed()).isCloseTo(172.0 / 455, within(EXACT));
    assertThat(agreement.observed()).isCloseTo(0.378, within(0.0005));
    assertThat(agreement.fleissKappa()).isCloseTo(4211.0 / 20059, within(EXACT));
    assertThat(agreement.fleissKappa()).isCloseTo(0.210, within(0.0005));
    // P_e is private; kappa = (P-bar - P_e) / (1 - P_e) gives it back.
    double kappa = agreement.fleissKappa();
    double expected = (agreement.observed() - kappa) / (1 - kappa);
    assertThat(expected).isCloseTo(417.0 / 1960, within(EXACT));
    assertThat(expected).isCloseTo(0.213, within(0.0005));
    assertThat(agreement.images()).isEqualTo(10);
  }

  @Test
  void fleissWorkedExampleAgreesWithDkpro() {
    CodingAnnotationStudy study = new CodingAnnotationStudy(14);
    Agreement agreement = Agreement.empty(5);
    for (int[] subject : FLEISS_SUBJECTS) {
      study.addItemAsArray(valuesOfCounts(subject));
      agreement.add(subject);
    }
    assertThat(agreement.fleissKappa())
        .isCloseTo(new FleissKappaAgreement(study).calculateAgreement(), within(PEER));
  }

  /**
   * Four images over classes a, b, c, worked by hand. Counts [2,0,0], [1,1,0], [0,2,1] and [0,0,1];
   * the last has one vote and is not pairable.
   *
   * <p>Coincidences o_cc = &Sigma; n_uc (n_uc - 1) / (m_u - 1): o_aa = 2&middot;1/1 = 2, o_bb =
   * 2&middot;1/2 = 1, o_cc = 0, so &Sigma; o = 3. Pairable votes n_a = 3, n_b = 3, n_c = 1, n = 7,
   * &Sigma; n_c&sup2; = 19. Alpha = 1 - 6 (7 - 3) / (49 - 19) = 1 - 24/30 = 0.2.
   *
   * <p>Fleiss: P_u = 2/2, 0/2 and 2/6, so P-bar = (1 + 0 + 1/3) / 3 = 4/9; P_e = 19/49; kappa =
   * (4/9 - 19/49) / (30/49) = (25/441) (49/30) = 5/54.
   *
   * <p>Class agreement o_cc / n_c: a 2/3, b 1/3, c 0/1.
   */
  @Test
  void smallHandWorkedCase() {
    Agreement agreement = handWorked();
    assertThat(agreement.images()).isEqualTo(3);
    assertThat(agreement.krippendorffAlpha()).isCloseTo(0.2, within(EXACT));
    assertThat(agreement.observed()).isCloseTo(4 / 9.0, within(EXACT));
    assertThat(agreement.fleissKappa()).isCloseTo(5 / 54.0, within(EXACT));
    assertThat(agreement.classAgreement(ABC))
        .containsExactly(entry("a", 2 / 3.0), entry("b", 1 / 3.0), entry("c", 0.0));

    Agreement.Figures figures = agreement.figures(ABC);
    assertThat(figures.krippendorffAlpha()).isEqualTo(agreement.krippendorffAlpha());
    assertThat(figures.fleissKappa()).isEqualTo(agreement.fleissKappa());
    assertThat(figures.pairAgreement()).isEqualTo(agreement.observed());
    assertThat(figures.images()).isEqualTo(3);
    assertThat(figures.classAgreement()).isEqualTo(agreement.classAgreement(ABC));
    assertThat(figures.state().pairable()).containsExactly(3, 3, 1);
    assertThat(figures.state().matched()).containsExactly(new double[] {2, 1, 0}, within(EXACT));
  }

  @Test
  void everyVoteForOneClassLeavesAlphaAndKappaUndefined() {
    Agreement agreement = Agreement.empty(3).add(new int[] {0, 3, 0}).add(new int[] {0, 2, 0});
    // Perfect agreement, but nothing to tell it from chance.
    assertThat(agreement.krippendorffAlpha()).isNull();
    assertThat(agreement.fleissKappa()).isNull();
    assertThat(agreement.observed()).isEqualTo(1.0);
    assertThat(agreement.images()).isEqualTo(2);
    assertThat(agreement.classAgreement(ABC))
        .containsExactly(entry("a", null), entry("b", 1.0), entry("c", null));
  }

  @Test
  void singleVoteImagesCarryNoAgreement() {
    Agreement agreement =
        Agreement.empty(3)
            .add(new int[] {1, 0, 0})
            .add(new int[] {0, 1, 0})
            .add(new int[] {0, 0, 0});
    assertUndefined(agreement);
    assertUndefined(Agreement.empty(3));
  }

  @Test
  void addingThenRemovingEveryImageReturnsToTheEmptyFigures() {
    Agreement agreement = handWorked();
    agreement
        .remove(new int[] {0, 2, 1})
        .remove(new int[] {2, 0, 0})
        .remove(new int[] {0, 0, 1})
        .remove(new int[] {1, 1, 0});
    assertUndefined(agreement);
    assertThat(agreement.state().pairable()).containsOnly(0L);
    assertThat(agreement.state().matched()).containsExactly(new double[3], within(EXACT));
    // Sums of doubles taken out in another order than they went in: equal up to rounding.
    assertThat(agreement.state().imageAgreement()).isCloseTo(0.0, within(EXACT));
  }

  /** What a relabel night does: an image's earlier counts out, its new counts in. */
  @Test
  void replacingAnImagesCountsEqualsAddingTheNewCountsAlone() {
    Agreement updated = handWorked().remove(new int[] {1, 1, 0}).add(new int[] {0, 3, 0});
    Agreement fresh =
        Agreement.empty(3)
            .add(new int[] {2, 0, 0})
            .add(new int[] {0, 3, 0})
            .add(new int[] {0, 2, 1})
            .add(new int[] {0, 0, 1});
    assertSameFigures(updated, fresh);
  }

  @Test
  void mergingTwoHalvesEqualsAddingEveryImage() {
    List<int[]> images = randomCrowd(new Random(7), 200, 4, 2, 9).counts();
    Agreement all = Agreement.empty(4);
    Agreement firstHalf = Agreement.empty(4);
    Agreement secondHalf = Agreement.empty(4);
    for (int i = 0; i < images.size(); i++) {
      all.add(images.get(i));
      (i < images.size() / 2 ? firstHalf : secondHalf).add(images.get(i));
    }
    assertSameFigures(firstHalf.merge(secondHalf), all);
    assertThat(firstHalf.images()).isEqualTo(all.images()).isEqualTo(200);
  }

  @Test
  void stateRestoresTheSameFiguresAndStaysUntouchedByLaterVotes() {
    Agreement original = handWorked();
    Agreement.State state = original.state();
    Agreement restored = Agreement.of(state);
    assertSameFigures(restored, original);

    // Restored and original each keep their own arrays: the state a summary wrote stays as written.
    restored.add(new int[] {0, 0, 4});
    assertThat(state.pairable()).containsExactly(3, 3, 1);
    assertThat(original.state().pairable()).containsExactly(3, 3, 1);
    assertThat(restored.state().pairable()).containsExactly(3, 3, 5);
  }

  @Test
  void stateSurvivesJsonAsSummariesKeepIt() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    Agreement original = handWorked();
    String json = mapper.writeValueAsString(original.state());
    assertThat(json).contains("\"image_agreement\"", "\"matched\"", "\"pairable\"", "\"images\":3");
    Agreement restored = Agreement.of(mapper.readValue(json, Agreement.State.class));
    assertSameFigures(restored, original);
  }

  @Test
  void classAgreementIsKeyedByNameInClassOrder() {
    assertThat(handWorked().classAgreement(List.of("cat", "dog", "bird")).keySet())
        .containsExactly("cat", "dog", "bird");
    assertThat(handWorked().classAgreement(List.of("cat", "dog", "bird")).get("dog"))
        .isCloseTo(1 / 3.0, within(EXACT));
  }

  /** DKPro gets one rater slot per annotator of the pool, null where that one did not vote. */
  @Test
  void alphaOnARandomCrowdWithVaryingVotesAgreesWithDkpro() {
    Crowd crowd = randomCrowd(new Random(41), 300, 4, 3, 9);
    CodingAnnotationStudy study = new CodingAnnotationStudy(Crowd.ANNOTATORS);
    Agreement agreement = Agreement.empty(4);
    for (int i = 0; i < crowd.counts().size(); i++) {
      study.addItemAsArray(crowd.byAnnotator().get(i));
      agreement.add(crowd.counts().get(i));
    }
    double alpha = agreement.krippendorffAlpha();
    // Well above chance, so the two are compared on a figure that means something.
    assertThat(alpha).isBetween(0.4, 0.9);
    assertThat(alpha).isCloseTo(dkproAlpha(study), within(PEER));
  }

  /** Fleiss' own setting: every image has the same number of votes (7), one rater slot each. */
  @Test
  void kappaOnARandomCrowdWithSevenVotesEachAgreesWithDkpro() {
    Crowd crowd = randomCrowd(new Random(43), 300, 4, 7, 7);
    CodingAnnotationStudy study = new CodingAnnotationStudy(7);
    Agreement agreement = Agreement.empty(4);
    for (int[] counts : crowd.counts()) {
      study.addItemAsArray(valuesOfCounts(counts));
      agreement.add(counts);
    }
    double kappa = agreement.fleissKappa();
    assertThat(kappa).isBetween(0.4, 0.9);
    assertThat(kappa).isCloseTo(new FleissKappaAgreement(study).calculateAgreement(), within(PEER));
    // With the same number of votes everywhere, alpha and kappa differ only by alpha's small-sample
    // correction, so they agree to a few thousandths on 2100 votes.
    assertThat(agreement.krippendorffAlpha()).isCloseTo(kappa, within(0.005));
    assertThat(agreement.krippendorffAlpha()).isCloseTo(dkproAlpha(study), within(PEER));
  }

  private static Agreement handWorked() {
    return Agreement.empty(3)
        .add(new int[] {2, 0, 0})
        .add(new int[] {1, 1, 0})
        .add(new int[] {0, 2, 1})
        .add(new int[] {0, 0, 1});
  }

  private static void assertUndefined(Agreement agreement) {
    assertThat(agreement.images()).isZero();
    assertThat(agreement.krippendorffAlpha()).isNull();
    assertThat(agreement.fleissKappa()).isNull();
    assertThat(agreement.observed()).isNull();
    assertThat(agreement.classAgreement(ABC))
        .containsExactly(entry("a", null), entry("b", null), entry("c", null));
  }

  private static void assertSameFigures(Agreement actual, Agreement expected) {
    assertThat(actual.images()).isEqualTo(expected.images());
    assertThat(actual.krippendorffAlpha()).isCloseTo(expected.krippendorffAlpha(), within(EXACT));
    assertThat(actual.fleissKappa()).isCloseTo(expected.fleissKappa(), within(EXACT));
    assertThat(actual.observed()).isCloseTo(expected.observed(), within(EXACT));
    assertThat(actual.state().pairable()).containsExactly(expected.state().pairable());
    assertThat(actual.state().matched()).containsExactly(expected.state().matched(), within(EXACT));
  }

  private static double dkproAlpha(CodingAnnotationStudy study) {
    return new KrippendorffAlphaAgreement(study, new NominalDistanceFunction())
        .calculateAgreement();
  }

  /** Krippendorff's values 1 to {@code classes} as vote counts, class index value - 1. */
  private static int[] countsOfValues(Integer[] values, int classes) {
    int[] counts = new int[classes];
    for (Integer value : values) {
      if (value != null) {
        counts[value - 1]++;
      }
    }
    return counts;
  }

  /** Vote counts as one value per rater slot, in class order. */
  private static Object[] valuesOfCounts(int[] counts) {
    return IntStream.range(0, counts.length)
        .flatMap(c -> IntStream.range(0, counts[c]).map(vote -> c))
        .boxed()
        .toArray();
  }

  /**
   * Votes on images with a true class each, from a pool of annotators who are right with their own
   * accuracy (0.5 to 0.95) and otherwise pick one of the other classes at random.
   *
   * @param counts each image's votes per class
   * @param byAnnotator each image's vote per annotator of the pool, null where it gave none
   */
  private record Crowd(List<int[]> counts, List<Integer[]> byAnnotator) {
    static final int ANNOTATORS = 25;
  }

  private static Crowd randomCrowd(
      Random random, int images, int classes, int minVotes, int maxVotes) {
    double[] accuracy = new double[Crowd.ANNOTATORS];
    for (int a = 0; a < accuracy.length; a++) {
      accuracy[a] = 0.5 + 0.45 * random.nextDouble();
    }
    List<Integer> pool = new ArrayList<>(IntStream.range(0, Crowd.ANNOTATORS).boxed().toList());
    List<int[]> counts = new ArrayList<>();
    List<Integer[]> byAnnotator = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      int truth = random.nextInt(classes);
      int votes = minVotes + random.nextInt(maxVotes - minVotes + 1);
      Collections.shuffle(pool, random);
      int[] imageCounts = new int[classes];
      Integer[] imageVotes = new Integer[Crowd.ANNOTATORS];
      for (int annotator : pool.subList(0, votes)) {
        int label = truth;
        if (random.nextDouble() >= accuracy[annotator]) {
          label = (truth + 1 + random.nextInt(classes - 1)) % classes;
        }
        imageCounts[label]++;
        imageVotes[annotator] = label;
      }
      counts.add(imageCounts);
      byAnnotator.add(imageVotes);
    }
    return new Crowd(counts, byAnnotator);
  }
}
