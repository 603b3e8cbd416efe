package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.cli.ConfigOptions;
import dev.softlabels.cli.SoftLabels;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.spark.HadoopPaths;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures (speed targets live here, not in tests).",
    subcommands = {
      BenchCommand.Aggregate.class,
      BenchCommand.Scale.class,
      BenchCommand.Generate.class,
      BenchCommand.Train.class,
      BenchCommand.Evaluate.class,
      BenchCommand.Relabel.class,
      BenchCommand.Methods.class
    })
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** bin/softlabels bench ...: the arguments as the product's main takes them, "bench" first. */
  public static void main(String[] args) {
    SoftLabels.exit(commandLine(), args);
  }

  /** The softlabels command line with these benchmarks as its bench command. */
  public static CommandLine commandLine() {
    return SoftLabels.commandLine(new BenchCommand());
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "missing benchmark: choose one of aggregate, scale, generate, train, evaluate, relabel, methods");
  }

  /** What every benchmark takes: the configuration options and a scratch directory. */
  static final class Scratch {

    /** The benchmark command this is mixed into. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin ConfigOptions config;

    @Option(
        names = "--work",
        paramLabel = "DIR",
        defaultValue = "target/bench",
        description =
            "Scratch directory; generated inputs are kept and reused (default: ${DEFAULT-VALUE}).")
    String work;

    interface Task {
      void run(SparkSession spark, Config config) throws Exception;
    }

    int inSession(Task task) throws Exception {
      return ConfigOptions.run(
          spec,
          config.load(Map.of()),
          Function.identity(),
          (spark, effective, same) -> task.run(spark, effective));
    }
  }

  /** The generated annotation rows' share of duplicate votes (bench aggregate, bench scale). */
  static final class Duplicates {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
        names = "--duplicates",
        paramLabel = "SHARE",
        defaultValue = "0.0002",
        description =
            "Share of rows that repeat an annotator's vote on an image, in [0, 0.5) "
                + "(default: ${DEFAULT-VALUE}).")
    double share;

    /** The share, once checked. */
    double share() {
      if (share < 0 || share >= 0.5) {
        throw new ParameterException(spec.commandLine(), "--duplicates must be in [0, 0.5)");
      }
      return share;
    }
  }

  @Command(
      name = "aggregate",
      mixinStandardHelpOptions = true,
      description = {
        "Time the aggregate job against DuckDB.",
        "Generate N annotation rows (10 per image, string ids, a share of duplicate votes) as Parquet, time",
        "the aggregate job on them in this session (and on the same rows without duplicates, with a share",
        "above 0), and DuckDB (in-process) doing the same semantics and a plain group-by on the same files;",
        "then both as whole processes (bin/softlabels aggregate given DuckDB's class list with --classes),",
        "and small inputs with majority and Dawid-Skene. Prints the Spark session's start-up time, seconds,",
        "and the ratios."
      })
  static final class Aggregate implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin Scratch scratch;

    @Option(
        names = "--rows",
        paramLabel = "N",
        defaultValue = "10000000",
        description = "Annotation rows (default: ${DEFAULT-VALUE}).")
    long rows;

    @Mixin Duplicates duplicates;

    @Option(
        names = "--method",
        paramLabel = "METHOD",
        defaultValue = "majority",
        description =
            "majority, dawid-skene, one-coin, glad, mace or wawa for the N rows; DuckDB runs only for "
                + "majority (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(
        names = "--repeats",
        paramLabel = "K",
        defaultValue = "3",
        description = "Timed runs of each side (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
        names = "--small-rows",
        paramLabel = "N",
        split = ",",
        defaultValue = "10000,150000",
        description =
            "Small inputs timed with both methods; 0 skips them (default: ${DEFAULT-VALUE}).")
    List<Long> smallRows;

    @Option(
        names = "--no-processes",
        negatable = false,
        description =
            "Skip the whole-process timings (bin/softlabels aggregate and a DuckDB process).")
    boolean noProcesses;

    @Option(
        names = "--report",
        description =
            "Also run aggregate --report in turns with the plain runs and print what the "
                + "label-quality report adds to the job's time.")
    boolean report;

    @Override
    public Integer call() throws Exception {
      if (rows <= 0 || repeats <= 0) {
        throw new ParameterException(spec.commandLine(), "--rows and --repeats must be positive");
      }
      AggregateBenchmark.Options options =
          new AggregateBenchmark.Options(
              rows,
              duplicates.share(),
              AggregationMethod.parse(method, "--method"),
              repeats,
              scratch.work,
              smallRows.stream().filter(n -> n > 0).toList(),
              !noProcesses,
              report);
      return scratch.inSession(
          (spark, config) ->
              AggregateBenchmark.run(spark, config, options, spec.commandLine().getOut()));
    }
  }

  @Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      description = {
        "Time whole aggregate processes against DuckDB's at growing input sizes.",
        "For each size, generate (or reuse) bench aggregate's input of N rows, then run",
        "bin/softlabels aggregate and DuckDB's same-semantics peer as fresh processes in turns, both given",
        "the same class list (softlabels with --classes). Prints a table: wall seconds, microseconds per",
        "row, CPU seconds and peak memory (the process tree's peak resident set, read from /proc every",
        "100 ms) of each side, and their ratio; then the largest size's time per row and peak memory over",
        "the reference size's (--reference-rows), against 1.3x and 1.5x."
      })
  static final class Scale implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin Scratch scratch;

    @Option(
        names = "--rows",
        paramLabel = "N",
        split = ",",
        defaultValue = "1000000,10000000,40000000,100000000",
        description =
            "Input sizes in annotation rows, run in this order (default: ${DEFAULT-VALUE}).")
    List<Long> rows;

    @Mixin Duplicates duplicates;

    @Option(
        names = "--repeats",
        paramLabel = "K",
        defaultValue = "1",
        description =
            "Turns of the two processes per size; the table has their medians "
                + "(default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
        names = "--reference-rows",
        paramLabel = "N",
        defaultValue = "10000000",
        description =
            "The size the largest one's time per row and peak memory are set against "
                + "(default: ${DEFAULT-VALUE}).")
    long referenceRows;

    @Option(
        names = "--timeout",
        paramLabel = "MINUTES",
        defaultValue = "30",
        description =
            "Minutes one process may run before it is killed with its descendants "
                + "(default: ${DEFAULT-VALUE}).")
    long timeoutMinutes;

    @Override
    public Integer call() throws Exception {
      if (rows.isEmpty()
          || rows.stream().anyMatch(n -> n <= 0)
          || repeats <= 0
          || timeoutMinutes <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--rows, --repeats and --timeout must be positive");
      }
      ScaleBenchmark.Options options =
          new ScaleBenchmark.Options(
              rows,
              duplicates.share(),
              repeats,
              referenceRows,
              Duration.ofMinutes(timeoutMinutes),
              scratch.work);
      AggregateProcesses processes =
          AggregateProcesses.find(scratch.work, options.timeout())
              .orElseThrow(
                  () ->
                      new UserError(
                          "bench scale times bin/softlabels aggregate: run it through bin/softlabels"
                              + " (softlabels.home is not set)"));
      PrintWriter out = spec.commandLine().getOut();
      // The inputs first, in a session that is stopped before any process is timed.
      AtomicReference<ScaleBenchmark.Inputs> inputs = new AtomicReference<>();
      scratch.inSession(
          (spark, config) -> inputs.set(ScaleBenchmark.inputs(spark, config, options, out)));
      ScaleBenchmark.run(processes, inputs.get(), options, out);
      return 0;
    }
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Time synthetic image generation on one and two cores.",
        "Synthetic images per second on local[1] and local[2]: rendering + PNG encoding alone, and the",
        "whole generate job; prints images/s per core and the speed-up from one to two cores."
      })
  static final class Generate implements Callable<Integer> {

    @Mixin Scratch scratch;

    @Spec CommandSpec spec;

    @Option(
        names = "--images",
        paramLabel = "N",
        defaultValue = "20000",
        description = "Images per timed run (default: ${DEFAULT-VALUE}).")
    long images;

    @Option(
        names = "--size",
        paramLabel = "PX",
        defaultValue = "64",
        description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() {
      if (images <= 0) {
        throw new ParameterException(spec.commandLine(), "--images must be positive");
      }
      GenerateBenchmark.run(
          scratch.config.load(Map.of()), images, size, scratch.work, spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description = {
        "Time training: DL4J in one JVM, Spark parameter averaging and PyTorch.",
        "Training examples/s on the same minibatches of generated images, for a small reference CNN (conv",
        "16, max-pool, conv 64, global average pool, dense; Adam 2e-3) and the configured network, three",
        "ways: DL4J in one JVM, DL4J with Spark parameter averaging in this session (local[*]), and",
        "PyTorch (src/bench/python/torch_train.py; skipped with a message without Debian's python3-torch,",
        "or set SOFTLABELS_PYTHON). Prints the ratios. Settings from softlabels.train."
      })
  static final class Train implements Callable<Integer> {

    @Mixin Scratch scratch;

    @Spec CommandSpec spec;

    @Option(
        names = "--images",
        paramLabel = "N",
        defaultValue = "8000",
        description = "Training images (default: ${DEFAULT-VALUE}).")
    long images;

    @Option(
        names = "--size",
        paramLabel = "PX",
        defaultValue = "32",
        description = "Image side (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
        names = "--epochs",
        paramLabel = "E",
        defaultValue = "2",
        description =
            "Timed epochs of each side, after one warm-up epoch (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
        names = "--repeats",
        paramLabel = "R",
        defaultValue = "1",
        description =
            "Runs of each side, interleaved; the ratios use their medians (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws Exception {
      if (images <= 0 || epochs <= 0 || repeats <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--images, --epochs and --repeats must be positive");
      }
      return scratch.inSession(
          (spark, config) ->
              TrainBenchmark.run(
                  spark,
                  config,
                  images,
                  size,
                  epochs,
                  repeats,
                  scratch.work,
                  spec.commandLine().getOut()));
    }
  }

  @Command(
      name = "evaluate",
      mixinStandardHelpOptions = true,
      description = {
        "Time distributed inference and the metrics.",
        "Evaluation speed: distributed inference over N generated images (predictions/s) and the seconds",
        "to compute all metrics over R prediction rows."
      })
  static final class Evaluate implements Callable<Integer> {

    @Mixin Scratch scratch;

    @Spec CommandSpec spec;

    @Option(
        names = "--images",
        paramLabel = "N",
        defaultValue = "100000",
        description = "Images to score (default: ${DEFAULT-VALUE}).")
    long images;

    @Option(
        names = "--size",
        paramLabel = "PX",
        defaultValue = "32",
        description = "Image side (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
        names = "--rows",
        paramLabel = "R",
        defaultValue = "1000000",
        description = "Prediction rows for the metrics timing (default: ${DEFAULT-VALUE}).")
    long rows;

    @Override
    public Integer call() throws Exception {
      if (images <= 0 || rows <= 0) {
        throw new ParameterException(spec.commandLine(), "--images and --rows must be positive");
      }
      return scratch.inSession(
          (spark, config) ->
              EvaluateBenchmark.run(
                  spark, config, images, size, rows, scratch.work, spec.commandLine().getOut()));
    }
  }

  @Command(
      name = "relabel",
      mixinStandardHelpOptions = true,
      description = {
        "Time relabel nights against a full aggregate.",
        "Nights against a full aggregate in one run, for each store size: a label store from S generated",
        "votes, then a night of a fraction of S rows and nights of fixed sizes (half on existing images),",
        "each on its own copy of the store, then aggregate over the store's rows and the fractional night's,",
        "in turns for the repeats; prints the seconds of each run, night / aggregate ratios of the medians",
        "and the same night's spread across stores."
      })
  static final class Relabel implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin Scratch scratch;

    @Option(
        names = "--store-rows",
        paramLabel = "S[,S...]",
        split = ",",
        defaultValue = "10000000",
        description = "Votes in each store before its nights (default: ${DEFAULT-VALUE}).")
    List<Long> storeRows;

    @Option(
        names = "--night-fraction",
        paramLabel = "F",
        defaultValue = "0.01",
        description = "The first night's rows as a fraction of S (default: ${DEFAULT-VALUE}).")
    double fraction;

    @Option(
        names = "--night-rows",
        paramLabel = "N[,N...]",
        split = ",",
        defaultValue = "100000,100",
        description =
            "Nights of fixed sizes, against every store; 0 for none (default: ${DEFAULT-VALUE}).")
    List<Long> nightRows;

    @Option(
        names = "--repeats",
        paramLabel = "K",
        defaultValue = "3",
        description =
            "Runs of each night and of the aggregate, in turns; the figures are their medians "
                + "(default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws Exception {
      List<Long> fixed = nightRows.stream().filter(n -> n != 0).toList();
      if (storeRows.stream().anyMatch(s -> s <= 0)
          || fixed.stream().anyMatch(n -> n < 0)
          || fraction <= 0
          || fraction > 1
          || repeats <= 0) {
        throw new ParameterException(
            spec.commandLine(),
            "--store-rows, --night-rows and --repeats must be positive and --night-fraction in (0, 1]");
      }
      return scratch.inSession(
          (spark, config) ->
              RelabelBenchmark.run(
                  spark,
                  config,
                  storeRows,
                  fraction,
                  fixed,
                  repeats,
                  scratch.work,
                  spec.commandLine().getOut()));
    }
  }

  @Command(
      name = "methods",
      mixinStandardHelpOptions = true,
      description = {
        "Compare the aggregation methods' accuracy on simulated crowds.",
        "Simulate three crowds voting on the same images with a known truth (one-hot, 6 classes): spammers",
        "beside reliable annotators, varying annotators on images of varying difficulty, and the one-coin",
        "model (reliable annotators only); aggregate each crowd's votes with every method. Prints, per method",
        "and crowd, the hard labels' accuracy against the truth, its gap to the majority vote in points, and",
        "the aggregate job's seconds."
      })
  static final class Methods implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin Scratch scratch;

    @Option(
        names = "--images",
        paramLabel = "N",
        defaultValue = "2000",
        description = "Images per crowd (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(
        names = "--votes",
        paramLabel = "N",
        defaultValue = "5",
        description =
            "Votes per image, each from a distinct annotator (default: ${DEFAULT-VALUE}).")
    int votes;

    @Option(
        names = "--pool",
        paramLabel = "N",
        defaultValue = "10",
        description = "Annotators in each crowd (default: ${DEFAULT-VALUE}).")
    int pool;

    @Option(
        names = "--spammer-share",
        paramLabel = "SHARE",
        defaultValue = "0.3",
        description = "Share of spammers in the spammers crowd (default: ${DEFAULT-VALUE}).")
    double spammerShare;

    @Option(
        names = "--seed",
        paramLabel = "SEED",
        defaultValue = "7",
        description = "Seed of the crowds and their votes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--crowds",
        paramLabel = "DIR",
        description =
            "Instead of simulated crowds, every folder of DIR holding annotations.csv (image_id,"
                + "annotator_id,label) and truth.csv (image_id,truth): your gold-labelled sample, or ../shared/data/crowds.")
    Path crowds;

    @Override
    public Integer call() throws Exception {
      if (crowds != null) {
        return scratch.inSession(
            (spark, config) ->
                GoldCrowds.print(
                    GoldCrowds.run(
                        spark, config, crowds, HadoopPaths.child(scratch.work, "gold-crowds")),
                    spec.commandLine().getOut()));
      }
      if (images <= 0 || votes <= 0 || votes > pool || spammerShare < 0 || spammerShare > 1) {
        throw new ParameterException(
            spec.commandLine(),
            "--images and --votes must be positive, --votes at most --pool and --spammer-share in [0, 1]");
      }
      CrowdStudy.Options options =
          new CrowdStudy.Options(
              images,
              votes,
              pool,
              spammerShare,
              seed,
              HadoopPaths.child(scratch.work, "methods"),
              true);
      return scratch.inSession(
          (spark, config) ->
              MethodsBenchmark.run(spark, config, options, spec.commandLine().getOut()));
    }
  }
}
