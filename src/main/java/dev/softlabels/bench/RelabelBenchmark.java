package dev.softlabels.bench;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AggregateJob;
import dev.softlabels.annotations.AggregateSettings;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.RejectionLimit;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.spark.HadoopPaths;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A night's relabel against a full aggregate, in one run: a label store built from N generated rows
 * (one big first night), then a night adding a fraction of N (half more votes on random existing
 * images, half new images), then the aggregate job over all N + night rows. Last, the night's Delta
 * MERGE alone, replayed on a copy of the store: the part of a night no change in this project can
 * remove.
 */
public final class RelabelBenchmark {

  /** The target: a night costs at most this share of a full aggregate. */
  public static final double TARGET = 0.20;

  private RelabelBenchmark() {}

  public record Figures(long rows, long nightRows, double firstNightSeconds, double nightSeconds,
      double aggregateSeconds, long touchedImages, double mergeSeconds) {
    public double ratio() {
      return nightSeconds / aggregateSeconds;
    }

    public double mergeRatio() {
      return mergeSeconds / aggregateSeconds;
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
        LocalDate.parse("2026-01-01"), 1000, 10, RejectionLimit.from(config))));
    out.printf(Locale.ROOT, "first night (%,d rows into an empty store): %.2f s%n", rows, first);
    out.flush();
    LocalDate nightDate = LocalDate.parse("2026-01-02");
    double nightly = timed(() -> RelabelJob.run(spark, new RelabelSettings(source, store, night,
        nightDate, 1000, 10, RejectionLimit.from(config))));
    out.printf(Locale.ROOT, "night (%,d new rows, %.2f %% of the store's): %.2f s%n", nightRows, 100 * fraction,
        nightly);
    out.flush();
    double aggregate = timed(() -> AggregateJob.run(spark, AggregateSettings.majority(config, source, all,
        HadoopPaths.child(workDir, "relabel-aggregate-out"))));
    out.printf(Locale.ROOT, "full aggregate (%,d rows): %.2f s%n", rows + nightRows, aggregate);
    out.flush();
    LabelStore replay = new LabelStore(spark, HadoopPaths.child(workDir, "relabel-merge-" + rows));
    HadoopPaths.of(spark).delete(replay.labelsPath());
    HadoopPaths.of(spark).copy(new LabelStore(spark, store).labelsPath(), replay.labelsPath());
    // Read without the history: the copy's commit files carry new modification times.
    Dataset<Row> touched = spark.read().format("delta").load(replay.labelsPath())
        .where(col(LabelStore.LAST_CHANGED).equalTo(nightDate.toString())).cache();
    long touchedImages = touched.count();
    double merge = timed(() -> replay.upsert(touched));
    touched.unpersist();
    Figures figures = new Figures(rows, nightRows, first, nightly, aggregate, touchedImages, merge);
    out.printf(Locale.ROOT, "the night's Delta MERGE alone (its %,d touched images written again onto a copy of "
        + "the store): %.2f s (%.3f of the full aggregate)%n", touchedImages, merge, figures.mergeRatio());
    out.printf(Locale.ROOT, "night / full aggregate: %.3f (target <= %.2f: %s)%n", figures.ratio(), TARGET,
        figures.ratio() <= TARGET ? "met" : "NOT met");
    return figures;
  }

  private static double timed(Runnable work) {
    long started = System.nanoTime();
    work.run();
    return (System.nanoTime() - started) / 1e9;
  }
}
