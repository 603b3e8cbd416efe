package dev.softlabels.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.softlabels.config.UserError;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's SparkSession from configuration. The master is never set in code: bin/softlabels
 * (-Dspark.master) or spark-submit supplies it.
 */
public final class Sessions {

  private static final String EXTENSIONS = "spark.sql.extensions";

  /** The logger of Spark's executor, whose heartbeater warns when the driver is gone. */
  private static final String EXECUTOR_LOGGER = "org.apache.spark.executor.Executor";

  private static volatile double startSeconds = Double.NaN;

  private Sessions() {}

  /**
   * @param extension what the jobs' libraries need from the session (Delta Lake's, from the relabel
   *     store)
   */
  public static SparkSession start(Config config, SessionExtension extension) {
    SparkConf settings = settings(config);
    if (!settings.contains("spark.master")) {
      throw new UserError(
          "no Spark master is set: run through bin/softlabels or spark-submit, "
              + "or pass -Dspark.master=local[*] to the JVM");
    }
    long started = System.nanoTime();
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(config.getString("softlabels.spark.app-name"))
            .config(settings);
    SparkSession spark = with(builder, settings, extension).getOrCreate();
    // Not logged here: the command that runs the job logs it under its own name.
    startSeconds = (System.nanoTime() - started) / 1e9;
    return spark;
  }

  /**
   * Stops the session after its job. In local mode the executor lives in this JVM, and its
   * heartbeater can tick after the driver's heartbeat receiver is gone but before the executor
   * stops: Spark then logs a warning with a stack trace ("Could not find HeartbeatReceiver"), on a
   * busy machine now and then, also under the one line of a user error. A stopping session's last
   * heartbeat carries nothing anyone reads, so the executor's warnings are off from here on; its
   * errors still show.
   */
  public static void stop(SparkSession spark) {
    Configurator.setLevel(EXECUTOR_LOGGER, Level.ERROR);
    spark.stop();
  }

  /** How long the last {@link #start} took: the fixed cost every job pays before its own work. */
  public static double startSeconds() {
    return startSeconds;
  }

  /**
   * Refuses, before the session starts, a softlabels.spark.conf setting that Spark would refuse
   * only then (with a stack trace) and one it does not know at all, which it would silently ignore
   * (a typo). Unknown keys are refused in the namespaces that Spark's and Delta's registered
   * settings use (spark.sql, spark.executor, spark.databricks...), except families that Spark reads
   * by prefix; other namespaces belong to plugins, unless theirs is a typo of Spark's own.
   *
   * @param extension whose registered settings are known too
   */
  public static void check(Config config, SessionExtension extension) {
    Map<String, ConfigEntry<?>> known = SparkSettings.known(extension.settingsRegistry());
    for (Map.Entry<String, ConfigValue> entry :
        config.getConfig("softlabels.spark.conf").entrySet()) {
      String key = String.join(".", ConfigUtil.splitPath(entry.getKey()));
      String value = String.valueOf(entry.getValue().unwrapped());
      String origin = entry.getValue().origin().description();
      ConfigEntry<?> setting = known.get(key);
      if (setting != null) {
        try {
          setting.valueConverter().apply(value);
        } catch (IllegalArgumentException e) {
          throw new UserError(
              "bad Spark setting "
                  + key
                  + " = "
                  + value
                  + " from "
                  + origin
                  + ": "
                  + SparkSettings.sentence(e.getMessage()));
        }
      } else if (!SparkSettings.readFreely(key, known.keySet())) {
        throw new UserError(
            "unknown Spark setting "
                + key
                + " from "
                + origin
                + " (did you mean "
                + SparkSettings.nearest(key, known.keySet())
                + "?)");
      }
    }
  }

  /**
   * The Hadoop configuration a session started from {@code config} would have (spark.hadoop.*
   * settings, the AWS environment), for a command that reads files on the driver without one.
   */
  public static Configuration hadoopConfiguration(Config config) {
    return SparkHadoopUtil.get().newConfiguration(settings(config));
  }

  /**
   * The Spark settings a session started from {@code config} would have, for a command that decides
   * before any session starts whether it needs one.
   */
  public static SparkConf settings(Config config) {
    return settings(new SparkConf(), config);
  }

  /**
   * The session's Spark settings: the JVM's spark.* properties (bin/softlabels' local defaults,
   * spark-submit's settings) overridden by softlabels.spark.conf, where the configuration files and
   * the command's -Dspark.* options put theirs.
   */
  static SparkConf settings(SparkConf jvm, Config config) {
    SparkConf settings = jvm.clone();
    // entrySet flattens both "spark.x.y" = v and nested spark { x.y = v } forms to one quoted path.
    for (Map.Entry<String, ConfigValue> entry :
        config.getConfig("softlabels.spark.conf").entrySet()) {
      String key = String.join(".", ConfigUtil.splitPath(entry.getKey()));
      settings.set(key, String.valueOf(entry.getValue().unwrapped()));
    }
    return settings;
  }

  /**
   * The extension's SQL extension, added to any extensions the user configured rather than
   * replacing them, and its settings, each unless the user set it.
   */
  public static SparkSession.Builder with(
      SparkSession.Builder builder, SparkConf given, SessionExtension extension) {
    String extensions = given.get(EXTENSIONS, "");
    if (!extensions.contains(extension.sqlExtension())) {
      builder.config(
          EXTENSIONS,
          extensions.isBlank()
              ? extension.sqlExtension()
              : extensions + "," + extension.sqlExtension());
    }
    extension
        .defaults()
        .forEach(
            (key, value) -> {
              if (!given.contains(key)) {
                builder.config(key, value);
              }
            });
    return builder;
  }
}
