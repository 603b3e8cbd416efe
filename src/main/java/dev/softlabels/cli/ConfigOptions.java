package dev.softlabels.cli;

import com.typesafe.config.Config;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.spark.DriverContext;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.ProgressReporter;
import dev.softlabels.spark.Sessions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The configuration options every command takes (--conf FILE and -Dkey=value), and the one way a
 * command runs: {@link #run}.
 */
public final class ConfigOptions {

  /**
   * A command's work in its Spark session, with the effective configuration and its typed settings.
   */
  public interface Job<S> {
    void run(SparkSession spark, Config config, S settings) throws Exception;
  }

  /** A command that reads a few files on the driver and needs no Spark session. */
  public interface DriverJob<S> {
    void run(HadoopPaths paths, Config config, S settings) throws Exception;
  }

  /**
   * A command's work on the driver alone, for settings its {@link DriverChoice} says fit there (a
   * small local input).
   */
  public interface SmallJob<S> {
    void run(DriverContext driver, S settings) throws Exception;
  }

  /** Whether a command's settings let it run on the driver alone. */
  public interface DriverChoice<S> {
    boolean fits(DriverContext driver, S settings);
  }

  /** Set by bin/softlabels: the installation whose conf/application.conf is read. */
  public static final String HOME_PROPERTY = "softlabels.home";

  private static final Logger LOG = LoggerFactory.getLogger(ConfigOptions.class);

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "A HOCON file of settings (over conf/application.conf, under -D).")
  Path file;

  @Option(
      names = "-D",
      paramLabel = "KEY=VALUE",
      mapFallbackValue = "",
      description =
          "Set one configuration key, e.g. -Dsoftlabels.annotations.format=csv, or a Spark setting, "
              + "e.g. -Dspark.sql.shuffle.partitions=8. Repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  /**
   * The one way a command runs: builds its typed settings from the effective configuration (so
   * every check runs before Spark starts), then runs the job in a session that is stopped
   * afterwards, whatever happens. Logs when the job starts, when its session is up and when it has
   * finished, and a progress line every softlabels.progress.interval in between.
   *
   * @param command the command that runs: its name starts every line
   * @return the exit code of a run that did not throw
   */
  public static <S> int run(
      CommandSpec command, Config effective, Function<Config, S> settings, Job<S> job)
      throws Exception {
    Sessions.check(effective, LabelStore.SESSION);
    return inSession(command, effective, settings.apply(effective), job);
  }

  /**
   * {@link #run}, or where {@code onDriver} says the settings fit, {@code small} on the driver
   * alone with no Spark session: the same checks first, the same lines logged.
   */
  public static <S> int run(
      CommandSpec command,
      Config effective,
      Function<Config, S> settings,
      Job<S> job,
      DriverChoice<S> onDriver,
      SmallJob<S> small)
      throws Exception {
    Sessions.check(effective, LabelStore.SESSION);
    S typed = settings.apply(effective);
    DriverContext driver = DriverContext.of(effective);
    if (!onDriver.fits(driver, typed)) {
      return inSession(command, effective, typed, job);
    }
    try (ProgressReporter progress =
        ProgressReporter.startOnDriver(
            jobName(command),
            ProgressReporter.interval(effective),
            ConfigOptions::secondsSinceLaunch)) {
      small.run(driver, typed);
    }
    LOG.info(
        String.format(
            Locale.ROOT,
            "%s: finished %.1f s after launch (on the driver: no Spark session)",
            jobName(command),
            secondsSinceLaunch()));
    return 0;
  }

  private static <S> int inSession(CommandSpec command, Config effective, S typed, Job<S> job)
      throws Exception {
    Duration interval = ProgressReporter.interval(effective);
    String name = jobName(command);
    // The session takes seconds to start: without this line a command would look hung until it is
    // up.
    LOG.info(
        String.format(
            Locale.ROOT,
            "%s: settings checked %.1f s after launch; starting the Spark session",
            name,
            secondsSinceLaunch()));
    SparkSession spark = Sessions.start(effective, LabelStore.SESSION);
    try (ProgressReporter progress =
        ProgressReporter.start(
            spark.sparkContext(), name, interval, ConfigOptions::secondsSinceLaunch)) {
      LOG.info(
          String.format(
              Locale.ROOT, "%s: Spark session started in %.1f s", name, Sessions.startSeconds()));
      job.run(spark, effective, typed);
    } finally {
      Sessions.stop(spark);
    }
    LOG.info(
        String.format(Locale.ROOT, "%s: finished %.1f s after launch", name, secondsSinceLaunch()));
    return 0;
  }

  /**
   * A command run on the driver alone: the settings checked as for {@link #run}, then the job with
   * the file systems a session would reach, and no Spark session (seconds of a short command's
   * start).
   */
  public static <S> int runOnDriver(
      CommandSpec command, Config effective, Function<Config, S> settings, DriverJob<S> job)
      throws Exception {
    Sessions.check(effective, LabelStore.SESSION);
    S typed = settings.apply(effective);
    job.run(HadoopPaths.of(Sessions.hadoopConfiguration(effective)), effective, typed);
    LOG.info(
        String.format(
            Locale.ROOT,
            "%s: finished %.1f s after launch (no Spark session)",
            jobName(command),
            secondsSinceLaunch()));
    return 0;
  }

  /** "relabel history" for softlabels relabel history. */
  static String jobName(CommandSpec command) {
    return command.qualifiedName().substring(command.root().name().length()).strip();
  }

  /** The JVM's age: bin/softlabels starts it at once, so this is the user's wait so far. */
  private static double secondsSinceLaunch() {
    return ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
  }

  /**
   * The effective configuration. {@code fromOptions} holds the command's own options (key to value,
   * null for options not given); they win over -D, which wins over files. {@code presets}: the
   * command's own presets, as for {@link ConfigLoader#load}.
   */
  @SafeVarargs
  public final Config load(Map<String, ?> fromOptions, Function<Config, Config>... presets) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    fromOptions.forEach(
        (key, value) -> {
          if (value != null) {
            overrides.put(key, value);
          }
        });
    properties.forEach(overrides::putIfAbsent);
    Optional<Path> home = Optional.ofNullable(System.getProperty(HOME_PROPERTY)).map(Path::of);
    return ConfigLoader.load(home, Optional.ofNullable(file), overrides, presets);
  }
}
