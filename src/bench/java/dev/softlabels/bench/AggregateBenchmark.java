package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.AggregateSummary;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.InputFormat;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.Sessions;
import dev.softlabels.synthetic.SyntheticClasses;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Times the aggregate job on generated annotation rows (10 votes per image, string ids, a share of
 * duplicate votes) against DuckDB doing the same semantics (and today's plain group-by) on the same
 * Parquet files: in-process, and as whole processes; then small inputs, majority and Dawid–Skene.
 */
final class AggregateBenchmark {

  public static final int VOTES_PER_IMAGE = 10;
  static final long SEED = 42L;
  private static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(10);

  private AggregateBenchmark() {}

  /**
   * What to run.
   *
   * @param duplicates the share of rows that repeat an annotator's vote on an image
   * @param smallRows the small inputs' sizes (none: skip them)
   * @param processes whether to time whole processes too
   * @param report whether to time aggregate --report too
   */
  public record Options(
      long rows,
      double duplicates,
      AggregationMethod method,
      int repeats,
      String workDir,
      List<Long> smallRows,
      boolean processes,
      boolean report) {}

  public static void run(SparkSession session, Config config, Options options, PrintWriter out)
      throws Exception {
    AnnotationSource source = parquet(AnnotationSource.from(config));
    out.printf(Locale.ROOT, "spark session start-up: %.2f s%n", Sessions.startSeconds());
    String input =
        input(
            session,
            options.workDir(),
            options.rows(),
            options.duplicates(),
            source.givenClasses().orElseThrow(),
            out);
    String clean =
        options.duplicates() > 0
            ? input(
                session,
                options.workDir(),
                options.rows(),
                0.0,
                source.givenClasses().orElseThrow(),
                out)
            : null;
    boolean duckDb = options.method() == AggregationMethod.MAJORITY;
    // Another method's iterations are set against Dawid–Skene's on the same input.
    boolean againstDawidSkene = !duckDb && options.method() != AggregationMethod.DAWID_SKENE;
    String glob = input + "/*.parquet";
    if (duckDb) {
      out.printf(
          Locale.ROOT,
          "duckdb, same semantics, the SQL:%n%s;%n",
          String.join(
              ";\n",
              DuckDbAggregate.sameSemantics(glob, "OUT", source.givenClasses().orElseThrow())));
    }
    // Each side's runs alternate with the others', so that a machine that slows down or speeds up
    // during the benchmark does not favour one side.
    int repeats = options.repeats();
    double[] spark = new double[repeats];
    double[] withoutDuplicates = new double[repeats];
    double[] duckSame = new double[repeats];
    double[] duckGroupBy = new double[repeats];
    double[] reported = new double[repeats];
    List<AggregateSummary> runs = new ArrayList<>();
    List<AggregateSummary> dawidSkeneRuns = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      runs.add(job(session, config, source, options, input, options.method(), false, out));
      spark[i] = runs.get(i).seconds();
      if (options.report()) {
        reported[i] =
            job(session, config, source, options, input, options.method(), true, out).seconds();
      }
      if (clean != null) {
        withoutDuplicates[i] =
            job(session, config, source, options, clean, options.method(), false, out).seconds();
      }
      if (againstDawidSkene) {
        dawidSkeneRuns.add(
            job(
                session,
                config,
                source,
                options,
                input,
                AggregationMethod.DAWID_SKENE,
                false,
                out));
      }
      if (duckDb) {
        duckSame[i] =
            DuckDbAggregate.seconds(
                DuckDbAggregate.sameSemantics(
                    glob, duckOut(options), source.givenClasses().orElseThrow()));
        duckGroupBy[i] =
            DuckDbAggregate.seconds(
                DuckDbAggregate.groupBy(
                    glob, duckOut(options), source.givenClasses().orElseThrow()));
        out.printf(
            Locale.ROOT,
            "  duckdb run %d: same semantics %.2f s, plain group-by %.2f s%n",
            i + 1,
            duckSame[i],
            duckGroupBy[i]);
      }
    }
    Timing timing = new Timing(spark);
    out.printf(
        Locale.ROOT,
        "spark aggregate (%s), %,d rows, %.4f duplicates: best %.2f s, median %.2f s%n",
        options.method().configName(),
        options.rows(),
        options.duplicates(),
        timing.best(),
        timing.median());
    if (options.report()) {
      Timing reportTiming = new Timing(reported);
      out.printf(
          Locale.ROOT,
          "with --report (label-quality report): best %.2f s, median %.2f s; the report adds %.1f %%"
              + " (medians) to the job%n",
          reportTiming.best(),
          reportTiming.median(),
          100 * (reportTiming.median() / timing.median() - 1));
    }
    if (clean != null) {
      Timing cleanTiming = new Timing(withoutDuplicates);
      out.printf(
          Locale.ROOT,
          "without duplicates: best %.2f s; with / without: %.2fx%n",
          cleanTiming.best(),
          timing.best() / cleanTiming.best());
    }
    if (duckDb) {
      double same = new Timing(duckSame).best();
      double groupBy = new Timing(duckGroupBy).best();
      out.printf(
          Locale.ROOT,
          "duckdb, same semantics (duplicate rule, quarantine; best of %d): %.2f s; spark / duckdb: "
              + "%.2fx%n",
          repeats,
          same,
          timing.best() / same);
      out.printf(
          Locale.ROOT,
          "duckdb, plain group-by (best of %d): %.2f s; spark / duckdb: %.2fx%n",
          repeats,
          groupBy,
          timing.best() / groupBy);
      if (options.processes()) {
        wholeProcesses(options, input, source.givenClasses().orElseThrow(), out);
      }
    } else {
      iterationCosts(options.method(), runs, dawidSkeneRuns, out);
    }
    AggregationMethod model =
        options.method().posterior() ? options.method() : AggregationMethod.DAWID_SKENE;
    for (long rows : options.smallRows()) {
      String small =
          input(session, options.workDir(), rows, 0.0, source.givenClasses().orElseThrow(), out);
      double[] majority = new double[repeats];
      double[] modelled = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        majority[i] =
            job(session, config, source, options, small, AggregationMethod.MAJORITY, false, out)
                .seconds();
        modelled[i] = job(session, config, source, options, small, model, false, out).seconds();
      }
      Timing majorityTiming = new Timing(majority);
      Timing modelTiming = new Timing(modelled);
      out.printf(
          Locale.ROOT,
          "small input %,d rows: majority best %.2f s (first run %.2f s), %s best %.2f s "
              + "(first run %.2f s); %s / majority: %.2fx%n",
          rows,
          majorityTiming.best(),
          majorityTiming.first(),
          model.configName(),
          modelTiming.best(),
          modelTiming.first(),
          model.configName(),
          modelTiming.best() / majorityTiming.best());
      out.flush();
    }
  }

  /** Seconds of a job's runs in this session. */
  private record Timing(double[] seconds) {
    double best() {
      return Arrays.stream(seconds).min().orElseThrow();
    }

    double first() {
      return seconds[0];
    }

    double median() {
      double[] sorted = seconds.clone();
      Arrays.sort(sorted);
      return sorted.length % 2 == 1
          ? sorted[sorted.length / 2]
          : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
  }

  /** One run of the job in this session, printed. */
  private static AggregateSummary job(
      SparkSession spark,
      Config config,
      AnnotationSource source,
      Options options,
      String input,
      AggregationMethod method,
      boolean report,
      PrintWriter out) {
    AggregateSettings settings =
        AggregateSettings.majority(
                config, source, input, HadoopPaths.child(options.workDir(), "spark-out"))
            .withMethod(method)
            .withReport(report);
    AggregateSummary summary = AggregateJob.run(spark, settings);
    out.printf(
        Locale.ROOT,
        "  spark aggregate (%s%s) on %s: %.2f s (%,.0f rows/s)%n",
        method.configName(),
        report ? ", --report" : "",
        new File(input).getName(),
        summary.seconds(),
        summary.rowsRead() / summary.seconds());
    if (summary.em() != null) {
      out.printf(
          Locale.ROOT,
          "    %s: %s after %d iterations; first pass (statistics of the vote fractions) "
              + "%.3f s, %.3f s per iteration: %.2fx%n",
          method.configName(),
          summary.em().converged() ? "converged" : "NOT converged",
          summary.em().iterations(),
          summary.em().firstPassSeconds(),
          summary.em().secondsPerIteration(),
          summary.em().secondsPerIteration() / summary.em().firstPassSeconds());
    }
    out.flush();
    return summary;
  }

  /**
   * What an iteration of the method costs beyond the one pass any aggregation makes (the first
   * pass, a majority vote's over the cached votes), and for the other methods against a Dawid–Skene
   * iteration on the same input: the best of the runs' own figures (the job's summary.json).
   */
  private static void iterationCosts(
      AggregationMethod method,
      List<AggregateSummary> runs,
      List<AggregateSummary> dawidSkeneRuns,
      PrintWriter out) {
    double firstPass = best(runs, AggregateSummary.EmSummary::firstPassSeconds);
    double perIteration = best(runs, AggregateSummary.EmSummary::secondsPerIteration);
    out.printf(
        Locale.ROOT,
        "on the cached votes: first pass (a majority vote's) best %.3f s, %s iteration best mean "
            + "%.3f s: %.2fx%n",
        firstPass,
        method.configName(),
        perIteration,
        perIteration / firstPass);
    if (!dawidSkeneRuns.isEmpty()) {
      double dawidSkene = best(dawidSkeneRuns, AggregateSummary.EmSummary::secondsPerIteration);
      out.printf(
          Locale.ROOT,
          "on the cached votes: dawid-skene iteration best mean %.3f s; %s / dawid-skene: "
              + "%.2fx%n",
          dawidSkene,
          method.configName(),
          perIteration / dawidSkene);
    }
  }

  private static double best(
      List<AggregateSummary> runs, ToDoubleFunction<AggregateSummary.EmSummary> figure) {
    return runs.stream().mapToDouble(run -> figure.applyAsDouble(run.em())).min().orElseThrow();
  }

  /**
   * bin/softlabels aggregate and a DuckDB process on the same file, alternated, wall-clock seconds;
   * softlabels is given the class list DuckDB's peer is given ({@code --classes}), so that both do
   * the same semantics (the peer infers no classes).
   */
  private static void wholeProcesses(
      Options options, String input, ClassList classes, PrintWriter out)
      throws IOException, InterruptedException {
    Optional<AggregateProcesses> found =
        AggregateProcesses.find(options.workDir(), PROCESS_TIMEOUT);
    if (found.isEmpty()) {
      out.println(
          "softlabels.home is not set (run through bin/softlabels): skipping the whole-process timings");
      return;
    }
    double[] sparkSeconds = new double[options.repeats()];
    double[] duckSeconds = new double[options.repeats()];
    for (int i = 0; i < options.repeats(); i++) {
      AggregateProcesses.Turn turn = found.get().turn(input, classes);
      sparkSeconds[i] = turn.softlabels().seconds();
      duckSeconds[i] = turn.duckDb().seconds();
      out.printf(
          Locale.ROOT,
          "  whole process, run %d: bin/softlabels aggregate --classes (the peer's list) %.2f s, duckdb"
              + " %.2f s%n",
          i + 1,
          sparkSeconds[i],
          duckSeconds[i]);
      out.flush();
    }
    double sparkMedian = new Timing(sparkSeconds).median();
    double duckMedian = new Timing(duckSeconds).median();
    out.printf(
        Locale.ROOT,
        "whole process (median of %d): bin/softlabels aggregate with the same --classes %.2f s, duckdb"
            + " same semantics %.2f s; softlabels / duckdb: %.2fx%n",
        options.repeats(),
        sparkMedian,
        duckMedian,
        sparkMedian / duckMedian);
  }

  private static String duckOut(Options options) throws IOException {
    Path out = Path.of(options.workDir(), "duckdb-out");
    if (Files.exists(out)) {
      try (var files = Files.list(out)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
    }
    Files.createDirectories(out);
    return out.toString();
  }

  /**
   * {@code workDir}/annotations-ROWS[-duplicates-SHARE]: the benchmark's generated Parquet input of
   * {@code rows} rows, reused when an earlier run left it complete. Spark writes it from a range,
   * each task streaming its rows to its own file: no row passes through the driver.
   */
  static String input(
      SparkSession spark,
      String workDir,
      long rows,
      double duplicates,
      ClassList classes,
      PrintWriter out) {
    String name =
        duplicates > 0
            ? String.format(Locale.ROOT, "annotations-%d-duplicates-%s", rows, duplicates)
            : "annotations-" + rows;
    return generated(
        spark,
        workDir,
        name,
        out,
        () -> AnnotationGenerator.rows(spark, rows, VOTES_PER_IMAGE, classes, SEED, duplicates));
  }

  /** {@code workDir/name}, written from {@code rows} unless an earlier run left it complete. */
  static String generated(
      SparkSession spark,
      String workDir,
      String name,
      PrintWriter out,
      Supplier<Dataset<Row>> rows) {
    String path = HadoopPaths.child(workDir, name);
    if (!HadoopPaths.of(spark).exists(HadoopPaths.child(path, "_SUCCESS"))) {
      out.printf(Locale.ROOT, "generating %s%n", path);
      out.flush();
      rows.get().write().mode("overwrite").parquet(path);
    }
    return path;
  }

  /**
   * The source settings for the generated Parquet annotations: the configured classes, or else the
   * synthetic dataset's (the generated votes need a list before there is data to infer one from).
   */
  static AnnotationSource parquet(AnnotationSource source) {
    return new AnnotationSource(
        InputFormat.PARQUET,
        "image_id",
        "annotator_id",
        "label",
        source.labelEncoding(),
        source.csvHeader(),
        source.csvDelimiter(),
        source.csvEncoding(),
        source.exportFields(),
        source.givenClasses().orElse(SyntheticClasses.CLASSES).names());
  }
}
