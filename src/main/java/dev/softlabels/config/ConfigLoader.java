package dev.softlabels.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Builds the effective configuration with one layering rule: reference.conf &lt; presets &lt;
 * conf/application.conf &lt; --conf FILE &lt; JVM system properties &lt; -Dkey=value &lt; command
 * options, then validates it against reference.conf, rejecting wrong types and unknown keys under
 * {@code softlabels} (except inside free-form maps), and any key that nothing would read: files may
 * only set {@code softlabels}, -D also Spark's own {@code spark.*}.
 */
public final class ConfigLoader {

  public static final String ROOT = "softlabels";

  /** -Dspark.x=v on the command line is the Spark setting softlabels.spark.conf."spark.x" = v. */
  private static final String SPARK_ROOT = "spark";

  private static final String SPARK_CONF = ROOT + ".spark.conf";

  /**
   * Sub-trees whose keys are the user's own (Spark settings, preset and model names): any key is
   * allowed there.
   */
  private static final List<String> OPEN_MAPS =
      List.of(
          SPARK_CONF,
          "softlabels.train.presets",
          "softlabels.reproduce.presets",
          "softlabels.embed.models");

  /** Keys that moved, old prefix to new: a configuration with the old one is told where it went. */
  private static final Map<String, String> RENAMED =
      Map.of("softlabels.aggregate.dawid-skene", "softlabels.aggregate.em");

  private ConfigLoader() {}

  /**
   * @param home the installation folder whose conf/application.conf is read when present
   * @param file an explicit --conf file, which must exist
   * @param overrides key to value, first entry wins; keys are softlabels.* or Spark settings
   *     (spark.*); a String value starting with '[' or '{' is read as HOCON (lists, objects), any
   *     other String as plain text so paths such as s3a://b/k stay intact, and other values (lists,
   *     booleans) as they are
   * @param presets a command's own presets, most specific first: each turns the configuration as
   *     set so far into keys that sit under everything the user set (softlabels.train.preset always
   *     applies last)
   */
  @SafeVarargs
  public static Config load(
      Optional<Path> home,
      Optional<Path> file,
      Map<String, ?> overrides,
      Function<Config, Config>... presets) {
    // Unresolved: defaultReference() folds every JVM system property into the reference, which
    // would make a misspelt -Dsoftlabels.x in SOFTLABELS_JAVA_OPTS a "known" key.
    Config reference = ConfigFactory.defaultReferenceUnresolved().resolve();
    rejectMisspeltSystemProperties(reference);
    Config merged = ConfigFactory.empty();
    for (Map.Entry<String, ?> entry : overrides.entrySet()) {
      merged = merged.withFallback(override(entry.getKey(), entry.getValue(), reference));
    }
    merged = merged.withFallback(ConfigFactory.systemProperties().withOnlyPath(ROOT));
    if (file.isPresent()) {
      if (!Files.isRegularFile(file.get())) {
        throw new UserError("configuration file not found: " + file.get() + " (--conf)");
      }
      merged = merged.withFallback(parse(file.get()));
    }
    Optional<Path> application = home.map(h -> h.resolve("conf").resolve("application.conf"));
    if (application.isPresent() && Files.isRegularFile(application.get())) {
      merged = merged.withFallback(parse(application.get()));
    }
    Config effective;
    try {
      effective = merged.withFallback(reference).resolve();
      rejectOtherRoots(merged, effective, reference);
      effective =
          withPresets(
              merged,
              effective,
              reference,
              Stream.concat(
                      Stream.of(presets),
                      Stream.<Function<Config, Config>>of(ConfigLoader::trainPreset))
                  .toList());
      effective.checkValid(reference, ROOT);
    } catch (ConfigException e) {
      throw new UserError("bad configuration: " + e.getMessage());
    }
    rejectUnknownKeys(effective, reference);
    return effective;
  }

  /** Reference configuration only, with the given overrides: for tests and embedding. */
  @SafeVarargs
  public static Config withOverrides(
      Map<String, ?> overrides, Function<Config, Config>... presets) {
    return load(Optional.empty(), Optional.empty(), overrides, presets);
  }

  /**
   * {@code effective} with per-run values that beat every layer (a study's paths for one cell),
   * checked like the user's keys so a wrong name fails instead of falling back to a default.
   */
  public static Config withValues(Config effective, Map<String, ?> values) {
    Config reference = ConfigFactory.defaultReferenceUnresolved().resolve();
    Config result;
    try {
      result = ConfigFactory.parseMap(values, "per-run values").withFallback(effective).resolve();
      result.checkValid(reference, ROOT);
    } catch (ConfigException e) {
      throw new UserError("bad configuration: " + e.getMessage());
    }
    rejectUnknownKeys(result, reference);
    return result;
  }

  /**
   * Presets sit between reference.conf and everything the user set, so an explicit key always beats
   * a preset's value; a more specific preset (a study's) beats the named train preset it selects.
   */
  private static Config withPresets(
      Config user, Config effective, Config reference, List<Function<Config, Config>> presets) {
    Config layers = ConfigFactory.empty();
    Config result = effective;
    for (Function<Config, Config> preset : presets) {
      layers = layers.withFallback(preset.apply(result));
      result = user.withFallback(layers).withFallback(reference).resolve();
    }
    return result;
  }

  /**
   * softlabels.train.preset = NAME: softlabels.train.presets.NAME's keys under softlabels.train.
   */
  private static Config trainPreset(Config effective) {
    return named(effective, "softlabels.train").atPath("softlabels.train");
  }

  /**
   * The preset that {@code scope}.preset names from {@code scope}.presets; empty for a blank name.
   *
   * @throws UserError for a name that is not there
   */
  public static Config named(Config effective, String scope) {
    String preset = effective.getString(scope + ".preset");
    if (preset.isBlank()) {
      return ConfigFactory.empty();
    }
    String path = scope + ".presets." + ConfigUtil.quoteString(preset);
    if (!effective.hasPath(path)) {
      throw new UserError(
          "unknown preset '"
              + preset
              + "' ("
              + scope
              + ".preset); known: "
              + effective.getConfig(scope + ".presets").root().keySet());
    }
    return effective.getConfig(path);
  }

  private static Config override(String key, Object value, Config reference) {
    List<String> segments = segments(key);
    String path =
        switch (segments.get(0)) {
          case ROOT -> key;
          case SPARK_ROOT -> SPARK_CONF + "." + ConfigUtil.quoteString(key);
          default ->
              throw unknownKey(
                  key, "-D" + key, suggestion(segments, List.of(ROOT, SPARK_ROOT), reference));
        };
    try {
      if (!(value instanceof String text)) {
        return ConfigFactory.parseMap(Map.of(path, value), "command line");
      }
      String trimmed = text.trim();
      if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
        return ConfigFactory.parseString(
            path + " = " + trimmed, ConfigParseOptions.defaults().setOriginDescription("-D" + key));
      }
      return ConfigFactory.parseMap(Map.of(path, text), "-D" + key);
    } catch (ConfigException e) {
      throw new UserError("bad value for -D" + key + ": " + e.getMessage());
    }
  }

  private static Config parse(Path path) {
    try {
      return ConfigFactory.parseFile(
          path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new UserError("cannot read configuration file " + path + ": " + e.getMessage());
    }
  }

  /**
   * The JVM's other properties (java.*, spark.*) belong to the JVM and Spark, but one whose root is
   * a typo of softlabels (say -Dsoftlables.classes in SOFTLABELS_JAVA_OPTS) was meant for us.
   */
  private static void rejectMisspeltSystemProperties(Config reference) {
    for (String name : new TreeSet<>(System.getProperties().stringPropertyNames())) {
      List<String> segments = segments(name);
      if (!segments.get(0).equals(ROOT) && close(segments.get(0), ROOT)) {
        throw unknownKey(
            name, "JVM system property -D" + name, suggestion(segments, List.of(ROOT), reference));
      }
    }
  }

  /**
   * Only softlabels is read from the files (-D keys were sorted out in {@link #override}), so any
   * other root there is a typo (softlables { ... }) or a forgotten prefix (spark.conf { ... }).
   */
  private static void rejectOtherRoots(Config user, Config effective, Config reference) {
    for (String root : user.root().keySet()) {
      if (root.equals(ROOT)) {
        continue;
      }
      Optional<Map.Entry<String, ConfigValue>> leaf =
          effective.withOnlyPath(ConfigUtil.joinPath(root)).entrySet().stream()
              .min(Map.Entry.comparingByKey());
      String key = leaf.map(Map.Entry::getKey).orElse(ConfigUtil.joinPath(root));
      ConfigOrigin origin =
          leaf.map(e -> e.getValue().origin()).orElse(user.root().get(root).origin());
      throw unknownKey(
          key,
          origin.description(),
          suggestion(ConfigUtil.splitPath(key), List.of(ROOT), reference));
    }
  }

  private static void rejectUnknownKeys(Config effective, Config reference) {
    for (Map.Entry<String, ConfigValue> entry : effective.withOnlyPath(ROOT).entrySet()) {
      String key = entry.getKey();
      if (reference.hasPathOrNull(key)
          || OPEN_MAPS.stream().anyMatch(m -> key.startsWith(m + "."))) {
        continue;
      }
      throw unknownKey(
          key,
          entry.getValue().origin().description(),
          suggestion(ConfigUtil.splitPath(key), List.of(ROOT), reference));
    }
  }

  private static UserError unknownKey(String key, String origin, String suggestion) {
    for (Map.Entry<String, String> renamed : RENAMED.entrySet()) {
      if (key.startsWith(renamed.getKey() + ".")) {
        return new UserError(
            "configuration key "
                + key
                + " from "
                + origin
                + " is now "
                + renamed.getValue()
                + key.substring(renamed.getKey().length()));
      }
    }
    return new UserError(
        "unknown configuration key "
            + key
            + " from "
            + origin
            + " (did you mean "
            + suggestion
            + "?)");
  }

  /**
   * The key that was most likely meant. A root close to one of {@code roots} is taken as a typo of
   * it, any other as a forgotten "softlabels." prefix (-Dclasses=...); under softlabels each
   * segment becomes the nearest name at its level of reference.conf, and free-form maps keep the
   * rest as given.
   */
  private static String suggestion(List<String> segments, List<String> roots, Config reference) {
    String root = nearest(segments.get(0), roots);
    List<String> rest = segments.subList(1, segments.size());
    if (!close(segments.get(0), root)) {
      root = ROOT;
      rest = segments;
    }
    List<String> path = new ArrayList<>(List.of(root));
    for (int i = 0; i < rest.size(); i++) {
      String current = ConfigUtil.joinPath(path);
      if (!root.equals(ROOT) || OPEN_MAPS.contains(current)) {
        path.addAll(rest.subList(i, rest.size()));
        break;
      }
      if (!reference.hasPath(current)
          || !(reference.getValue(current) instanceof ConfigObject level)
          || level.isEmpty()) {
        break;
      }
      path.add(level.containsKey(rest.get(i)) ? rest.get(i) : nearest(rest.get(i), level.keySet()));
    }
    return ConfigUtil.joinPath(path);
  }

  /** A -D or system property name is a plain dotted name, never a quoted HOCON path. */
  private static List<String> segments(String name) {
    return List.of(name.split("\\.", -1));
  }

  private static String nearest(String name, Collection<String> candidates) {
    return candidates.stream()
        .min(Comparator.comparingInt(c -> LevenshteinDistance.getDefaultInstance().apply(c, name)))
        .orElseThrow();
  }

  /** Within a typo or two (a third for long names): softlables, soft-labels, sprak. */
  private static boolean close(String name, String root) {
    return LevenshteinDistance.getDefaultInstance().apply(name, root)
        <= Math.max(2, root.length() / 3);
  }
}
