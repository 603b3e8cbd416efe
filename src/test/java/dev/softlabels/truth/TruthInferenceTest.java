package dev.softlabels.truth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.truth.TruthInference.ImageModel;
import dev.softlabels.truth.TruthInference.Statistics;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each method's M-step and E-step by hand, without Spark, on the example of {@link
 * DawidSkeneModelTest}: two classes, smoothing 1, annotators a1, a2, a3 (0, 1, 2) and three images
 * whose first-pass posteriors are their vote fractions: i1 = (2/3, 1/3) with votes a1:0 a2:0 a3:1;
 * i2 = (0, 1) with a1:1 a2:1 a3:1; i3 = (1/2, 1/2) with a1:0 a2:1. Then invariants on a random
 * crowd.
 */
class TruthInferenceTest {

  private static final List<String> ANNOTATORS = List.of("a1", "a2", "a3");
  private static final VoteBlocks.Block HAND =
      new VoteBlocks.Block(
          new String[] {"i1", "i2", "i3"},
          new int[] {0, 3, 6, 8},
          null,
          new int[] {0, 1, 2, 0, 1, 2, 0, 1},
          new int[] {0, 0, 1, 1, 1, 1, 0, 1});
  private static final EmSettings SMOOTHING_1 = new EmSettings(1, 0, 1.0);
  private static final double S1 = Glad.sigmoid(1);

  /**
   * A method's run on one block in plain Java: the model after each M-step, the image parameters,
   * the statistics.
   */
  static final class Run<M extends Serializable> {
    final TruthInference<M> method;
    final VoteBlocks.Block block;
    final int annotators;
    final int classes;
    final double[] image;
    M model;
    Statistics last;
    final List<Double> logLikelihoods = new ArrayList<>();

    Run(
        TruthInference<M> method,
        VoteBlocks.Block block,
        int annotators,
        int classes,
        EmSettings settings) {
      this.method = method;
      this.block = block;
      this.annotators = annotators;
      this.classes = classes;
      this.image = new double[block.images().length * method.imageParameters()];
      M start = method.start(annotators, classes);
      last = pass(Em.voteFractions(classes), method.pass(start, names()));
      model = method.estimate(start, last, settings);
    }

    Run<M> iterate(int iterations, EmSettings settings) {
      for (int n = 0; n < iterations; n++) {
        ImageModel pass = method.pass(model, names());
        last = pass(pass, pass);
        logLikelihoods.add(last.logLikelihood);
        model = method.estimate(model, last, settings);
      }
      return this;
    }

    private Statistics pass(TruthInference.Posteriors posteriors, ImageModel model) {
      return block.addTo(
          new Statistics(annotators, classes, method.statisticsLength(annotators, classes)),
          posteriors,
          model,
          image,
          method.imageParameters());
    }

    List<String> names() {
      List<String> names = new ArrayList<>();
      for (int a = 0; a < annotators; a++) {
        names.add("a" + a);
      }
      return names;
    }

    /** Image i's posterior under the current model, and its log-likelihood in the last slot. */
    double[] posterior(int i) {
      double[] posterior = new double[classes];
      double logLikelihood =
          method
              .pass(model, names())
              .posterior(
                  block.annotator(),
                  block.reported(),
                  block.offsets()[i],
                  block.offsets()[i + 1],
                  image,
                  i * method.imageParameters(),
                  posterior);
      double[] withLikelihood = Arrays.copyOf(posterior, classes + 1);
      withLikelihood[classes] = logLikelihood;
      return withLikelihood;
    }
  }

  private static <M extends Serializable> Run<M> handRun(TruthInference<M> method) {
    return new Run<>(method, HAND, 3, 2, SMOOTHING_1);
  }

  /**
   * Checks image i's posterior against unnormalised class scores, and its log-likelihood against
   * their sum's log.
   */
  private static void assertPosterior(Run<?> run, int image, double score0, double score1) {
    double[] posterior = run.posterior(image);
    double total = score0 + score1;
    assertThat(Arrays.copyOf(posterior, 2))
        .containsExactly(new double[] {score0 / total, score1 / total}, within(1e-12));
    assertThat(posterior[2]).isCloseTo(Math.log(total), within(1e-12));
  }

  @Test
  void oneCoinByHand() {
    Run<OneCoinDawidSkene.Model> run = handRun(new OneCoinDawidSkene());
    // M-step: p_a = (1 + posterior mass on a's labels) / (2 + labels): a1 (2/3 + 1 + 1/2), a2 (2/3
    // + 1 + 1/2),
    // a3 (1/3 + 1). The default prior is uniform, as ZenCrowd's: (1/2, 1/2) whatever the
    // posteriors.
    assertThat(run.model.accuracy())
        .containsExactly(new double[] {19.0 / 30, 19.0 / 30, 7.0 / 12}, within(1e-12));
    assertThat(run.model.prior()).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
    // E-step: a right vote counts p_a, a wrong one (1 - p_a) / (k - 1).
    assertPosterior(
        run, 0, 0.5 * 19.0 / 30 * 19.0 / 30 * 5.0 / 12, 0.5 * 11.0 / 30 * 11.0 / 30 * 7.0 / 12);
    assertPosterior(run, 2, 0.5 * 19.0 / 30 * 11.0 / 30, 0.5 * 11.0 / 30 * 19.0 / 30);
    // Learned, the prior is Dawid–Skene's, (1 + 7/6) / 5 and (1 + 11/6) / 5, and weighs each
    // class's score.
    EmSettings learned =
        SMOOTHING_1.withClassPrior(AggregationMethod.ONE_COIN, new ClassPrior.Learned(1.0));
    Run<OneCoinDawidSkene.Model> learnedRun =
        new Run<>(new OneCoinDawidSkene(), HAND, 3, 2, learned);
    assertThat(learnedRun.model.prior())
        .containsExactly(new double[] {13.0 / 30, 17.0 / 30}, within(1e-12));
    assertPosterior(
        learnedRun, 2, 13.0 / 30 * 19.0 / 30 * 11.0 / 30, 17.0 / 30 * 11.0 / 30 * 19.0 / 30);
    assertThat((double) run.method.annotatorValues(run.model, 2)[0])
        .isCloseTo(7.0 / 12, within(1e-12));
  }

  @Test
  void maceByHand() {
    Run<Mace.Model> run = handRun(new Mace());
    // First pass from theta = 1: a label is known with probability q, the posterior of the class it
    // reports, so the competences are one-coin's first accuracies and 1 - q of each label is
    // spammed. a1: known 2/3 + 1 + 1/2 = 13/6 of 3, spammed label 0: 1/3 + 1/2. a2: the same known,
    // spammed label 0: 1/3, label 1: 1/2. a3: known 1/3 + 1 = 4/3 of 2, spammed label 1: 2/3.
    assertThat(run.model.competence())
        .containsExactly(new double[] {19.0 / 30, 19.0 / 30, 7.0 / 12}, within(1e-12));
    assertThat(run.model.spam())
        .containsExactly(
            new double[] {11.0 / 17, 6.0 / 17, 8.0 / 17, 9.0 / 17, 3.0 / 8, 5.0 / 8},
            within(1e-12));
    // The default prior is learned (the paper keeps it uniform): Dawid–Skene's, (1 + 7/6) / 5 and
    // (1 + 11/6) / 5.
    assertThat(run.model.prior())
        .containsExactly(new double[] {13.0 / 30, 17.0 / 30}, within(1e-12));
    // E-step: P(label j | class c) = theta [j = c] + (1 - theta) xi[j], each class's score weighed
    // by its prior.
    double theta = 19.0 / 30;
    double p0 = 13.0 / 30;
    double p1 = 17.0 / 30;
    assertPosterior(
        run,
        2,
        p0 * (theta + (1 - theta) * 11 / 17) * ((1 - theta) * 9 / 17),
        p1 * ((1 - theta) * 11 / 17) * (theta + (1 - theta) * 9 / 17));
    double theta3 = 7.0 / 12;
    assertPosterior(
        run,
        1,
        p0 * ((1 - theta) * 6 / 17) * ((1 - theta) * 9 / 17) * ((1 - theta3) * 5 / 8),
        p1
            * (theta + (1 - theta) * 6 / 17)
            * (theta + (1 - theta) * 9 / 17)
            * (theta3 + (1 - theta3) * 5 / 8));
    // Uniform, the paper's prior: (1/2, 1/2) for both classes, the same competences.
    EmSettings uniform =
        SMOOTHING_1.withClassPrior(AggregationMethod.MACE, new ClassPrior.Uniform());
    Run<Mace.Model> uniformRun = new Run<>(new Mace(), HAND, 3, 2, uniform);
    assertThat(uniformRun.model.competence())
        .containsExactly(run.model.competence(), within(1e-12));
    assertPosterior(
        uniformRun,
        2,
        0.5 * (theta + (1 - theta) * 11 / 17) * ((1 - theta) * 9 / 17),
        0.5 * ((1 - theta) * 11 / 17) * (theta + (1 - theta) * 9 / 17));
  }

  /**
   * A crowd with nothing to disagree about: three annotators, each answering class 0 on every one
   * of 40 images (3 classes), and, in {@code groups}, three groups of three annotators each always
   * giving its own class on its 40 images. MACE's likelihood prefers "everyone spams that answer"
   * (the posterior is then the prior), so EM must start where the votes are believed, as
   * Dawid–Skene's does, and stay there.
   */
  @Test
  void maceIsConfidentWhereEveryAnnotatorAlwaysGivesTheSameAnswer() {
    int images = 40;
    EmSettings defaults = new EmSettings(200, 1e-5, 0.01);
    EmSettings uniform = defaults.withClassPrior(AggregationMethod.MACE, new ClassPrior.Uniform());
    for (EmSettings settings : List.of(defaults, uniform)) {
      Run<Mace.Model> run = new Run<>(new Mace(), unanimousCrowd(images, 1, 3), 3, 3, settings);
      // First M-step from the vote fractions: every label is known, nothing was spammed.
      double theta = (0.01 + images) / (0.02 + images);
      assertThat(run.model.competence())
          .containsExactly(new double[] {theta, theta, theta}, within(1e-12));
      assertThat(Arrays.copyOf(run.model.spam(), 3))
          .containsExactly(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, within(1e-12));
      run.iterate(200, settings);
      assertThat(run.posterior(0)[0])
          .as("%s", settings.classPrior(AggregationMethod.MACE))
          .isGreaterThan(0.9999);
      assertThat(boxed(run.model.competence())).allMatch(c -> c > 0.99);
    }
    Run<Mace.Model> groups =
        new Run<>(new Mace(), unanimousCrowd(images, 3, 3), 9, 3, defaults).iterate(200, defaults);
    for (int i = 0; i < 3 * images; i++) {
      assertThat(groups.posterior(i)[i % 3]).as("image %d", i).isGreaterThan(0.9999);
    }
  }

  /**
   * {@code groups × images} images; image i is of class g = i mod groups and labelled g by each of
   * the {@code perImage} annotators of group g (annotators g perImage to (g + 1) perImage − 1), who
   * label nothing else.
   */
  private static VoteBlocks.Block unanimousCrowd(int images, int groups, int perImage) {
    int count = groups * images;
    String[] names = new String[count];
    int[] offsets = new int[count + 1];
    int[] annotator = new int[count * perImage];
    int[] reported = new int[count * perImage];
    for (int i = 0; i < count; i++) {
      names[i] = "i" + i;
      offsets[i + 1] = (i + 1) * perImage;
      for (int v = 0; v < perImage; v++) {
        annotator[i * perImage + v] = (i % groups) * perImage + v;
        reported[i * perImage + v] = i % groups;
      }
    }
    return new VoteBlocks.Block(names, offsets, null, annotator, reported);
  }

  @Test
  void gladByHand() {
    Run<Glad.Model> run = handRun(new Glad());
    // First pass at alpha = 1, beta = 1: each vote is right with sigma(1). Per annotator the
    // gradient is the sum of (q - sigma(1)) beta, the curvature sigma(1)(1 - sigma(1)) beta^2 per
    // label, plus the N(1, 1) prior's 1.
    double alpha1 = 1 + (13.0 / 6 - 3 * S1) / (3 * S1 * (1 - S1) + 1);
    double alpha3 = 1 + (4.0 / 3 - 2 * S1) / (2 * S1 * (1 - S1) + 1);
    assertThat(run.model.ability())
        .containsExactly(new double[] {alpha1, alpha1, alpha3}, within(1e-12));
    // The default prior is uniform, as in the paper's code: (1/2, 1/2).
    assertThat(run.model.prior()).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
    assertThat(run.model.step())
        .as("no fall of the log-likelihood yet: whole steps on b")
        .isEqualTo(1.0);
    // Each image's log beta takes one scoring step from 0: i3's two votes each have q = 1/2 and x =
    // 1; i2's three q = 1.
    double b3 = (1 - 2 * S1) / (1 + 2 * S1 * (1 - S1));
    double b2 = 3 * (1 - S1) / (1 + 3 * S1 * (1 - S1));
    assertThat(run.image).containsExactly(new double[] {run.image[0], b2, b3}, within(1e-12));
    // E-step for i3 (a1:0, a2:1), k - 1 = 1: sigma(alpha beta) for a right vote, 1 - sigma for a
    // wrong one.
    double right = Glad.sigmoid(alpha1 * Math.exp(b3));
    assertPosterior(run, 2, 0.5 * right * (1 - right), 0.5 * (1 - right) * right);
    double x = alpha1 * Math.exp(b2);
    double x3 = alpha3 * Math.exp(b2);
    assertPosterior(
        run,
        1,
        0.5 * (1 - Glad.sigmoid(x)) * (1 - Glad.sigmoid(x)) * (1 - Glad.sigmoid(x3)),
        0.5 * Glad.sigmoid(x) * Glad.sigmoid(x) * Glad.sigmoid(x3));
    ImageModel model = run.method.pass(run.model, ANNOTATORS);
    assertThat((double) model.imageValues(run.image, 2)[0]).isCloseTo(Math.exp(-b3), within(1e-12));
  }

  /**
   * GLAD's step rule: whole steps on b until the log-likelihood first falls, half steps from then
   * on.
   */
  @Test
  void gladHalvesItsStepsOnBOnceTheLikelihoodFalls() {
    Glad glad = new Glad();
    EmSettings settings = new EmSettings(10, 0, 0.01);
    Statistics statistics = new Statistics(1, 2, glad.statisticsLength(1, 2));
    statistics.images = 1;
    statistics.logLikelihood = -10;
    Glad.Model rising =
        glad.estimate(
            new Glad.Model(new double[] {0.5, 0.5}, new double[] {1}, 1, -11),
            statistics,
            settings);
    assertThat(rising.step()).isEqualTo(1.0);
    assertThat(rising.logLikelihood()).isEqualTo(-10.0);
    Glad.Model falling =
        glad.estimate(
            new Glad.Model(new double[] {0.5, 0.5}, new double[] {1}, 1, -9), statistics, settings);
    assertThat(falling.step()).isEqualTo(Glad.DAMPED_LOG_BETA_STEP);
    Glad.Model afterwards = glad.estimate(falling, statistics, settings);
    assertThat(afterwards.step()).as("stays damped").isEqualTo(Glad.DAMPED_LOG_BETA_STEP);
  }

  @Test
  void wawaByHand() {
    Run<double[]> run = handRun(new Wawa());
    assertThat(run.method.iterates()).isFalse();
    // The majority votes: i1 0, i2 1, i3 0 (a tie, to the lowest class). a1 agrees 3 of 3, a2 2 of
    // 3, a3 1 of 2.
    assertThat(run.model).containsExactly(new double[] {1, 2.0 / 3, 0.5}, within(1e-12));
    // i1: class 0 weighs 1 + 2/3, class 1 1/2; i3: 1 against 2/3.
    assertThat(run.posterior(0))
        .containsExactly(new double[] {10.0 / 13, 3.0 / 13, Double.NaN}, within(1e-12));
    assertThat(run.posterior(2))
        .containsExactly(new double[] {0.6, 0.4, Double.NaN}, within(1e-12));
    assertThat(run.posterior(1)).containsExactly(new double[] {0, 1, Double.NaN}, within(1e-12));
  }

  /**
   * Votes of 12 annotators of varied skill (and one spammer) on 300 images of 3 classes, 4 to 6
   * votes each.
   */
  private static VoteBlocks.Block randomCrowd() {
    Random random = new Random(11);
    List<String> images = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>(List.of(0));
    List<Integer> annotator = new ArrayList<>();
    List<Integer> reported = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      images.add("i" + i);
      int truth = i % 3;
      int votes = 4 + random.nextInt(3);
      int first = random.nextInt(12);
      for (int v = 0; v < votes; v++) {
        int a = (first + v) % 12;
        annotator.add(a);
        double skill = a == 11 ? 0 : 0.5 + a * 0.04;
        reported.add(random.nextDouble() < skill ? truth : random.nextInt(3));
      }
      offsets.add(annotator.size());
    }
    return new VoteBlocks.Block(
        images.toArray(String[]::new),
        offsets.stream().mapToInt(Integer::intValue).toArray(),
        null,
        annotator.stream().mapToInt(Integer::intValue).toArray(),
        reported.stream().mapToInt(Integer::intValue).toArray());
  }

  @Test
  void posteriorsAreDistributionsAndParametersStayInRange() {
    VoteBlocks.Block crowd = randomCrowd();
    EmSettings settings = new EmSettings(1, 0, 0.01);
    for (AggregationMethod method : AggregationMethod.values()) {
      if (!method.posterior()) {
        continue;
      }
      Run<?> run =
          new Run<>(TruthInferences.of(method), crowd, 12, 3, settings)
              .iterate(TruthInferences.of(method).iterates() ? 20 : 0, settings);
      for (int i = 0; i < crowd.images().length; i++) {
        double[] posterior = Arrays.copyOf(run.posterior(i), 3);
        assertThat(Arrays.stream(posterior).sum())
            .as("%s, image %d", method, i)
            .isCloseTo(1.0, within(1e-9));
        assertThat(boxed(posterior)).as("%s, image %d", method, i).allMatch(p -> p >= 0 && p <= 1);
      }
      for (int a = 0; a < 12; a++) {
        assertThat(run.last.accuracy(a)).isBetween(0.0, 1.0);
      }
      assertParametersInRange(run);
    }
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  private static void assertParametersInRange(Run<?> run) {
    Object model = run.model;
    if (model instanceof DawidSkeneModel ds) {
      ds.annotators()
          .forEach(
              estimate ->
                  Arrays.stream(estimate.confusion())
                      .forEach(
                          row ->
                              assertThat(Arrays.stream(row).sum()).isCloseTo(1.0, within(1e-9))));
    } else if (model instanceof OneCoinDawidSkene.Model oneCoin) {
      assertThat(boxed(oneCoin.accuracy())).allMatch(p -> p > 0 && p < 1);
      // The spammer (annotator 11) is the least accurate, the most skilled (10) the most.
      assertThat(oneCoin.accuracy()[11]).isLessThan(oneCoin.accuracy()[0]);
      assertThat(oneCoin.accuracy()[10]).isGreaterThan(oneCoin.accuracy()[0]);
    } else if (model instanceof Mace.Model mace) {
      assertThat(boxed(mace.competence())).allMatch(p -> p > 0 && p < 1);
      for (int a = 0; a < 12; a++) {
        assertThat(Arrays.stream(mace.spam(), a * 3, a * 3 + 3).sum()).isCloseTo(1.0, within(1e-9));
      }
      assertThat(mace.competence()[11]).isLessThan(mace.competence()[0]);
    } else if (model instanceof Glad.Model glad) {
      assertThat(boxed(glad.ability())).allMatch(Double::isFinite);
      assertThat(glad.ability()[11]).isLessThan(glad.ability()[0]);
      assertThat(glad.ability()[10]).isGreaterThan(glad.ability()[0]);
      assertThat(boxed(run.image)).allMatch(b -> Math.abs(b) < 10);
    } else {
      assertThat(boxed((double[]) model)).allMatch(w -> w >= 0 && w <= 1);
    }
  }

  /**
   * Dawid–Skene, one-coin and MACE are exact EM: the log-likelihood never falls from one iteration
   * to the next.
   */
  @Test
  void exactEmNeverLowersTheLikelihood() {
    VoteBlocks.Block crowd = randomCrowd();
    EmSettings settings = new EmSettings(1, 0, 0.01);
    for (TruthInference<?> method :
        List.of(new DawidSkene(), new OneCoinDawidSkene(), new Mace())) {
      List<Double> logLikelihoods =
          new Run<>(method, crowd, 12, 3, settings).iterate(30, settings).logLikelihoods;
      for (int n = 1; n < logLikelihoods.size(); n++) {
        assertThat(logLikelihoods.get(n))
            .as("%s, iteration %d", method.method(), n + 1)
            .isGreaterThanOrEqualTo(logLikelihoods.get(n - 1) - 1e-6);
      }
    }
  }
}
