package dev.softlabels.truth;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.truth.TruthInference.ImageModel;
import dev.softlabels.truth.TruthInference.Posteriors;
import dev.softlabels.truth.TruthInference.Statistics;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The expectation-maximisation engine every {@link TruthInference} method runs on, over votes
 * cached as {@link VoteBlocks}. Each iteration is one pass over the blocks: the method's E-step per
 * image, inside its partition, and the statistics of its M-step summed by a tree aggregate; the
 * driver holds only the model (a few numbers per annotator) and estimates the next one from the
 * statistics. The first pass takes the vote fractions as the posteriors.
 */
final class Em {

  static final String POSTERIOR = "posterior";
  static final String LOG_LIKELIHOOD = "log_likelihood";

  /**
   * The rows of {@link #posteriors}: an image's vote counts, its posterior and its log-likelihood.
   */
  static final StructType POSTERIORS =
      new StructType()
          .add(LabelColumns.IMAGE, DataTypes.StringType, false)
          .add(LabelColumns.COUNTS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add(POSTERIOR, DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add(LOG_LIKELIHOOD, DataTypes.DoubleType, false);

  /**
   * Up to this many votes the EM loop runs in one task: one core makes such a pass in about the
   * time a Spark job takes to schedule (docs/design/em-engine.md), so an iteration per job would be
   * mostly overhead.
   */
  static final long ONE_TASK_VOTES = 1_000_000;

  private static final Logger LOG = LoggerFactory.getLogger(Em.class);

  private Em() {}

  /**
   * What a fit found.
   *
   * @param logLikelihoods the log-likelihood of the model entering each iteration, in order
   * @param converged whether the change fell below the tolerance before the iteration cap (a method
   *     that does not iterate has converged)
   * @param last the statistics of the last pass (each annotator's labels and expected accuracy)
   * @param firstPassSeconds the first pass, the statistics of the vote fractions: a majority vote's
   *     pass over the cached votes
   * @param voteShares each class's share of the votes, averaged over images (the mean vote
   *     fractions)
   * @param images each image's parameters after the last pass, cached; null for methods without
   */
  public record Fit<M extends Serializable>(
      TruthInference<M> method,
      M model,
      Statistics last,
      List<Double> logLikelihoods,
      boolean converged,
      double secondsPerIteration,
      double firstPassSeconds,
      double[] voteShares,
      JavaRDD<VoteBlocks.BlockPass> images)
      implements AutoCloseable {
    public int iterations() {
      return logLikelihoods.size();
    }

    /** Each class's share of the last pass's posteriors: the class shares the fit ends with. */
    public double[] fittedShares() {
      return shares(last);
    }

    /** Every image's label row with the final model's posterior, lazy. */
    JavaRDD<VoteBlocks.ImageLabel> labelRows(VoteBlocks votes) {
      return votes.labelRows(
          method.pass(model, votes.annotators()), images, method.imageParameters());
    }

    /**
     * image_id, counts, posterior (array&lt;double&gt;, sums to 1), log_likelihood of the final
     * model, lazy.
     */
    Dataset<Row> posteriors(VoteBlocks votes) {
      return Em.posteriors(
          votes, method.pass(model, votes.annotators()), images, method.imageParameters());
    }

    /** Releases the images' cached parameters. */
    @Override
    public void close() {
      if (images != null) {
        images.unpersist(false);
      }
    }
  }

  /**
   * A pass's M-step: the new model, from the statistics of the pass, which the model it started
   * from made (the vote fractions for the first).
   */
  record Step<M>(M model, Statistics statistics, boolean first) {
    /** The log-likelihood of the model the pass was made with; null for the vote fractions. */
    Double logLikelihood() {
      return first ? null : statistics.logLikelihood;
    }

    long votes() {
      return statistics.votes;
    }
  }

  /**
   * EM from the vote fractions until the log-likelihood changes by less than the tolerance per
   * vote, or the iteration cap. Up to {@link #ONE_TASK_VOTES} votes a method without image
   * parameters runs the whole loop in one task on the votes merged into one block; otherwise each
   * iteration is one Spark job over all blocks.
   */
  public static Fit<?> fit(VoteBlocks votes, AggregationMethod method, EmSettings settings) {
    return fit(votes, TruthInferences.of(method), settings, ONE_TASK_VOTES);
  }

  static <M extends Serializable> Fit<M> fit(
      VoteBlocks votes, TruthInference<M> method, EmSettings settings, long oneTaskVotes) {
    List<String> annotators = votes.annotators();
    int classes = votes.classes();
    if (votes.votes() <= oneTaskVotes && method.imageParameters() == 0) {
      Loop.Result<M> result =
          votes.inOneTask(
              block ->
                  new Loop<>(
                          method,
                          annotators,
                          classes,
                          new BlockPasses(block, annotators, classes, 0))
                      .run(settings));
      return result.fit(method, null);
    }
    SparkPasses passes = new SparkPasses(votes, method.imageParameters());
    return new Loop<>(method, annotators, classes, passes).run(settings).fit(method, passes.images);
  }

  /**
   * The fit on one block of votes held here, every pass arithmetic on it and no Spark job: for
   * inputs small enough that the driver reads them itself. Image parameters are kept in {@code
   * passes} between passes.
   */
  static <M extends Serializable> Fit<M> fitInMemory(
      BlockPasses passes, TruthInference<M> method, EmSettings settings) {
    return new Loop<>(method, passes.annotators, passes.classes, passes)
        .run(settings)
        .fit(method, null);
  }

  /** The M-step from the vote fractions: EM's starting model (no log-likelihood yet). */
  static <M extends Serializable> Step<M> start(
      VoteBlocks votes, TruthInference<M> method, EmSettings settings) {
    return loop(votes, method).start(settings);
  }

  /**
   * One iteration without image parameters: the E-step with {@code model}, then the M-step from its
   * posteriors.
   */
  static <M extends Serializable> Step<M> step(
      VoteBlocks votes, TruthInference<M> method, M model, EmSettings settings) {
    return loop(votes, method).step(model, settings);
  }

  private static <M extends Serializable> Loop<M> loop(VoteBlocks votes, TruthInference<M> method) {
    if (method.imageParameters() > 0) {
      throw new IllegalArgumentException(
          method.method().configName() + " keeps image parameters: use fit");
    }
    return new Loop<>(method, votes.annotators(), votes.classes(), votes::statistics);
  }

  /**
   * The E-step of a model without image parameters: image_id, counts, posterior, log_likelihood;
   * lazy.
   */
  static <M extends Serializable> Dataset<Row> posteriors(
      VoteBlocks votes, TruthInference<M> method, M model) {
    return posteriors(votes, method.pass(model, votes.annotators()), null, 0);
  }

  private static Dataset<Row> posteriors(
      VoteBlocks votes, Posteriors posteriors, JavaRDD<VoteBlocks.BlockPass> images, int width) {
    return votes
        .spark()
        .createDataFrame(votes.posteriorRows(posteriors, images, width), POSTERIORS);
  }

  /** Each class's share of a pass's posterior totals. */
  private static double[] shares(Statistics statistics) {
    double[] shares = statistics.posteriorTotals.clone();
    for (int c = 0; c < shares.length; c++) {
      shares[c] /= Math.max(1, statistics.images);
    }
    return shares;
  }

  /** The vote fractions as posteriors, gathering no statistics of their own. */
  static ImageModel voteFractions(int classes) {
    return new VoteFractions(classes);
  }

  /** One pass over all votes: the statistics of the posteriors it is given. */
  private interface Passes {
    Statistics pass(Posteriors posteriors, ImageModel model, int methodStatistics);
  }

  /**
   * Passes over one block in memory (in one task, or on the driver); a method's image parameters
   * stay in {@link #image} from pass to pass, each image's updated in place as the pass reaches it.
   */
  static final class BlockPasses implements Passes {
    private final VoteBlocks.Block block;
    private final List<String> annotators;
    private final int classes;
    private final int width;
    private final double[] image;

    BlockPasses(VoteBlocks.Block block, List<String> annotators, int classes, int width) {
      this.block = block;
      this.annotators = annotators;
      this.classes = classes;
      this.width = width;
      this.image = new double[block.images().length * width];
    }

    @Override
    public Statistics pass(Posteriors posteriors, ImageModel model, int methodStatistics) {
      return block.addTo(
          new Statistics(annotators.size(), classes, methodStatistics),
          posteriors,
          model,
          image,
          width);
    }

    /** Every image's label row under {@code model}, with the image parameters of the last pass. */
    Iterator<VoteBlocks.ImageLabel> labelRows(ImageModel model, ClassList classes) {
      return block.labelRows(model, image, width, classes);
    }
  }

  /**
   * Passes as Spark jobs over the blocks; for a method with image parameters each pass reads the
   * previous one's cached parameters and caches its own.
   */
  private static final class SparkPasses implements Passes {
    private final VoteBlocks votes;
    private final int width;
    private JavaRDD<VoteBlocks.BlockPass> images;

    SparkPasses(VoteBlocks votes, int width) {
      this.votes = votes;
      this.width = width;
    }

    @Override
    public Statistics pass(Posteriors posteriors, ImageModel model, int methodStatistics) {
      if (width == 0) {
        return votes.statistics(posteriors, model, methodStatistics);
      }
      VoteBlocks.ImagePass pass =
          votes.statistics(posteriors, model, methodStatistics, images, width);
      if (images != null) {
        images.unpersist(false);
      }
      images = pass.images();
      return pass.statistics();
    }
  }

  /**
   * The EM loop over one way of making a pass: Spark jobs, or arithmetic on the one block a task
   * holds.
   */
  private record Loop<M extends Serializable>(
      TruthInference<M> method, List<String> annotators, int classes, Passes passes) {

    /** What the loop found; small (the model), so a task can return it. */
    record Result<M extends Serializable>(
        M model,
        Statistics last,
        List<Double> logLikelihoods,
        boolean converged,
        double secondsPerIteration,
        double firstPassSeconds,
        double[] voteShares)
        implements Serializable {
      Fit<M> fit(TruthInference<M> method, JavaRDD<VoteBlocks.BlockPass> images) {
        return new Fit<>(
            method,
            model,
            last,
            logLikelihoods,
            converged,
            secondsPerIteration,
            firstPassSeconds,
            voteShares,
            images);
      }
    }

    Result<M> run(EmSettings settings) {
      String name = method.method().configName();
      long firstPass = System.nanoTime();
      Step<M> step = start(settings);
      double firstPassSeconds = (System.nanoTime() - firstPass) / 1e9;
      double[] voteShares = shares(step.statistics());
      List<Double> logLikelihoods = new ArrayList<>();
      boolean converged = !method.iterates();
      long started = System.nanoTime();
      while (!converged && logLikelihoods.size() < settings.maxIterations()) {
        long iterationStarted = System.nanoTime();
        step = step(step.model(), settings);
        double logLikelihood = step.logLikelihood();
        double change =
            logLikelihoods.isEmpty()
                ? Double.NaN
                : (logLikelihood - logLikelihoods.get(logLikelihoods.size() - 1))
                    / Math.max(1, step.votes());
        logLikelihoods.add(logLikelihood);
        converged = Math.abs(change) < settings.tolerance();
        LOG.info(
            String.format(
                Locale.ROOT,
                "%s: iteration %d: log-likelihood %.6e (%s), %.3f s",
                name,
                logLikelihoods.size(),
                logLikelihood,
                Double.isNaN(change)
                    ? "the first: no change to measure"
                    : String.format(Locale.ROOT, "%+.3e per vote", change),
                (System.nanoTime() - iterationStarted) / 1e9));
      }
      double perIteration =
          logLikelihoods.isEmpty()
              ? 0.0
              : (System.nanoTime() - started) / 1e9 / logLikelihoods.size();
      if (!converged) {
        LOG.warn(
            "{}: not converged after {} iterations (softlabels.aggregate.em.max-iterations); using the last "
                + "estimate",
            name,
            logLikelihoods.size());
      }
      return new Result<>(
          step.model(),
          step.statistics(),
          List.copyOf(logLikelihoods),
          converged,
          perIteration,
          firstPassSeconds,
          voteShares);
    }

    Step<M> start(EmSettings settings) {
      M start = method.start(annotators.size(), classes);
      Statistics statistics =
          passes.pass(
              voteFractions(classes),
              method.pass(start, annotators),
              method.statisticsLength(annotators.size(), classes));
      return new Step<>(method.estimate(start, statistics, settings), statistics, true);
    }

    Step<M> step(M model, EmSettings settings) {
      ImageModel pass = method.pass(model, annotators);
      Statistics statistics =
          passes.pass(pass, pass, method.statisticsLength(annotators.size(), classes));
      return new Step<>(method.estimate(model, statistics, settings), statistics, false);
    }
  }

  /** The vote fractions as posteriors. */
  private record VoteFractions(int classes) implements ImageModel {
    @Override
    public double posterior(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] image,
        int at,
        double[] posterior) {
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

    @Override
    public void accumulate(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] posterior,
        double[] image,
        int at,
        double[] statistics) {}
  }
}
