package dev.softlabels.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.softlabels.config.UserError;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's SparkSession from configuration. The master is never set in code: bin/softlabels
 * (-Dspark.master) or spark-submit supplies it.
 */
public final class Sessions {

  private Sessions() {}

  public static SparkSession start(Config config) {
    SparkConf sparkConf = new SparkConf();
    if (!sparkConf.contains("spark.master")) {
      throw new UserError("no Spark master is set: run through bin/softlabels or spark-submit, "
          + "or pass -Dspark.master=local[*] to the JVM");
    }
    SparkSession.Builder builder = SparkSession.builder()
        .appName(config.getString("softlabels.spark.app-name"))
        .config(sparkConf);
    // entrySet flattens both "spark.x.y" = v and nested spark { x.y = v } forms to one quoted path.
    for (Map.Entry<String, ConfigValue> entry : config.getConfig("softlabels.spark.conf").entrySet()) {
      String key = String.join(".", ConfigUtil.splitPath(entry.getKey()));
      builder.config(key, String.valueOf(entry.getValue().unwrapped()));
    }
    return builder.getOrCreate();
  }
}
