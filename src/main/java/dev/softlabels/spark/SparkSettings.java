package dev.softlabels.spark;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.ConfigEntry$;
import scala.collection.JavaConverters;

/** The settings Spark and the session's extension (Delta) register, for {@link Sessions#check}. */
final class SparkSettings {

  /**
   * The objects whose initialisation registers their settings: Spark core's and SQL's. Other
   * modules (YARN, Kubernetes, Hive, Connect) are not on this classpath; their families are in
   * {@link #FREE}.
   */
  private static final List<String> REGISTRIES =
      List.of(
          "org.apache.spark.internal.config.package$",
          "org.apache.spark.internal.config.Deploy$",
          "org.apache.spark.internal.config.History$",
          "org.apache.spark.internal.config.Kryo$",
          "org.apache.spark.internal.config.Network$",
          "org.apache.spark.internal.config.Python$",
          "org.apache.spark.internal.config.R$",
          "org.apache.spark.internal.config.Status$",
          "org.apache.spark.internal.config.Streaming$",
          "org.apache.spark.internal.config.UI$",
          "org.apache.spark.internal.config.Worker$",
          "org.apache.spark.sql.internal.SQLConf$",
          "org.apache.spark.sql.internal.StaticSQLConf$");

  /** Settings Spark reads by name without registering them. */
  private static final Set<String> UNREGISTERED =
      Set.of("spark.master", "spark.app.name", "spark.app.id");

  /**
   * Families Spark (or a module not on this classpath) reads by prefix, with names of the user's
   * own: Hadoop settings, executor environment, catalogs, resources, metrics, Delta's table
   * defaults, the network modules' spark.MODULE.io.* and the modules' own.
   */
  private static final Pattern FREE =
      Pattern.compile(
          "spark\\.(hadoop|executorEnv|metrics\\.conf|yarn|kubernetes"
              + "|sql\\.catalog|sql\\.hive|connect|sql\\.connect|(driver|executor|worker)\\.resource"
              + "|databricks\\.delta\\.properties\\.defaults|[A-Za-z]+\\.io)\\..*");

  /** By the extension's registry: the settings known with it. */
  private static final Map<String, Map<String, ConfigEntry<?>>> KNOWN = new HashMap<>();

  private SparkSettings() {}

  /**
   * Every registered setting by its key and its older names.
   *
   * @param extensionRegistry the object that registers the session extension's settings
   */
  static synchronized Map<String, ConfigEntry<?>> known(String extensionRegistry) {
    return KNOWN.computeIfAbsent(extensionRegistry, SparkSettings::load);
  }

  private static Map<String, ConfigEntry<?>> load(String extensionRegistry) {
    for (String registry :
        Stream.concat(REGISTRIES.stream(), Stream.of(extensionRegistry)).toList()) {
      try {
        Class.forName(registry).getField("MODULE$").get(null);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot load Spark's settings from " + registry, e);
      }
    }
    Map<String, ConfigEntry<?>> entries = new HashMap<>();
    for (ConfigEntry<?> entry : ConfigEntry$.MODULE$.knownConfigs().values()) {
      entries.put(entry.key(), entry);
      JavaConverters.seqAsJavaList(entry.alternatives())
          .forEach(name -> entries.putIfAbsent(name, entry));
    }
    return Map.copyOf(entries);
  }

  /**
   * Whether Spark takes {@code key} without its being registered, or it belongs to a plugin's
   * namespace.
   */
  static boolean readFreely(String key, Collection<String> registered) {
    if (UNREGISTERED.contains(key) || FREE.matcher(key).matches()) {
      return true;
    }
    String namespace = namespace(key);
    return registered.stream()
        .map(SparkSettings::namespace)
        .distinct()
        .noneMatch(owned -> LevenshteinDistance.getDefaultInstance().apply(owned, namespace) <= 2);
  }

  /** spark.sql for spark.sql.shuffle.partitions. */
  private static String namespace(String key) {
    String[] segments = key.split("\\.", 3);
    return segments.length < 2 ? key : segments[0] + "." + segments[1];
  }

  static String nearest(String key, Collection<String> registered) {
    return registered.stream()
        .min(Comparator.comparingInt(k -> LevenshteinDistance.getDefaultInstance().apply(k, key)))
        .orElseThrow();
  }

  /** Spark's message as one sentence on one line, starting lower case as the rest of ours do. */
  static String sentence(String message) {
    String line = message.strip().replaceAll("\\s*\\n\\s*", " ");
    return line.isEmpty() ? line : Character.toLowerCase(line.charAt(0)) + line.substring(1);
  }
}
