package dev.softlabels.testing;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The aggregate job run in the test's JVM: references for launched runs, and data for tests. */
public final class Aggregates {

  private Aggregates() {}

  /** Aggregates {@code input} into {@code output} with {@code settings} on top of the defaults. */
  public static void run(
      SparkSession spark, Path input, Path output, Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>(settings);
    all.put("softlabels.aggregate.input", input.toString());
    all.put("softlabels.aggregate.output", output.toString());
    AggregateJob.run(spark, AggregateSettings.from(ConfigLoader.withOverrides(all)));
  }
}
