package dev.softlabels.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Builds the effective configuration: reference.conf &lt; conf/application.conf &lt; --conf FILE &lt;
 * JVM system properties &lt; -Dkey=value, then validates it against reference.conf, rejecting wrong
 * types and unknown keys under {@code softlabels} (except inside free-form maps).
 */
public final class ConfigLoader {

  public static final String ROOT = "softlabels";
  /** Settings trees that take a named preset (softlabels.train.preset) layered under the user's keys. */
  private static final List<String> PRESET_SCOPES = List.of("softlabels.train");
  /** Sub-trees whose keys are the user's own (Spark settings, preset and model names): any key is allowed there. */
  private static final List<String> OPEN_MAPS =
      List.of("softlabels.spark.conf", "softlabels.train.presets", "softlabels.reproduce.presets",
          "softlabels.embed.models");

  private ConfigLoader() {}

  /**
   * @param home the installation folder whose conf/application.conf is read when present
   * @param file an explicit --conf file, which must exist
   * @param overrides key to value, first entry wins; a String value starting with '[' or '{' is read
   *     as HOCON (lists, objects), any other String as plain text so paths such as s3a://b/k stay
   *     intact, and other values (lists, booleans) as they are
   */
  public static Config load(Optional<Path> home, Optional<Path> file, Map<String, ?> overrides) {
    Config reference = ConfigFactory.defaultReference().resolve();
    Config merged = ConfigFactory.empty();
    for (Map.Entry<String, ?> entry : overrides.entrySet()) {
      merged = merged.withFallback(entry.getValue() instanceof String text
          ? override(entry.getKey(), text)
          : ConfigFactory.parseMap(Map.of(entry.getKey(), entry.getValue()), "command line"));
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
      effective = withPresets(merged, effective, reference);
      effective.checkValid(reference, ROOT);
    } catch (ConfigException e) {
      throw new UserError("bad configuration: " + e.getMessage());
    }
    rejectUnknownKeys(effective, reference);
    return effective;
  }

  /** Reference configuration only, with the given overrides: for tests and embedding. */
  public static Config withOverrides(Map<String, ?> overrides) {
    return load(Optional.empty(), Optional.empty(), overrides);
  }

  /**
   * A scope's named preset (e.g. softlabels.train.preset = paper) sits between reference.conf and
   * everything the user set, so an explicit key always beats the preset's value.
   */
  private static Config withPresets(Config user, Config effective, Config reference) {
    Config result = effective;
    for (String scope : PRESET_SCOPES) {
      String preset = effective.getString(scope + ".preset");
      if (preset.isBlank()) {
        continue;
      }
      String path = scope + ".presets." + ConfigUtil.quoteString(preset);
      if (!effective.hasPath(path)) {
        throw new UserError("unknown preset '" + preset + "' (" + scope + ".preset); known: "
            + effective.getConfig(scope + ".presets").root().keySet());
      }
      result = user.withFallback(effective.getConfig(path).atPath(scope)).withFallback(reference).resolve();
    }
    return result;
  }

  private static Config override(String key, String value) {
    try {
      String trimmed = value.trim();
      if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
        return ConfigFactory.parseString(key + " = " + trimmed);
      }
      return ConfigFactory.parseMap(Map.of(key, value), "-D" + key);
    } catch (ConfigException e) {
      throw new UserError("bad value for -D" + key + ": " + e.getMessage());
    }
  }

  private static Config parse(Path path) {
    try {
      return ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new UserError("cannot read configuration file " + path + ": " + e.getMessage());
    }
  }

  private static void rejectUnknownKeys(Config effective, Config reference) {
    List<String> known = reference.withOnlyPath(ROOT).entrySet().stream().map(Map.Entry::getKey).toList();
    for (Map.Entry<String, ConfigValue> entry : effective.withOnlyPath(ROOT).entrySet()) {
      String key = entry.getKey();
      if (reference.hasPathOrNull(key) || OPEN_MAPS.stream().anyMatch(m -> key.startsWith(m + "."))) {
        continue;
      }
      String origin = entry.getValue().origin().description();
      String hint = known.stream()
          .min(Comparator.comparingInt(k -> LevenshteinDistance.getDefaultInstance().apply(k, key)))
          .map(k -> " (did you mean " + k + "?)")
          .orElse("");
      throw new UserError("unknown configuration key " + key + " from " + origin + hint);
    }
  }
}
