package dev.softlabels.bench;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.AggregateSummary;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.synthetic.AnnotateJob;
import dev.softlabels.synthetic.AnnotateSettings;
import dev.softlabels.synthetic.SyntheticClasses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Crowds of known kinds voting on images with a known truth, each crowd's votes aggregated with
 * every aggregation method: how often each method's hard label is the true class, and how long it
 * took.
 */
final class CrowdStudy {

  private static final String TRUE_LABEL = "true_label";
  private static final String CORRECT = "correct";

  private CrowdStudy() {}

  /** Two classes, the second the minority: the imbalanced crowds' truth. */
  public static final ClassList BINARY = new ClassList(List.of("negative", "positive"));

  /**
   * The imbalanced crowds' truth: image i is positive when i mod 25 is below 3, 12 % of the images.
   */
  static final int POSITIVES_PER_25 = 3;

  /** The sparse crowd's pool is as large as gives each annotator about this many labels. */
  static final int SPARSE_LABELS_PER_ANNOTATOR = 30;

  /**
   * The kinds of crowd, as softlabels.annotate settings: reliable annotators flip with a rate drawn
   * from [minFlipRate, maxFlipRate], uniformly over the other classes, and miss (report the
   * negative class for a positive image) with a rate drawn from [minMissRate, maxMissRate]; images
   * draw their difficulty from [minDifficulty, maxDifficulty]. The balanced crowds vote on the six
   * synthetic classes, image i of class i mod 6; the imbalanced ones on {@link #BINARY}, 12 %
   * positives.
   */
  public enum Crowd {
    /** Spammers beside reliable annotators: what a method gains by telling them apart. */
    SPAMMERS(false, 0.1, 0.4, 0.0, 0.0, 0.0, 0.0),
    /** Widely varying annotators on images that are hard for all of them. */
    DIFFICULTY(false, 0.0, 0.5, 0.0, 0.8, 0.0, 0.0),
    /**
     * The one-coin Dawid–Skene model: each annotator's one accuracy, errors uniform over the other
     * classes.
     */
    ONE_COIN(false, 0.0, 0.6, 0.0, 0.0, 0.0, 0.0),
    /** 12 % positives, errors the same both ways: what a learned class prior is for. */
    IMBALANCED(true, 0.05, 0.3, 0.0, 0.0, 0.0, 0.0),
    /**
     * 12 % positives and one-sided errors, like the real entity-resolution crowds: annotators miss
     * positives far more often than they invent them.
     */
    ONE_SIDED(true, 0.0, 0.1, 0.0, 0.0, 0.2, 0.6),
    /** A quarter of the pool always swaps one pair of classes (adversarial), the rest reliable. */
    ADVERSARIAL(false, 0.05, 0.3, 0.0, 0.0, 0.0, 0.0),
    /**
     * A large pool, each annotator giving about 30 labels: little to estimate each one's parameters
     * from.
     */
    SPARSE(false, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0);

    private static final double ADVERSARIAL_SHARE = 0.25;

    /** Whether the crowd votes on {@link #BINARY} with 12 % positives. */
    private final boolean imbalanced;

    private final double minFlipRate;
    private final double maxFlipRate;
    private final double minDifficulty;
    private final double maxDifficulty;
    private final double minMissRate;
    private final double maxMissRate;

    Crowd(
        boolean imbalanced,
        double minFlipRate,
        double maxFlipRate,
        double minDifficulty,
        double maxDifficulty,
        double minMissRate,
        double maxMissRate) {
      this.imbalanced = imbalanced;
      this.minFlipRate = minFlipRate;
      this.maxFlipRate = maxFlipRate;
      this.minDifficulty = minDifficulty;
      this.maxDifficulty = maxDifficulty;
      this.minMissRate = minMissRate;
      this.maxMissRate = maxMissRate;
    }

    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean imbalanced() {
      return imbalanced;
    }

    public ClassList classes() {
      return imbalanced ? BINARY : SyntheticClasses.CLASSES;
    }

    /**
     * The pool: the options' own, or for the sparse crowd one that gives each annotator about 30
     * labels.
     */
    int pool(Options options) {
      return this == SPARSE
          ? Math.max(
              options.pool(), options.images() * options.votes() / SPARSE_LABELS_PER_ANNOTATOR)
          : options.pool();
    }

    /** The crowd in words, for the benchmark's header. */
    public String description(Options options) {
      String reliable =
          String.format(
              Locale.ROOT, "reliable with flip rates [%.2f, %.2f]", minFlipRate, maxFlipRate);
      if (maxMissRate > 0) {
        reliable +=
            String.format(Locale.ROOT, " and miss rates [%.2f, %.2f]", minMissRate, maxMissRate);
      }
      String who =
          switch (this) {
            case SPAMMERS ->
                String.format(
                    Locale.ROOT,
                    "%.0f %% spammers (uniform answers), the rest %s",
                    100 * options.spammerShare(),
                    reliable);
            case ADVERSARIAL ->
                String.format(
                    Locale.ROOT,
                    "%.0f %% always swap a pair of classes, the rest %s",
                    100 * ADVERSARIAL_SHARE,
                    reliable);
            case SPARSE ->
                String.format(
                    Locale.ROOT,
                    "a pool of %d (about %d labels each), %s",
                    pool(options),
                    (long) options.images() * options.votes() / pool(options),
                    reliable);
            default -> reliable;
          };
      if (imbalanced) {
        who =
            String.format(Locale.ROOT, "%.0f %% positives; %s", 100.0 * POSITIVES_PER_25 / 25, who);
      }
      return maxDifficulty == 0
          ? who
          : String.format(
              Locale.ROOT,
              "%s; images of difficulty [%.2f, %.2f]",
              who,
              minDifficulty,
              maxDifficulty);
    }

    /**
     * The crowd voting on {@code truth} into {@code votes}: exactly the options' votes per image,
     * swappers always swap.
     */
    private AnnotateSettings annotateSettings(Options options, String truth, String votes) {
      return new AnnotateSettings(
          truth,
          votes,
          true,
          options.seed(),
          options.votes(),
          true,
          pool(options),
          minFlipRate,
          maxFlipRate,
          this == SPAMMERS ? options.spammerShare() : 0.0,
          this == ADVERSARIAL ? ADVERSARIAL_SHARE : 0.0,
          1.0,
          minDifficulty,
          maxDifficulty,
          minMissRate,
          maxMissRate,
          classes());
    }
  }

  /**
   * How big the crowds are.
   *
   * @param votes votes per image, each from a distinct annotator of the pool
   * @param spammerShare the share of spammers in the pool of the spammers crowd
   * @param workDir where the truth, each crowd's votes and each method's labels are written
   * @param warmTimes time each method's second run on the first crowd (its first run in a JVM also
   *     loads and compiles its code); without, each method runs once per crowd
   */
  public record Options(
      int images,
      int votes,
      int pool,
      double spammerShare,
      long seed,
      String workDir,
      boolean warmTimes) {}

  /**
   * One method on one crowd: the share of images whose hard label is the true class, on an
   * imbalanced crowd the share of its positives labelled positive (NaN on the others), and the
   * job's seconds.
   */
  public record Result(
      Crowd crowd,
      AggregationMethod method,
      double accuracy,
      double positivesFound,
      double seconds) {}

  /** Every crowd with every method, crowds in their order, methods in theirs within each crowd. */
  public record Results(Options options, List<Result> all) {

    public Result of(Crowd crowd, AggregationMethod method) {
      return all.stream()
          .filter(r -> r.crowd() == crowd && r.method() == method)
          .findFirst()
          .orElseThrow();
    }
  }

  /**
   * Draws each crowd's truth and votes and aggregates them with every method; the annotators are
   * the crowd's alone, the aggregate jobs read the user's source and EM settings from {@code
   * config} with the study's classes, paths and methods.
   */
  public static Results run(SparkSession spark, Config config, Options options) {
    List<Result> all = new ArrayList<>();
    for (Crowd crowd : Crowd.values()) {
      String crowdDir = HadoopPaths.child(options.workDir(), crowd.configName());
      String truth = HadoopPaths.child(crowdDir, "truth");
      writeTruth(spark, options.images(), crowd, truth);
      String votes = HadoopPaths.child(crowdDir, "votes");
      AnnotateJob.run(spark, crowd.annotateSettings(options, truth, votes));
      for (AggregationMethod method : AggregationMethod.values()) {
        String labels = HadoopPaths.child(crowdDir, method.configName());
        AggregateSummary summary =
            aggregate(
                spark,
                config,
                crowd,
                method,
                HadoopPaths.child(votes, AnnotateJob.ANNOTATIONS),
                labels);
        if (options.warmTimes() && crowd.ordinal() == 0) {
          summary =
              aggregate(
                  spark,
                  config,
                  crowd,
                  method,
                  HadoopPaths.child(votes, AnnotateJob.ANNOTATIONS),
                  labels);
        }
        Dataset<Row> scored = scored(spark, truth, labels);
        double positivesFound = crowd.imbalanced() ? positivesFound(scored) : Double.NaN;
        all.add(
            new Result(
                crowd,
                method,
                (double) scored.filter(col(CORRECT)).count() / options.images(),
                positivesFound,
                summary.seconds()));
      }
    }
    return new Results(options, all);
  }

  /**
   * The truth: on a balanced crowd image i is of class i mod 6, on an imbalanced one positive when
   * i mod 25 is below 3; all its mass on that class, so every vote can be checked against it.
   */
  private static void writeTruth(SparkSession spark, int images, Crowd crowd, String path) {
    int k = crowd.classes().size();
    Column label =
        crowd.imbalanced()
            ? when(pmod(col("id"), lit(25)).lt(POSITIVES_PER_25), lit(1)).otherwise(lit(0))
            : pmod(col("id"), lit(k));
    spark
        .range(images)
        .select(
            format_string("img-%05d", col("id")).as(LabelColumns.IMAGE),
            label.cast(DataTypes.IntegerType).as(LabelColumns.HARD_LABEL))
        .withColumn(LabelColumns.SOFT_LABEL, LabelColumns.oneHot(col(LabelColumns.HARD_LABEL), k))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(path);
  }

  /** The crowd's classes are given, so no job infers them. */
  private static AggregateSummary aggregate(
      SparkSession spark,
      Config config,
      Crowd crowd,
      AggregationMethod method,
      String input,
      String output) {
    AnnotationSource source = AnnotationSource.from(config).withClasses(crowd.classes());
    return AggregateJob.run(
        spark, AggregateSettings.majority(config, source, input, output).withMethod(method));
  }

  /**
   * Each truth image's true label and whether its aggregated hard label matches it (a missing image
   * is wrong); lazy.
   */
  private static Dataset<Row> scored(SparkSession spark, String truth, String labels) {
    Dataset<Row> hardLabels =
        spark
            .read()
            .parquet(HadoopPaths.child(labels, AggregateJob.LABELS))
            .select(col(LabelColumns.IMAGE), col(LabelColumns.HARD_LABEL));
    return spark
        .read()
        .parquet(truth)
        .select(col(LabelColumns.IMAGE), col(LabelColumns.HARD_LABEL).as(TRUE_LABEL))
        .join(hardLabels, LabelColumns.IMAGE, "left")
        .select(
            col(TRUE_LABEL),
            coalesce(col(LabelColumns.HARD_LABEL).equalTo(col(TRUE_LABEL)), lit(false))
                .as(CORRECT));
  }

  /** The share of the truth's positives whose hard label is positive. */
  private static double positivesFound(Dataset<Row> scored) {
    Row found =
        scored
            .filter(col(TRUE_LABEL).equalTo(1))
            .agg(count(lit(1)), sum(when(col(CORRECT), 1).otherwise(0)))
            .first();
    return found.getLong(0) == 0 ? Double.NaN : (double) found.getLong(1) / found.getLong(0);
  }
}
