package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.labels.ClassList;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.SparkSession;

/**
 * How whole processes scale with the input: for each size, the aggregate benchmark's generated
 * Parquet input ({@link AggregateBenchmark#input}, cached in the scratch directory), then {@code
 * bin/softlabels aggregate} and DuckDB's same-semantics peer as fresh processes in turns ({@link
 * AggregateProcesses}: both given the same class list), each measured by {@link WholeProcess}:
 * wall-clock seconds, the process tree's peak resident set and CPU seconds. Prints one table row
 * per size (the medians of the repeats) and, when the reference size (10 M rows by default) and a
 * larger one are both measured, the largest size's time per row and peak memory over the reference
 * size's, against the acceptance ({@link #TIME_PER_ROW_TARGET}, {@link #PEAK_MEMORY_TARGET}).
 */
final class ScaleBenchmark {

  /** The largest size's time per row may be at most this many times the reference size's. */
  static final double TIME_PER_ROW_TARGET = 1.3;

  /** The largest size's peak memory may be at most this many times the reference size's. */
  static final double PEAK_MEMORY_TARGET = 1.5;

  private ScaleBenchmark() {}

  /**
   * What to run.
   *
   * @param rows the sizes, in the order they run
   * @param duplicates the share of rows that repeat an annotator's vote on an image
   * @param repeats turns of the two processes per size; the table has their medians
   * @param referenceRows the size the largest one is set against
   * @param timeout how long one process may run before it is killed
   */
  record Options(
      List<Long> rows,
      double duplicates,
      int repeats,
      long referenceRows,
      Duration timeout,
      String workDir) {}

  /** The generated inputs, one per size, and the classes both sides are given. */
  record Inputs(List<String> paths, ClassList classes) {}

  /**
   * One side's medians at one size.
   *
   * @param peakMegabytes -1 when unknown
   * @param cpuSeconds -1 when unknown
   */
  record Side(double seconds, double peakMegabytes, double cpuSeconds) {

    static Side median(List<WholeProcess.Run> runs) {
      return new Side(
          median(runs, WholeProcess.Run::seconds),
          median(runs, WholeProcess.Run::peakMegabytes),
          median(runs, WholeProcess.Run::cpuSeconds));
    }

    private static double median(
        List<WholeProcess.Run> runs, ToDoubleFunction<WholeProcess.Run> figure) {
      double[] values = runs.stream().mapToDouble(figure).toArray();
      return Arrays.stream(values).anyMatch(v -> v < 0) ? -1 : TrainBenchmark.median(values);
    }

    /** Microseconds per row, which is also seconds per million rows. */
    double microsPerRow(long rows) {
      return seconds * 1e6 / rows;
    }
  }

  /** One size's figures. */
  record Size(long rows, Side softlabels, Side duckDb) {

    /** softlabels' wall-clock seconds over DuckDB's. */
    double ratio() {
      return softlabels.seconds() / duckDb.seconds();
    }
  }

  /** Generates (or finds) every size's input in the session, before any process is timed. */
  static Inputs inputs(SparkSession spark, Config config, Options options, PrintWriter out) {
    ClassList classes =
        AggregateBenchmark.parquet(AnnotationSource.from(config)).givenClasses().orElseThrow();
    List<String> paths = new ArrayList<>();
    for (long rows : options.rows()) {
      paths.add(
          AggregateBenchmark.input(
              spark, options.workDir(), rows, options.duplicates(), classes, out));
    }
    return new Inputs(paths, classes);
  }

  /** Times the processes on every input, in turns, and prints each run, the table and summary. */
  static List<Size> run(
      AggregateProcesses processes, Inputs inputs, Options options, PrintWriter out)
      throws IOException, InterruptedException {
    List<Size> sizes = new ArrayList<>();
    for (int s = 0; s < options.rows().size(); s++) {
      long rows = options.rows().get(s);
      List<WholeProcess.Run> softlabels = new ArrayList<>();
      List<WholeProcess.Run> duckDb = new ArrayList<>();
      for (int i = 0; i < options.repeats(); i++) {
        AggregateProcesses.Turn turn = processes.turn(inputs.paths().get(s), inputs.classes());
        softlabels.add(turn.softlabels());
        duckDb.add(turn.duckDb());
        out.printf(
            Locale.ROOT,
            "  %,d rows, run %d: bin/softlabels aggregate --classes %s; duckdb %s%n",
            rows,
            i + 1,
            describe(turn.softlabels()),
            describe(turn.duckDb()));
        out.flush();
      }
      sizes.add(new Size(rows, Side.median(softlabels), Side.median(duckDb)));
    }
    out.printf(
        Locale.ROOT,
        "whole processes by input size (%s; %.4f duplicates): bin/softlabels aggregate given the"
            + " class list with --classes, as DuckDB's same-semantics peer is; peak = the process"
            + " tree's peak resident set (/proc, every %d ms); µs/row = s per million rows%n",
        options.repeats() == 1 ? "one run each" : "medians of " + options.repeats() + " runs",
        options.duplicates(),
        WholeProcess.SAMPLE_MILLIS);
    MarkdownTable.print(table(sizes), out);
    summary(sizes, options.referenceRows()).forEach(out::println);
    out.flush();
    return sizes;
  }

  private static String describe(WholeProcess.Run run) {
    return String.format(
        Locale.ROOT,
        "%.2f s, peak %s MB, CPU %s s",
        run.seconds(),
        figure("%,.0f", run.peakMegabytes()),
        figure("%.1f", run.cpuSeconds()));
  }

  /** The table: a header, then a row per size. */
  static List<List<String>> table(List<Size> sizes) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(
        List.of(
            "rows",
            "softlabels s",
            "softlabels µs/row",
            "softlabels CPU s",
            "softlabels peak MB",
            "DuckDB s",
            "DuckDB µs/row",
            "DuckDB CPU s",
            "DuckDB peak MB",
            "softlabels / DuckDB"));
    for (Size size : sizes) {
      rows.add(
          List.of(
              String.format(Locale.ROOT, "%,d", size.rows()),
              figure("%.2f", size.softlabels().seconds()),
              figure("%.3f", size.softlabels().microsPerRow(size.rows())),
              figure("%.1f", size.softlabels().cpuSeconds()),
              figure("%,.0f", size.softlabels().peakMegabytes()),
              figure("%.2f", size.duckDb().seconds()),
              figure("%.3f", size.duckDb().microsPerRow(size.rows())),
              figure("%.1f", size.duckDb().cpuSeconds()),
              figure("%,.0f", size.duckDb().peakMegabytes()),
              figure("%.2fx", size.ratio())));
    }
    return rows;
  }

  /**
   * The largest size against the reference size: time per row and peak memory, softlabels' against
   * the acceptance, DuckDB's beside; a line saying why there is no comparison when the reference
   * size was not measured or is the largest.
   */
  static List<String> summary(List<Size> sizes, long referenceRows) {
    Size largest = sizes.stream().max((a, b) -> Long.compare(a.rows(), b.rows())).orElseThrow();
    Size reference =
        sizes.stream().filter(size -> size.rows() == referenceRows).findFirst().orElse(null);
    if (reference == null || largest.rows() <= referenceRows) {
      return List.of(
          String.format(
              Locale.ROOT,
              "(no scaling summary: it sets the largest size against %,d rows (--reference-rows),"
                  + " which needs both measured)",
              referenceRows));
    }
    String against =
        String.format(Locale.ROOT, "at %,d rows / at %,d", largest.rows(), reference.rows());
    return List.of(
        ratioLine(
            "time per row " + against,
            largest.softlabels().microsPerRow(largest.rows())
                / reference.softlabels().microsPerRow(reference.rows()),
            TIME_PER_ROW_TARGET,
            largest.duckDb().microsPerRow(largest.rows())
                / reference.duckDb().microsPerRow(reference.rows())),
        ratioLine(
            "peak memory " + against,
            ratio(largest.softlabels().peakMegabytes(), reference.softlabels().peakMegabytes()),
            PEAK_MEMORY_TARGET,
            ratio(largest.duckDb().peakMegabytes(), reference.duckDb().peakMegabytes())));
  }

  private static String ratioLine(String what, double softlabels, double target, double duckDb) {
    return String.format(
        Locale.ROOT,
        "%s: softlabels %s (acceptance: at most %.1fx, %s), duckdb %s",
        what,
        figure("%.2fx", softlabels),
        target,
        softlabels < 0 ? "unknown" : softlabels <= target ? "met" : "NOT met",
        figure("%.2fx", duckDb));
  }

  /** {@code a / b}, or -1 when either is unknown. */
  private static double ratio(double a, double b) {
    return a < 0 || b <= 0 ? -1 : a / b;
  }

  /** The value formatted, or "n/a" for an unknown (negative) one. */
  private static String figure(String format, double value) {
    return value < 0 ? "n/a" : String.format(Locale.ROOT, format, value);
  }
}
