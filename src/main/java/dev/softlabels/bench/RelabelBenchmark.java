package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AggregateJob;
import dev.softlabels.annotations.AggregateSettings;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.RejectionLimit;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.spark.HadoopPaths;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Nights against a full aggregate, in one run, for each store size: a label store built from S
 * generated rows (one big first night), then each night — a fraction of S, and nights of fixed sizes —
 * applied to its own copy of that store (so every night meets the same store), then the aggregate job
 * over the store's rows and the fractional night's. A night adds half its votes to random existing
 * images (by annotators new to them) and half to new images.
 */
public final class RelabelBenchmark {

  /** The targets: a fractional night's share of a full aggregate at 40 M and at 10 M votes, a tiny night's. */
  public static final double TARGET_40M = 0.20;
  public static final double TARGET_10M = 0.40;
  public static final double TARGET_TINY = 0.15;
  private static final LocalDate FIRST_NIGHT = LocalDate.parse("2026-01-01");
  private static final LocalDate NIGHT = LocalDate.parse("2026-01-02");

  private RelabelBenchmark() {}

  /** One night against one store. */
  public record NightFigures(long rows, double seconds, long touchedImages) {}

  /** One store's figures: its first night, its nights (the fractional one first), its full aggregate. */
  public record Figures(long rows, double firstNightSeconds, List<NightFigures> nights, double aggregateSeconds) {
    public double ratio(NightFigures night) {
      return night.seconds() / aggregateSeconds;
    }
  }

  /**
   * @param storeRows the stores' sizes in votes
   * @param nightRows fixed night sizes, run against every store after the fractional night
   */
  public static List<Figures> run(SparkSession spark, Config config, List<Long> storeRows, double fraction,
      List<Long> nightRows, String workDir, PrintWriter out) {
    List<Figures> all = new ArrayList<>();
    for (long rows : storeRows) {
      all.add(store(spark, config, rows, fraction, nightRows, workDir, out));
    }
    out.println("night / full aggregate, by store:");
    for (Figures figures : all) {
      for (NightFigures night : figures.nights()) {
        out.printf(Locale.ROOT, "  %,d-vote store, %,d-row night: %.2f s / %.2f s = %.3f%n", figures.rows(),
            night.rows(), night.seconds(), figures.aggregateSeconds(), figures.ratio(night));
      }
    }
    for (long size : nightRows) {
      List<NightFigures> same = all.stream().flatMap(f -> f.nights().stream().filter(n -> n.rows() == size)).toList();
      if (same.size() > 1) {
        double slowest = same.stream().mapToDouble(NightFigures::seconds).max().orElseThrow();
        double fastest = same.stream().mapToDouble(NightFigures::seconds).min().orElseThrow();
        out.printf(Locale.ROOT, "the %,d-row night, slowest / fastest store: %.2fx%n", size, slowest / fastest);
      }
    }
    out.printf(Locale.ROOT, "targets: a %.0f %% night <= %.2f of a full aggregate at 40 M votes and <= %.2f at 10 M; "
        + "a 100-row night <= %.2f; the same night within 1.5x across stores%n", 100 * fraction, TARGET_40M,
        TARGET_10M, TARGET_TINY);
    out.flush();
    return all;
  }

  private static Figures store(SparkSession spark, Config config, long rows, double fraction, List<Long> nightRows,
      String workDir, PrintWriter out) {
    AnnotationSource source = AggregateBenchmark.parquet(AnnotationSource.from(config));
    int votes = AggregateBenchmark.VOTES_PER_IMAGE;
    String history = AggregateBenchmark.generated(spark, workDir, "annotations-" + rows, out,
        () -> AnnotationGenerator.rows(spark, rows, votes, source.classes(), AggregateBenchmark.SEED));
    String store = HadoopPaths.child(workDir, "relabel-store-" + rows);
    HadoopPaths paths = HadoopPaths.of(spark);
    paths.delete(store);
    double first = timed(() -> RelabelJob.run(spark, settings(config, source, store, history, FIRST_NIGHT)));
    out.printf(Locale.ROOT, "%,d-vote store: first night (all its rows into an empty store): %.2f s%n", rows, first);
    out.flush();

    List<Long> sizes = new ArrayList<>();
    sizes.add(Math.max(1, Math.round(rows * fraction)));
    nightRows.stream().filter(size -> !sizes.contains(size)).forEach(sizes::add);
    List<NightFigures> nights = new ArrayList<>();
    String fractional = null;
    for (long size : sizes) {
      String night = AggregateBenchmark.generated(spark, workDir, "night-" + rows + "-" + size, out,
          () -> AnnotationGenerator.night(spark, size, rows, votes, source.classes(), AggregateBenchmark.SEED));
      fractional = fractional == null ? night : fractional;
      String copy = HadoopPaths.child(workDir, "relabel-night-store");
      paths.delete(copy);
      paths.copy(store, copy);
      RelabelJob.Result[] result = new RelabelJob.Result[1];
      double seconds = timed(() -> result[0] = RelabelJob.run(spark, settings(config, source, copy, night, NIGHT)));
      nights.add(new NightFigures(size, seconds, result[0].night().imagesTouched()));
      out.printf(Locale.ROOT, "  night of %,d rows (%.3f %% of the store's): %.2f s, %,d images touched%n", size,
          100.0 * size / rows, seconds, result[0].night().imagesTouched());
      out.flush();
    }
    String nightFile = fractional;
    String all = AggregateBenchmark.generated(spark, workDir, "all-" + rows + "-" + sizes.get(0), out,
        () -> spark.read().parquet(history).unionByName(spark.read().parquet(nightFile)));
    double aggregate = timed(() -> AggregateJob.run(spark, AggregateSettings.majority(config, source, all,
        HadoopPaths.child(workDir, "relabel-aggregate-out"))));
    out.printf(Locale.ROOT, "  full aggregate (%,d rows): %.2f s%n", rows + sizes.get(0), aggregate);
    out.flush();
    return new Figures(rows, first, nights, aggregate);
  }

  private static RelabelSettings settings(Config config, AnnotationSource source, String store, String batch,
      LocalDate date) {
    return new RelabelSettings(source, store, batch, date, 1000, 10, RejectionLimit.from(config));
  }

  private static double timed(Runnable work) {
    long started = System.nanoTime();
    work.run();
    return (System.nanoTime() - started) / 1e9;
  }
}
