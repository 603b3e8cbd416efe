package dev.softlabels.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AggregateJob;
import dev.softlabels.annotations.AggregateSettings;
import dev.softlabels.annotations.AggregateSummary;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.synthetic.AnnotateJob;
import dev.softlabels.synthetic.AnnotateSettings;
import dev.softlabels.synthetic.SyntheticClasses;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Crowds of known kinds voting on images with a known truth, each crowd's votes aggregated with every
 * aggregation method: how often each method's hard label is the true class, and how long it took.
 */
public final class CrowdStudy {

  private static final String TRUE_LABEL = "true_label";

  private CrowdStudy() {}

  /**
   * The kinds of crowd, as softlabels.annotate settings: reliable annotators flip with a rate drawn from
   * [minFlipRate, maxFlipRate], uniformly over the other classes; images draw their difficulty from
   * [minDifficulty, maxDifficulty].
   */
  public enum Crowd {
    /** Spammers beside reliable annotators: what a method gains by telling them apart. */
    SPAMMERS(true, 0.1, 0.4, 0.0, 0.0),
    /** Widely varying annotators on images that are hard for all of them. */
    DIFFICULTY(false, 0.0, 0.5, 0.0, 0.8),
    /** The one-coin Dawid–Skene model: each annotator's one accuracy, errors uniform over the other classes. */
    ONE_COIN(false, 0.0, 0.6, 0.0, 0.0);

    /** Whether the options' spammer share of the pool answers uniformly at random. */
    private final boolean spammers;
    private final double minFlipRate;
    private final double maxFlipRate;
    private final double minDifficulty;
    private final double maxDifficulty;

    Crowd(boolean spammers, double minFlipRate, double maxFlipRate, double minDifficulty, double maxDifficulty) {
      this.spammers = spammers;
      this.minFlipRate = minFlipRate;
      this.maxFlipRate = maxFlipRate;
      this.minDifficulty = minDifficulty;
      this.maxDifficulty = maxDifficulty;
    }

    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The crowd in words, for the benchmark's header. */
    public String description(Options options) {
      String reliable = String.format(Locale.ROOT, "reliable with flip rates [%.2f, %.2f]", minFlipRate, maxFlipRate);
      String who = spammers
          ? String.format(Locale.ROOT, "%.0f %% spammers (uniform answers), the rest %s", 100 * options.spammerShare(),
              reliable)
          : reliable;
      return maxDifficulty == 0 ? who
          : String.format(Locale.ROOT, "%s; images of difficulty [%.2f, %.2f]", who, minDifficulty, maxDifficulty);
    }

    private Map<String, Object> annotateSettings(Options options) {
      return Map.of(
          "softlabels.annotate.pool", options.pool(),
          "softlabels.annotate.votes-per-image", options.votes(),
          "softlabels.annotate.votes-distribution", "fixed",
          "softlabels.annotate.seed", options.seed(),
          "softlabels.annotate.flip-rate", List.of(minFlipRate, maxFlipRate),
          "softlabels.annotate.spammer-share", spammers ? options.spammerShare() : 0.0,
          "softlabels.annotate.swapper-share", 0.0,
          "softlabels.annotate.image-difficulty", List.of(minDifficulty, maxDifficulty));
    }
  }

  /**
   * How big the crowds are.
   *
   * @param votes votes per image, each from a distinct annotator of the pool
   * @param spammerShare the share of spammers in the pool of the spammers crowd
   * @param workDir where the truth, each crowd's votes and each method's labels are written
   */
  public record Options(int images, int votes, int pool, double spammerShare, long seed, String workDir) {}

  /** One method on one crowd: the share of images whose hard label is the true class, and the job's seconds. */
  public record Result(Crowd crowd, AggregationMethod method, double accuracy, double seconds) {}

  /** Every crowd with every method, crowds in their order, methods in theirs within each crowd. */
  public record Results(Options options, List<Result> all) {

    public Result of(Crowd crowd, AggregationMethod method) {
      return all.stream().filter(r -> r.crowd() == crowd && r.method() == method).findFirst().orElseThrow();
    }
  }

  /**
   * Draws every crowd's votes on the same images and aggregates them with every method; keys the user set
   * in {@code config} (the EM fits', Spark's) apply, the study's own (crowd, classes, paths) win.
   */
  public static Results run(SparkSession spark, Config config, Options options) {
    String truth = HadoopPaths.child(options.workDir(), "truth");
    writeTruth(spark, options.images(), truth);
    List<Result> all = new ArrayList<>();
    for (Crowd crowd : Crowd.values()) {
      String crowdDir = HadoopPaths.child(options.workDir(), crowd.configName());
      String votes = HadoopPaths.child(crowdDir, "votes");
      Map<String, Object> annotate = new HashMap<>(crowd.annotateSettings(options));
      annotate.put("softlabels.annotate.input", truth);
      annotate.put("softlabels.annotate.output", votes);
      annotate.put("softlabels.annotate.overwrite", true);
      AnnotateJob.run(spark, AnnotateSettings.from(studyConfig(config, annotate)));
      for (AggregationMethod method : AggregationMethod.values()) {
        String labels = HadoopPaths.child(crowdDir, method.configName());
        AggregateSummary summary = aggregate(spark, config, method, HadoopPaths.child(votes, AnnotateJob.ANNOTATIONS),
            labels);
        // A method's first run in a JVM also loads and compiles its code: the first crowd times its second run.
        if (crowd.ordinal() == 0) {
          summary = aggregate(spark, config, method, HadoopPaths.child(votes, AnnotateJob.ANNOTATIONS), labels);
        }
        all.add(new Result(crowd, method, accuracy(spark, truth, labels, options.images()), summary.seconds()));
      }
    }
    return new Results(options, all);
  }

  /** Image i is of class i mod k, with all its mass there: a truth every vote can be checked against. */
  private static void writeTruth(SparkSession spark, int images, String path) {
    int k = SyntheticClasses.CLASSES.size();
    spark.range(images)
        .select(format_string("img-%05d", col("id")).as(LabelColumns.IMAGE),
            pmod(col("id"), lit(k)).cast(DataTypes.IntegerType).as(LabelColumns.HARD_LABEL))
        .withColumn(LabelColumns.SOFT_LABEL, LabelColumns.oneHot(col(LabelColumns.HARD_LABEL), k))
        .write().mode(SaveMode.Overwrite).parquet(path);
  }

  private static AggregateSummary aggregate(SparkSession spark, Config config, AggregationMethod method, String input,
      String output) {
    return AggregateJob.run(spark, AggregateSettings.from(studyConfig(config, Map.of(
        "softlabels.aggregate.input", input,
        "softlabels.aggregate.output", output,
        "softlabels.aggregate.overwrite", true,
        "softlabels.aggregate.method", method.configName()))));
  }

  /** The study's values over the user's, with the synthetic classes given so no job infers them. */
  private static Config studyConfig(Config config, Map<String, Object> values) {
    Map<String, Object> all = new HashMap<>(values);
    all.put("softlabels.classes", SyntheticClasses.CLASSES.names());
    return ConfigLoader.withValues(config, all);
  }

  /** The share of the truth's images whose aggregated hard label is their true class (a missing image is wrong). */
  private static double accuracy(SparkSession spark, String truth, String labels, int images) {
    Dataset<Row> truthLabels = spark.read().parquet(truth)
        .select(col(LabelColumns.IMAGE), col(LabelColumns.HARD_LABEL).as(TRUE_LABEL));
    long correct = truthLabels
        .join(spark.read().parquet(HadoopPaths.child(labels, AggregateJob.LABELS)), LabelColumns.IMAGE)
        .filter(col(LabelColumns.HARD_LABEL).equalTo(col(TRUE_LABEL)))
        .count();
    return (double) correct / images;
  }
}
