package dev.softlabels.annotations;

import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.CLASS_INDEX;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;

import dev.softlabels.spark.Observations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dawid–Skene (1979) expectation maximisation over annotation rows, as Spark aggregations. The votes
 * (image_id, annotator_id, class_index) should be cached and partitioned by image, so that the E-step's
 * group-by-image and the M-step's join of votes with posteriors need no shuffle; the only shuffle per
 * iteration is the M-step's group-by (annotator, reported class), whose partial aggregation leaves at most
 * annotators × k rows per partition. The driver holds only the {@link DawidSkeneModel} (k × k per annotator).
 *
 * <p>Each iteration is one Spark job: E-step with the current model (posteriors and the log-likelihood
 * of the model, observed on the way), then the M-step from those posteriors.
 */
public final class DawidSkene {

  public static final String POSTERIOR = "posterior";
  public static final String LOG_LIKELIHOOD = "log_likelihood";
  private static final String LOG_COLUMN = "log_column";
  private static final String EVIDENCE = "evidence";
  private static final String MASS = "mass";
  private static final String LABELS = "labels";
  private static final String IMAGES = "images";
  private static final Logger LOG = LoggerFactory.getLogger(DawidSkene.class);

  private DawidSkene() {}

  /**
   * What a fit found.
   *
   * @param posteriors image_id, posterior (array&lt;double&gt;, sums to 1), log_likelihood: the E-step of
   *     the final model, not yet computed
   * @param logLikelihoods the log-likelihood of the model entering each iteration, in order
   * @param converged whether the change fell below the tolerance before the iteration cap
   */
  public record Fit(Dataset<Row> posteriors, DawidSkeneModel model, List<Double> logLikelihoods, boolean converged,
      double secondsPerIteration) {
    public int iterations() {
      return logLikelihoods.size();
    }
  }

  /** The M-step's result: the new model, and the log-likelihood of the model whose posteriors it used. */
  record Step(DawidSkeneModel model, Double logLikelihood, long votes) {}

  /**
   * EM from initial posteriors (image_id, posterior; usually the vote fractions) until the log-likelihood
   * changes by less than the tolerance per vote, or the iteration cap.
   */
  public static Fit fit(Dataset<Row> votes, Dataset<Row> initial, int classes, DawidSkeneSettings settings) {
    Step step = mStep(votes, initial.withColumn(LOG_LIKELIHOOD, lit(null).cast(DataTypes.DoubleType)), classes,
        settings.smoothing());
    long votesCount = step.votes();
    List<Double> logLikelihoods = new ArrayList<>();
    boolean converged = false;
    long started = System.nanoTime();
    while (!converged && logLikelihoods.size() < settings.maxIterations()) {
      long iterationStarted = System.nanoTime();
      step = mStep(votes, eStep(votes, step.model()), classes, settings.smoothing());
      double logLikelihood = step.logLikelihood();
      double change = logLikelihoods.isEmpty() ? Double.NaN
          : (logLikelihood - logLikelihoods.get(logLikelihoods.size() - 1)) / Math.max(1, votesCount);
      logLikelihoods.add(logLikelihood);
      converged = Math.abs(change) < settings.tolerance();
      LOG.info(String.format(Locale.ROOT,
          "dawid-skene: iteration %d: log-likelihood %.6e (%+.3e per vote), %.1f s", logLikelihoods.size(),
          logLikelihood, change, (System.nanoTime() - iterationStarted) / 1e9));
    }
    double perIteration = (System.nanoTime() - started) / 1e9 / logLikelihoods.size();
    if (!converged) {
      LOG.warn("dawid-skene: not converged after {} iterations (softlabels.aggregate.dawid-skene.max-iterations); "
          + "using the last estimate", logLikelihoods.size());
    }
    return new Fit(eStep(votes, step.model()), step.model(), List.copyOf(logLikelihoods), converged, perIteration);
  }

  /**
   * The E-step: per image, log P(true class c) + the sum over its votes (a, j) of log confusion_a[c][j],
   * normalised to the posterior; the log of the normaliser is the image's log-likelihood.
   */
  static Dataset<Row> eStep(Dataset<Row> votes, DawidSkeneModel model) {
    int k = model.classes();
    List<Row> columns = new ArrayList<>();
    model.annotators().keySet().forEach(annotator -> IntStream.range(0, k).forEach(j -> columns.add(
        RowFactory.create(annotator, j, Arrays.stream(model.logColumn(annotator, j)).boxed().toArray(Double[]::new)))));
    StructType schema = new StructType()
        .add(ANNOTATOR, DataTypes.StringType, false)
        .add(CLASS_INDEX, DataTypes.IntegerType, false)
        .add(LOG_COLUMN, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    Dataset<Row> logColumns = votes.sparkSession().createDataFrame(columns, schema);

    Column logPrior = array(Arrays.stream(model.logPrior()).mapToObj(p -> lit(p)).toArray(Column[]::new));
    Column logits = transform(col(EVIDENCE), (x, c) -> x.plus(element_at(logPrior, c.plus(1))));
    Column max = array_max(col("logits"));
    Column unnormalised = transform(col("logits"), x -> exp(x.minus(max)));
    Column normaliser = aggregate(col("unnormalised"), lit(0.0), (acc, x) -> acc.plus(x));
    return votes.join(broadcast(logColumns), new String[] {ANNOTATOR, CLASS_INDEX})
        .groupBy(col(IMAGE))
        .agg(perClassSums(col(LOG_COLUMN), k).as(EVIDENCE))
        .withColumn("logits", logits)
        .withColumn("unnormalised", unnormalised)
        .select(col(IMAGE),
            transform(col("unnormalised"), x -> x.divide(normaliser)).as(POSTERIOR),
            max.plus(log(normaliser)).as(LOG_LIKELIHOOD));
  }

  /**
   * The M-step: posterior mass per (annotator, reported class) and the posterior totals per class, then
   * {@link DawidSkeneModel#estimate}. One job; the totals are observed on the posteriors' way into the join.
   */
  static Step mStep(Dataset<Row> votes, Dataset<Row> posteriors, int classes, double smoothing) {
    Observation totals = new Observation("dawid-skene-totals");
    // One column per class: observed values come back as a plain map, and scalars keep it free of Scala types.
    Column[] totalColumns = IntStream.range(0, classes)
        .mapToObj(c -> sum(element_at(col(POSTERIOR), c + 1)).as(POSTERIOR + "_" + c)).toArray(Column[]::new);
    Dataset<Row> observed = posteriors.observe(totals, count(lit(1)).as(IMAGES),
        append(totalColumns, sum(col(LOG_LIKELIHOOD)).as(LOG_LIKELIHOOD)));
    List<DawidSkeneModel.Mass> masses = new ArrayList<>();
    long votesCount = 0;
    // Both sides are partitioned by image: a hash join per partition, no shuffle and no sort of the votes.
    for (Row row : votes.join(observed.hint("shuffle_hash"), IMAGE)
        .groupBy(col(ANNOTATOR), col(CLASS_INDEX))
        .agg(perClassSums(col(POSTERIOR), classes).as(MASS), count(lit(1)).as(LABELS))
        .collectAsList()) {
      masses.add(new DawidSkeneModel.Mass(row.getString(0), row.getInt(1), doubles(row.getList(2)), row.getLong(3)));
      votesCount += row.getLong(3);
    }
    Map<String, Object> observedTotals = Observations.values(totals, "the posterior totals");
    double[] posteriorTotals = IntStream.range(0, classes)
        .mapToDouble(c -> (Double) observedTotals.get(POSTERIOR + "_" + c)).toArray();
    DawidSkeneModel model = DawidSkeneModel.estimate(posteriorTotals, (Long) observedTotals.get(IMAGES), masses,
        smoothing);
    return new Step(model, (Double) observedTotals.get(LOG_LIKELIHOOD), votesCount);
  }

  private static Column[] append(Column[] columns, Column last) {
    Column[] all = Arrays.copyOf(columns, columns.length + 1);
    all[columns.length] = last;
    return all;
  }

  /** The element-wise sum of a k-array column over a group, as an array column. */
  private static Column perClassSums(Column values, int classes) {
    return array(IntStream.range(0, classes).mapToObj(c -> sum(element_at(values, c + 1))).toArray(Column[]::new));
  }

  private static double[] doubles(List<?> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }
}
