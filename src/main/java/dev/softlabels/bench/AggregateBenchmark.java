package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AggregateJob;
import dev.softlabels.annotations.AggregateSettings;
import dev.softlabels.annotations.AggregateSummary;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.InputFormat;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.spark.HadoopPaths;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Times the aggregate job on generated annotation rows (10 votes per image, string ids) and, for the
 * majority vote when DuckDB's JDBC driver is on the classpath, DuckDB's group-by over the same Parquet files.
 */
public final class AggregateBenchmark {

  public static final int VOTES_PER_IMAGE = 10;
  static final long SEED = 42L;

  private AggregateBenchmark() {}

  public record Figures(long rows, double sparkSeconds, Double duckDbSeconds) {
    public double rowsPerSecond() {
      return rows / sparkSeconds;
    }
  }

  public static Figures run(SparkSession spark, Config config, AggregationMethod method, long rows, String workDir,
      int repeats, PrintWriter out) throws SQLException {
    AnnotationSource source = AnnotationSource.from(config);
    HadoopPaths paths = HadoopPaths.of(spark);
    String input = generated(spark, workDir, "annotations-" + rows, out,
        () -> AnnotationGenerator.rows(spark, rows, VOTES_PER_IMAGE, source.classes(), SEED));
    AggregateSettings settings = AggregateSettings.majority(config, parquet(source), input,
        HadoopPaths.child(workDir, "spark-out")).withMethod(method);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < repeats; i++) {
      AggregateSummary summary = AggregateJob.run(spark, settings);
      best = Math.min(best, summary.seconds());
      out.printf(Locale.ROOT, "spark aggregate (%s) run %d: %.2f s (%,.0f rows/s)%n", method.configName(), i + 1,
          summary.seconds(), rows / summary.seconds());
      if (summary.dawidSkene() != null) {
        out.printf(Locale.ROOT, "  dawid-skene: %s after %d iterations, %.2f s per iteration%n",
            summary.dawidSkene().converged() ? "converged" : "NOT converged", summary.dawidSkene().iterations(),
            summary.dawidSkene().secondsPerIteration());
      }
      out.flush();
    }
    Double duck = null;
    if (method != AggregationMethod.MAJORITY) {
      out.println("DuckDB comparison: only for the majority vote (a single group-by)");
    } else if (DuckDbAggregate.available()) {
      String duckOut = HadoopPaths.child(workDir, "duckdb-out.parquet");
      duck = Double.MAX_VALUE;
      for (int i = 0; i < repeats; i++) {
        paths.delete(duckOut);
        duck = Math.min(duck, DuckDbAggregate.seconds(input + "/*.parquet", duckOut, source.classes()));
      }
    } else {
      out.println("DuckDB's JDBC driver is not on the classpath: skipping the DuckDB comparison");
    }
    Figures figures = new Figures(rows, best, duck);
    out.printf(Locale.ROOT, "rows: %,d%nspark aggregate, %s (best of %d): %.2f s, %,.0f rows/s%n",
        rows, method.configName(), repeats, best, figures.rowsPerSecond());
    if (duck != null) {
      out.printf(Locale.ROOT, "duckdb group-by (best of %d): %.2f s, %,.0f rows/s%nspark / duckdb: %.2fx%n",
          repeats, duck, rows / duck, best / duck);
    }
    return figures;
  }

  /** {@code workDir/name}, written from {@code rows} unless an earlier run left it complete. */
  static String generated(SparkSession spark, String workDir, String name, PrintWriter out,
      Supplier<Dataset<Row>> rows) {
    String path = HadoopPaths.child(workDir, name);
    if (!HadoopPaths.of(spark).exists(HadoopPaths.child(path, "_SUCCESS"))) {
      out.printf(Locale.ROOT, "generating %s%n", path);
      out.flush();
      rows.get().write().mode("overwrite").parquet(path);
    }
    return path;
  }

  /** The source settings for the generated Parquet annotations. */
  static AnnotationSource parquet(AnnotationSource source) {
    return new AnnotationSource(InputFormat.PARQUET, "image_id", "annotator_id", "label",
        source.labelEncoding(), source.csvHeader(), source.csvDelimiter(), source.csvEncoding(), source.classes());
  }
}
