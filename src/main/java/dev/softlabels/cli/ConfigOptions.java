package dev.softlabels.cli;

import com.typesafe.config.Config;
import dev.softlabels.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The configuration options every command takes: --conf FILE and -Dkey=value. */
public final class ConfigOptions {

  /** Set by bin/softlabels: the installation whose conf/application.conf is read. */
  public static final String HOME_PROPERTY = "softlabels.home";

  @Option(names = "--conf", paramLabel = "FILE",
      description = "A HOCON file of settings (over conf/application.conf, under -D).")
  Path file;

  @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "Set one configuration key, e.g. -Dsoftlabels.annotations.format=csv, or a Spark setting, "
          + "e.g. -Dspark.sql.shuffle.partitions=8. Repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  /**
   * The effective configuration. {@code fromOptions} holds the command's own options (key to value,
   * null for options not given); they win over -D, which wins over files. {@code presets}: the
   * command's own presets, as for {@link ConfigLoader#load}.
   */
  @SafeVarargs
  public final Config load(Map<String, ?> fromOptions, Function<Config, Config>... presets) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    fromOptions.forEach((key, value) -> {
      if (value != null) {
        overrides.put(key, value);
      }
    });
    properties.forEach(overrides::putIfAbsent);
    Optional<Path> home = Optional.ofNullable(System.getProperty(HOME_PROPERTY)).map(Path::of);
    return ConfigLoader.load(home, Optional.ofNullable(file), overrides, presets);
  }
}
