package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.quality.ReportSettings;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.votes.RejectionLimit;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Nights against a full aggregate, in one run, for each store size: a label store built from S
 * generated rows (one big first night), then each night — a fraction of S, and nights of fixed
 * sizes — applied to its own copy of that store (so every night meets the same store), then the
 * aggregate job over the store's rows and the fractional night's; the nights and the aggregate take
 * turns for the repeats, and each figure is the median of its runs (so both sides run with the same
 * warm JVM). A night adds half its votes to random existing images (by annotators new to them) and
 * half to new images.
 */
final class RelabelBenchmark {

  /**
   * The targets: a fractional night's share of a full aggregate at 40 M and at 10 M votes, a tiny
   * night's.
   */
  public static final double TARGET_40M = 0.20;

  public static final double TARGET_10M = 0.40;
  public static final double TARGET_TINY = 0.15;
  private static final LocalDate FIRST_NIGHT = LocalDate.parse("2026-01-01");
  private static final LocalDate NIGHT = LocalDate.parse("2026-01-02");

  private RelabelBenchmark() {}

  /** One night against one store. */
  public record NightFigures(long rows, double seconds, long touchedImages) {}

  /**
   * One store's figures: its first night, its nights (the fractional one first), its full
   * aggregate.
   */
  public record Figures(
      long rows, double firstNightSeconds, List<NightFigures> nights, double aggregateSeconds) {
    public double ratio(NightFigures night) {
      return night.seconds() / aggregateSeconds;
    }
  }

  /**
   * @param storeRows the stores' sizes in votes
   * @param nightRows fixed night sizes, run against every store after the fractional night
   * @param repeats runs of each night and of the aggregate, in turns; the figures are their medians
   */
  public static List<Figures> run(
      SparkSession spark,
      Config config,
      List<Long> storeRows,
      double fraction,
      List<Long> nightRows,
      int repeats,
      String workDir,
      PrintWriter out) {
    List<Figures> all = new ArrayList<>();
    for (long rows : storeRows) {
      all.add(store(spark, config, rows, fraction, nightRows, repeats, workDir, out));
    }
    out.println(
        repeats == 1
            ? "night / full aggregate, by store:"
            : "night / full aggregate, by store (medians of " + repeats + " runs):");
    for (Figures figures : all) {
      for (NightFigures night : figures.nights()) {
        out.printf(
            Locale.ROOT,
            "  %,d-vote store, %,d-row night: %.2f s / %.2f s = %.3f%n",
            figures.rows(),
            night.rows(),
            night.seconds(),
            figures.aggregateSeconds(),
            figures.ratio(night));
      }
    }
    for (long size : nightRows) {
      List<NightFigures> same =
          all.stream().flatMap(f -> f.nights().stream().filter(n -> n.rows() == size)).toList();
      if (same.size() > 1) {
        double slowest = same.stream().mapToDouble(NightFigures::seconds).max().orElseThrow();
        double fastest = same.stream().mapToDouble(NightFigures::seconds).min().orElseThrow();
        out.printf(
            Locale.ROOT,
            "the %,d-row night, slowest / fastest store: %.2fx%n",
            size,
            slowest / fastest);
      }
    }
    out.printf(
        Locale.ROOT,
        "targets: a %.0f %% night <= %.2f of a full aggregate at 40 M votes and <= %.2f at 10 M; "
            + "a 100-row night <= %.2f; the same night within 1.5x across stores%n",
        100 * fraction,
        TARGET_40M,
        TARGET_10M,
        TARGET_TINY);
    out.flush();
    return all;
  }

  private static Figures store(
      SparkSession spark,
      Config config,
      long rows,
      double fraction,
      List<Long> nightRows,
      int repeats,
      String workDir,
      PrintWriter out) {
    AnnotationSource source = AggregateBenchmark.parquet(AnnotationSource.from(config));
    int votes = AggregateBenchmark.VOTES_PER_IMAGE;
    String history =
        AggregateBenchmark.generated(
            spark,
            workDir,
            "annotations-" + rows,
            out,
            () ->
                AnnotationGenerator.rows(
                    spark,
                    rows,
                    votes,
                    source.givenClasses().orElseThrow(),
                    AggregateBenchmark.SEED));
    String store = HadoopPaths.child(workDir, "relabel-store-" + rows);
    HadoopPaths paths = HadoopPaths.of(spark);
    paths.delete(store);
    double first =
        timed(() -> RelabelJob.run(spark, settings(config, source, store, history, FIRST_NIGHT)));
    out.printf(
        Locale.ROOT,
        "%,d-vote store: first night (all its rows into an empty store): %.2f s%n",
        rows,
        first);
    out.flush();

    List<Long> sizes = new ArrayList<>();
    sizes.add(Math.max(1, Math.round(rows * fraction)));
    nightRows.stream().filter(size -> !sizes.contains(size)).forEach(sizes::add);
    List<String> nightFiles =
        sizes.stream()
            .map(
                size ->
                    AggregateBenchmark.generated(
                        spark,
                        workDir,
                        "night-" + rows + "-" + size,
                        out,
                        () ->
                            AnnotationGenerator.night(
                                spark,
                                size,
                                rows,
                                votes,
                                source.givenClasses().orElseThrow(),
                                AggregateBenchmark.SEED)))
            .toList();
    String all =
        AggregateBenchmark.generated(
            spark,
            workDir,
            "all-" + rows + "-" + sizes.get(0),
            out,
            () ->
                spark.read().parquet(history).unionByName(spark.read().parquet(nightFiles.get(0))));
    double[][] nightSeconds = new double[sizes.size()][repeats];
    long[] touched = new long[sizes.size()];
    double[] aggregateSeconds = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      String run = repeats == 1 ? "" : String.format(Locale.ROOT, " (run %d/%d)", r + 1, repeats);
      for (int n = 0; n < sizes.size(); n++) {
        String copy = HadoopPaths.child(workDir, "relabel-night-store");
        paths.delete(copy);
        paths.copy(store, copy);
        // A new table where the last run's was: each night starts as a nightly process does, with
        // no table state cached from another run.
        LabelStore.forgetCachedStates();
        RelabelJob.Result[] result = new RelabelJob.Result[1];
        String night = nightFiles.get(n);
        nightSeconds[n][r] =
            timed(
                () ->
                    result[0] =
                        RelabelJob.run(spark, settings(config, source, copy, night, NIGHT)));
        touched[n] = result[0].night().imagesTouched();
        out.printf(
            Locale.ROOT,
            "  night of %,d rows (%.3f %% of the store's)%s: %.2f s, %,d images touched%n",
            sizes.get(n),
            100.0 * sizes.get(n) / rows,
            run,
            nightSeconds[n][r],
            touched[n]);
        out.flush();
      }
      aggregateSeconds[r] =
          timed(
              () ->
                  AggregateJob.run(
                      spark,
                      AggregateSettings.majority(
                          config,
                          source,
                          all,
                          HadoopPaths.child(workDir, "relabel-aggregate-out"))));
      out.printf(
          Locale.ROOT,
          "  full aggregate (%,d rows)%s: %.2f s%n",
          rows + sizes.get(0),
          run,
          aggregateSeconds[r]);
      out.flush();
    }
    List<NightFigures> nights = new ArrayList<>();
    for (int n = 0; n < sizes.size(); n++) {
      nights.add(
          new NightFigures(sizes.get(n), TrainBenchmark.median(nightSeconds[n]), touched[n]));
    }
    return new Figures(rows, first, nights, TrainBenchmark.median(aggregateSeconds));
  }

  private static RelabelSettings settings(
      Config config, AnnotationSource source, String store, String batch, LocalDate date) {
    return new RelabelSettings(
        source,
        store,
        batch,
        date,
        1000,
        10,
        RejectionLimit.from(config),
        LabelStore.CommitPath.from(config),
        config.getBoolean("softlabels.relabel.report"),
        ReportSettings.from(config));
  }

  private static double timed(Runnable work) {
    long started = System.nanoTime();
    work.run();
    return (System.nanoTime() - started) / 1e9;
  }
}
