package dev.softlabels.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.synthetic.GenerateJob;
import dev.softlabels.synthetic.GenerateSettings;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Synthetic-image throughput on 1 and then 2 local cores: rendering + PNG encoding alone (a no-op
 * sink), and the whole generate job (Parquet images, label table, summary).
 */
final class GenerateBenchmark {

  private GenerateBenchmark() {}

  public record Figures(int cores, double renderPerSecond, double jobPerSecond) {}

  public static Map<Integer, Figures> run(
      Config config, long images, int size, String work, PrintWriter out) {
    Map<Integer, Figures> figures = new HashMap<>();
    for (int cores : new int[] {1, 2}) {
      // Each core count needs its own local session; a benchmark is the one place that picks the
      // master.
      SparkSession spark =
          SparkSession.builder()
              .master("local[" + cores + "]")
              .appName("bench-generate")
              .config("spark.ui.enabled", "false")
              .getOrCreate();
      try {
        GenerateSettings settings =
            settings(config, images, size, HadoopPaths.child(work, "generate-" + cores), cores);
        GenerateSettings warmUp =
            settings(config, 2_000, size, HadoopPaths.child(work, "warm-up"), cores);
        GenerateJob.render(spark, warmUp, cores * 4)
            .write()
            .format("noop")
            .mode("overwrite")
            .save();

        long started = System.nanoTime();
        GenerateJob.render(spark, settings, cores * 4)
            .write()
            .format("noop")
            .mode("overwrite")
            .save();
        double render = images / ((System.nanoTime() - started) / 1e9);
        started = System.nanoTime();
        GenerateJob.run(spark, settings);
        double job = images / ((System.nanoTime() - started) / 1e9);
        figures.put(cores, new Figures(cores, render, job));
        out.printf(
            Locale.ROOT,
            "local[%d]: render+PNG %,.0f images/s (%,.0f per core); whole job %,.0f images/s%n",
            cores,
            render,
            render / cores,
            job);
        out.flush();
      } finally {
        spark.stop();
      }
    }
    out.printf(
        Locale.ROOT,
        "speed-up from 1 to 2 cores: render+PNG %.2fx, whole job %.2fx%n",
        figures.get(2).renderPerSecond() / figures.get(1).renderPerSecond(),
        figures.get(2).jobPerSecond() / figures.get(1).jobPerSecond());
    return figures;
  }

  private static GenerateSettings settings(
      Config config, long images, int size, String output, int cores) {
    GenerateSettings base =
        GenerateSettings.from(
            config.withValue("softlabels.generate.output", ConfigValueFactory.fromAnyRef(output)));
    return new GenerateSettings(
        images,
        size,
        base.seed(),
        base.splits(),
        base.trainFraction(),
        base.validationFraction(),
        base.pureShare(),
        base.ellipseAxisRatio(),
        base.minRadius(),
        base.maxRadius(),
        cores * 4,
        output,
        "",
        true);
  }
}
