package dev.softlabels.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.softlabels.config.UserError;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's SparkSession from configuration. The master is never set in code: bin/softlabels
 * (-Dspark.master) or spark-submit supplies it.
 */
public final class Sessions {

  private static final String EXTENSIONS = "spark.sql.extensions";
  private static final String DELTA_SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";
  private static final String SESSION_CATALOG = "spark.sql.catalog.spark_catalog";
  private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  private static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  private static volatile double startSeconds = Double.NaN;

  private Sessions() {}

  public static SparkSession start(Config config) {
    SparkConf settings = settings(new SparkConf(), config);
    if (!settings.contains("spark.master")) {
      throw new UserError("no Spark master is set: run through bin/softlabels or spark-submit, "
          + "or pass -Dspark.master=local[*] to the JVM");
    }
    long started = System.nanoTime();
    SparkSession.Builder builder = SparkSession.builder()
        .appName(config.getString("softlabels.spark.app-name"))
        .config(settings);
    SparkSession spark = withDelta(builder, settings).getOrCreate();
    // Not logged here: the command that runs the job logs it under its own name.
    startSeconds = (System.nanoTime() - started) / 1e9;
    return spark;
  }

  /** How long the last {@link #start} took: the fixed cost every job pays before its own work. */
  public static double startSeconds() {
    return startSeconds;
  }

  /**
   * Refuses, before the session starts, a softlabels.spark.conf setting that Spark would refuse only
   * then (with a stack trace) and one it does not know at all, which it would silently ignore (a typo).
   * Unknown keys are refused in the namespaces that Spark's and Delta's registered settings use
   * (spark.sql, spark.executor, spark.databricks...), except families that Spark reads by prefix; other
   * namespaces belong to plugins, unless theirs is a typo of Spark's own.
   */
  public static void check(Config config) {
    Map<String, ConfigEntry<?>> known = SparkSettings.known();
    for (Map.Entry<String, ConfigValue> entry : config.getConfig("softlabels.spark.conf").entrySet()) {
      String key = String.join(".", ConfigUtil.splitPath(entry.getKey()));
      String value = String.valueOf(entry.getValue().unwrapped());
      String origin = entry.getValue().origin().description();
      ConfigEntry<?> setting = known.get(key);
      if (setting != null) {
        try {
          setting.valueConverter().apply(value);
        } catch (IllegalArgumentException e) {
          throw new UserError("bad Spark setting " + key + " = " + value + " from " + origin + ": "
              + SparkSettings.sentence(e.getMessage()));
        }
      } else if (!SparkSettings.readFreely(key, known.keySet())) {
        throw new UserError("unknown Spark setting " + key + " from " + origin + " (did you mean "
            + SparkSettings.nearest(key, known.keySet()) + "?)");
      }
    }
  }

  /**
   * The session's Spark settings: the JVM's spark.* properties (bin/softlabels' local defaults,
   * spark-submit's settings) overridden by softlabels.spark.conf, where the configuration files and
   * the command's -Dspark.* options put theirs.
   */
  static SparkConf settings(SparkConf jvm, Config config) {
    SparkConf settings = jvm.clone();
    // entrySet flattens both "spark.x.y" = v and nested spark { x.y = v } forms to one quoted path.
    for (Map.Entry<String, ConfigValue> entry : config.getConfig("softlabels.spark.conf").entrySet()) {
      String key = String.join(".", ConfigUtil.splitPath(entry.getKey()));
      settings.set(key, String.valueOf(entry.getValue().unwrapped()));
    }
    return settings;
  }

  /**
   * Delta Lake's SQL extension and catalog (the relabel job's versioned tables need them), added to
   * any extensions the user configured rather than replacing them.
   */
  public static SparkSession.Builder withDelta(SparkSession.Builder builder, SparkConf given) {
    String extensions = given.get(EXTENSIONS, "");
    if (!extensions.contains(DELTA_EXTENSION)) {
      builder.config(EXTENSIONS, extensions.isBlank() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
    }
    if (!given.contains(SESSION_CATALOG)) {
      builder.config(SESSION_CATALOG, DELTA_CATALOG);
    }
    // Reading a table's state (its files, its idempotent-write ids) is a Spark job over the commit log,
    // shuffled into 50 partitions by default: 1.2 s for a label store's few commits, 0.3 s in one.
    if (!given.contains(DELTA_SNAPSHOT_PARTITIONS)) {
      builder.config(DELTA_SNAPSHOT_PARTITIONS, "1");
    }
    // A version's checksum file then lists its data files, protocol and metadata: a night reads the store's
    // rows and state from it instead of replaying the commit log in Spark jobs.
    for (String key : List.of("spark.databricks.delta.allFilesInCrc.enabled",
        "spark.databricks.delta.readProtocolAndMetadataFromChecksum.enabled")) {
      if (!given.contains(key)) {
        builder.config(key, "true");
      }
    }
    return builder;
  }
}
