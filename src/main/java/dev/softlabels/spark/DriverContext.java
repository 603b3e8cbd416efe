package dev.softlabels.spark;

import com.typesafe.config.Config;
import dev.softlabels.spark.internal.DriverParquet;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * What a command that runs on the driver alone reaches instead of a Spark session: the file systems
 * a session would reach, the session's Spark settings, and in local mode the task slots its session
 * would have.
 *
 * @param settings the Spark settings a session started from the same configuration would have
 */
public record DriverContext(HadoopPaths paths, Configuration hadoop, SparkConf settings) {

  /** local, local[N], local[*], local[N,F], local[*,F]: a master whose executor is this JVM. */
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");

  /** The context a session started from {@code config} would have. */
  public static DriverContext of(Config config) {
    SparkConf settings = Sessions.settings(config);
    Configuration hadoop = SparkHadoopUtil.get().newConfiguration(settings);
    return new DriverContext(HadoopPaths.of(hadoop), hadoop, settings);
  }

  /**
   * The default parallelism a local session would have (spark.default.parallelism, else its cores);
   * empty when the master is not local, whose session's work runs elsewhere.
   */
  public OptionalInt localParallelism() {
    Matcher local = LOCAL.matcher(settings.get("spark.master", ""));
    if (!local.matches()) {
      return OptionalInt.empty();
    }
    int cores =
        local.group(1) == null
            ? 1
            : local.group(1).equals("*")
                ? Runtime.getRuntime().availableProcessors()
                : Integer.parseInt(local.group(1));
    return OptionalInt.of(settings.getInt("spark.default.parallelism", cores));
  }

  /** Parquet tables written here as the session would write them. */
  public DriverParquet parquet() {
    return new DriverParquet(hadoop, settings);
  }
}
