package dev.softlabels.annotations;

import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dawid–Skene (1979) expectation maximisation over votes cached as {@link VoteBlocks}. Each iteration is
 * one pass over the blocks: the E-step with the current model per image, inside its partition, and the
 * M-step's sufficient statistics (per annotator, posterior mass by true × reported class; the posterior
 * totals; the log-likelihood) summed by a tree aggregate. The driver holds only the
 * {@link DawidSkeneModel} (k × k per annotator) and estimates the next one from the statistics.
 */
public final class DawidSkene {

  public static final String POSTERIOR = "posterior";
  public static final String LOG_LIKELIHOOD = "log_likelihood";
  /** The rows of {@link #eStep}: an image's vote counts, its posterior and its log-likelihood. */
  static final StructType POSTERIORS = new StructType()
      .add(LabelColumns.IMAGE, DataTypes.StringType, false)
      .add(LabelColumns.COUNTS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add(POSTERIOR, DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add(LOG_LIKELIHOOD, DataTypes.DoubleType, false);
  /** The vote fractions as posteriors, for k classes. */
  static final IntFunction<VoteBlocks.Posteriors> VOTE_FRACTIONS = VoteFractions::new;
  /**
   * Up to this many votes the EM loop runs in one task: one core makes such a pass in about the time a
   * Spark job takes to schedule (some 30 ms), so an iteration per job would be mostly overhead.
   */
  static final long ONE_TASK_VOTES = 1_000_000;
  private static final Logger LOG = LoggerFactory.getLogger(DawidSkene.class);

  private DawidSkene() {}

  /**
   * What a fit found.
   *
   * @param posteriors image_id, counts, posterior (array&lt;double&gt;, sums to 1), log_likelihood: the
   *     E-step of the final model, not yet computed
   * @param logLikelihoods the log-likelihood of the model entering each iteration, in order
   * @param converged whether the change fell below the tolerance before the iteration cap
   * @param firstPassSeconds the first pass, the statistics of the vote fractions: a majority vote's
   *     pass over the cached votes
   */
  public record Fit(Dataset<Row> posteriors, DawidSkeneModel model, List<Double> logLikelihoods, boolean converged,
      double secondsPerIteration, double firstPassSeconds) {
    public int iterations() {
      return logLikelihoods.size();
    }
  }

  /** An M-step's result: the new model, and the log-likelihood of the model whose posteriors it used. */
  record Step(DawidSkeneModel model, Double logLikelihood, long votes) {}

  /**
   * EM from the vote fractions until the log-likelihood changes by less than the tolerance per vote, or
   * the iteration cap. Up to {@link #ONE_TASK_VOTES} votes the whole loop runs in one task on the votes
   * merged into one block; more votes make each iteration one Spark job over all blocks.
   */
  public static Fit fit(VoteBlocks votes, DawidSkeneSettings settings) {
    return fit(votes, settings, ONE_TASK_VOTES);
  }

  static Fit fit(VoteBlocks votes, DawidSkeneSettings settings, long oneTaskVotes) {
    List<String> annotators = votes.annotators();
    int classes = votes.classes();
    Em.Result result = votes.votes() <= oneTaskVotes
        ? votes.inOneTask(block -> new Em(annotators, classes,
            posteriors -> block.addTo(new VoteBlocks.Statistics(annotators.size(), classes), posteriors))
            .run(settings))
        : Em.of(votes).run(settings);
    return new Fit(eStep(votes, result.model()), result.model(), result.logLikelihoods(), result.converged(),
        result.secondsPerIteration(), result.firstPassSeconds());
  }

  /** The M-step from the vote fractions: EM's starting model (no log-likelihood yet). */
  static Step initialStep(VoteBlocks votes, double smoothing) {
    return Em.of(votes).initialStep(smoothing);
  }

  /** One iteration: the E-step with {@code model}, then the M-step from its posteriors. */
  static Step step(VoteBlocks votes, DawidSkeneModel model, double smoothing) {
    return Em.of(votes).step(model, smoothing);
  }

  /**
   * The E-step: per image, log P(true class c) + the sum over its votes (a, j) of log confusion_a[c][j],
   * normalised to the posterior; the log of the normaliser is the image's log-likelihood.
   */
  static Dataset<Row> eStep(VoteBlocks votes, DawidSkeneModel model) {
    return votes.spark().createDataFrame(votes.posteriorRows(EStep.of(model, votes.annotators())), POSTERIORS);
  }

  /** The label rows of a model's posteriors. */
  static JavaRDD<LabelRow> labelRows(VoteBlocks votes, DawidSkeneModel model) {
    return votes.labelRows(EStep.of(model, votes.annotators()));
  }

  /**
   * The EM loop over one way of making a pass: a Spark job over the cached blocks, or arithmetic on the
   * one block a task holds.
   *
   * @param annotators every annotator, index a of the statistics
   */
  private record Em(List<String> annotators, int classes, Pass pass) {

    static Em of(VoteBlocks votes) {
      return new Em(votes.annotators(), votes.classes(), votes::statistics);
    }

    /** What the loop found; small (the model), so a task can return it. */
    record Result(DawidSkeneModel model, List<Double> logLikelihoods, boolean converged, double secondsPerIteration,
        double firstPassSeconds) implements Serializable {}

    Result run(DawidSkeneSettings settings) {
      long firstPass = System.nanoTime();
      Step step = initialStep(settings.smoothing());
      double firstPassSeconds = (System.nanoTime() - firstPass) / 1e9;
      List<Double> logLikelihoods = new ArrayList<>();
      boolean converged = false;
      long started = System.nanoTime();
      while (!converged && logLikelihoods.size() < settings.maxIterations()) {
        long iterationStarted = System.nanoTime();
        step = step(step.model(), settings.smoothing());
        double logLikelihood = step.logLikelihood();
        double change = logLikelihoods.isEmpty() ? Double.NaN
            : (logLikelihood - logLikelihoods.get(logLikelihoods.size() - 1)) / Math.max(1, step.votes());
        logLikelihoods.add(logLikelihood);
        converged = Math.abs(change) < settings.tolerance();
        LOG.info(String.format(Locale.ROOT, "dawid-skene: iteration %d: log-likelihood %.6e (%s), %.3f s",
            logLikelihoods.size(), logLikelihood,
            Double.isNaN(change) ? "the first: no change to measure" : String.format(Locale.ROOT, "%+.3e per vote",
                change),
            (System.nanoTime() - iterationStarted) / 1e9));
      }
      double perIteration = (System.nanoTime() - started) / 1e9 / logLikelihoods.size();
      if (!converged) {
        LOG.warn("dawid-skene: not converged after {} iterations (softlabels.aggregate.dawid-skene.max-iterations); "
            + "using the last estimate", logLikelihoods.size());
      }
      return new Result(step.model(), List.copyOf(logLikelihoods), converged, perIteration, firstPassSeconds);
    }

    Step initialStep(double smoothing) {
      VoteBlocks.Statistics statistics = pass.statistics(VOTE_FRACTIONS.apply(classes));
      return new Step(estimate(statistics, smoothing), null, statistics.votes);
    }

    Step step(DawidSkeneModel model, double smoothing) {
      VoteBlocks.Statistics statistics = pass.statistics(EStep.of(model, annotators));
      return new Step(estimate(statistics, smoothing), statistics.logLikelihood, statistics.votes);
    }

    private DawidSkeneModel estimate(VoteBlocks.Statistics statistics, double smoothing) {
      return DawidSkeneModel.estimate(statistics.posteriorTotals, statistics.images, statistics.masses(annotators),
          smoothing);
    }
  }

  /** One pass over all votes: the M-step's statistics of the posteriors it is given. */
  private interface Pass {
    VoteBlocks.Statistics statistics(VoteBlocks.Posteriors posteriors);
  }

  /** The vote fractions as posteriors. */
  private record VoteFractions(int classes) implements VoteBlocks.Posteriors {
    @Override
    public double posterior(int[] annotator, int[] reported, int from, int to, double[] posterior) {
      Arrays.fill(posterior, 0.0);
      for (int v = from; v < to; v++) {
        posterior[reported[v]]++;
      }
      double n = to - from;
      for (int c = 0; c < classes; c++) {
        posterior[c] /= n;
      }
      return Double.NaN;
    }
  }

  /**
   * The E-step of a model: logPrior[c], and logConfusion[(a k + j) k + c] = log confusion_a[c][j] for
   * annotator a (index into the blocks' annotator list), so an image's votes add contiguous columns.
   */
  private record EStep(double[] logPrior, double[] logConfusion) implements VoteBlocks.Posteriors {

    static EStep of(DawidSkeneModel model, List<String> annotators) {
      int k = model.classes();
      double[] logConfusion = new double[annotators.size() * k * k];
      for (int a = 0; a < annotators.size(); a++) {
        for (int j = 0; j < k; j++) {
          System.arraycopy(model.logColumn(annotators.get(a), j), 0, logConfusion, (a * k + j) * k, k);
        }
      }
      return new EStep(model.logPrior(), logConfusion);
    }

    @Override
    public double posterior(int[] annotator, int[] reported, int from, int to, double[] posterior) {
      int k = logPrior.length;
      Arrays.fill(posterior, 0.0);
      for (int v = from; v < to; v++) {
        int column = (annotator[v] * k + reported[v]) * k;
        for (int c = 0; c < k; c++) {
          posterior[c] += logConfusion[column + c];
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        posterior[c] += logPrior[c];
        max = Math.max(max, posterior[c]);
      }
      double normaliser = 0;
      for (int c = 0; c < k; c++) {
        posterior[c] = Math.exp(posterior[c] - max);
        normaliser += posterior[c];
      }
      for (int c = 0; c < k; c++) {
        posterior[c] /= normaliser;
      }
      return max + Math.log(normaliser);
    }
  }
}
