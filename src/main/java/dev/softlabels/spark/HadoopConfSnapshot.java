package dev.softlabels.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The session's Hadoop settings as a serializable map, so executor-side code can open the same file
 * systems (s3a credentials providers, endpoints) the driver uses.
 */
public final class HadoopConfSnapshot implements Serializable {

  private final Map<String, String> entries = new HashMap<>();

  public HadoopConfSnapshot(SparkSession spark) {
    spark.sparkContext().hadoopConfiguration().forEach(e -> entries.put(e.getKey(), e.getValue()));
  }

  public Configuration toConfiguration() {
    Configuration conf = new Configuration(false);
    entries.forEach(conf::set);
    return conf;
  }
}
