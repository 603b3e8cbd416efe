package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AggregateJob;
import dev.softlabels.annotations.AggregateSettings;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.spark.HadoopPaths;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * A night's relabel against a full aggregate, in one run: a label store built from N generated rows
 * (one big first night), then a night adding a fraction of N (half more votes on random existing
 * images, half new images), then the aggregate job over all N + night rows.
 */
public final class RelabelBenchmark {

  /** The target: a night costs at most this share of a full aggregate. */
  public static final double TARGET = 0.20;

  private RelabelBenchmark() {}

  public record Figures(long rows, long nightRows, double firstNightSeconds, double nightSeconds,
      double aggregateSeconds) {
    public double ratio() {
      return nightSeconds / aggregateSeconds;
    }
  }

  public static Figures run(SparkSession spark, Config config, long rows, double fraction, String workDir,
      PrintWriter out) {
    AnnotationSource source = AggregateBenchmark.parquet(AnnotationSource.from(config));
    int votes = AggregateBenchmark.VOTES_PER_IMAGE;
    long nightRows = Math.max(1, Math.round(rows * fraction));
    String history = AggregateBenchmark.generated(spark, workDir, "annotations-" + rows, out,
        () -> AnnotationGenerator.rows(spark, rows, votes, source.classes(), AggregateBenchmark.SEED));
    String night = AggregateBenchmark.generated(spark, workDir, "night-" + rows + "-" + nightRows, out,
        () -> AnnotationGenerator.night(spark, nightRows, rows, votes, source.classes(), AggregateBenchmark.SEED));
    String all = AggregateBenchmark.generated(spark, workDir, "all-" + rows + "-" + nightRows, out,
        () -> spark.read().parquet(history).unionByName(spark.read().parquet(night)));
    String store = HadoopPaths.child(workDir, "relabel-store-" + rows);
    HadoopPaths.of(spark).delete(store);

    double first = timed(() -> RelabelJob.run(spark, new RelabelSettings(source, store, history,
        LocalDate.parse("2026-01-01"), 1000, 10)));
    out.printf(Locale.ROOT, "first night (%,d rows into an empty store): %.2f s%n", rows, first);
    out.flush();
    double nightly = timed(() -> RelabelJob.run(spark, new RelabelSettings(source, store, night,
        LocalDate.parse("2026-01-02"), 1000, 10)));
    out.printf(Locale.ROOT, "night (%,d new rows, %.2f %% of the store's): %.2f s%n", nightRows, 100 * fraction, nightly);
    out.flush();
    double aggregate = timed(() -> AggregateJob.run(spark, AggregateSettings.majority(config, source, all,
        HadoopPaths.child(workDir, "relabel-aggregate-out"))));
    Figures figures = new Figures(rows, nightRows, first, nightly, aggregate);
    out.printf(Locale.ROOT, "full aggregate (%,d rows): %.2f s%nnight / full aggregate: %.3f (target <= %.2f: %s)%n",
        rows + nightRows, aggregate, figures.ratio(), TARGET, figures.ratio() <= TARGET ? "met" : "NOT met");
    return figures;
  }

  private static double timed(Runnable work) {
    long started = System.nanoTime();
    work.run();
    return (System.nanoTime() - started) / 1e9;
  }
}
