package dev.softlabels.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.softlabels.config.UserError;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A line every interval while a job runs, so that no long step is silent: the seconds since launch
 * and each running Spark stage's tasks done (Spark's status tracker), logged by a daemon thread
 * that {@link #close} stops.
 */
public final class ProgressReporter implements AutoCloseable {

  public static final String INTERVAL_KEY = "softlabels.progress.interval";
  static final Duration SHORTEST_INTERVAL = Duration.ofMillis(100);
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  /** The driver's own work, which no status tracker follows. */
  private static final AtomicReference<Supplier<String>> DRIVER_WORK =
      new AtomicReference<>(() -> "work on the driver");

  /** One running stage: Spark's call-site name, its tasks and how long it has been running. */
  public record Stage(
      int id, String name, int tasksDone, int tasks, int tasksRunning, double seconds) {}

  private final ScheduledExecutorService timer;

  private ProgressReporter(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /**
   * softlabels.progress.interval, checked before any work starts.
   *
   * @throws UserError for a value that is no duration or shorter than 100 ms
   */
  public static Duration interval(Config config) {
    Duration interval;
    try {
      interval = config.getDuration(INTERVAL_KEY);
    } catch (ConfigException.BadValue e) {
      interval = Duration.ZERO;
    }
    if (interval.compareTo(SHORTEST_INTERVAL) < 0) {
      throw new UserError(
          INTERVAL_KEY
              + " must be a duration of at least 100ms, such as 10s, not '"
              + config.getString(INTERVAL_KEY)
              + "'");
    }
    return interval;
  }

  /**
   * Reports {@code job}'s running stages in {@code spark} every {@code interval}; {@code seconds}:
   * since launch.
   */
  public static ProgressReporter start(
      SparkContext spark, String job, Duration interval, DoubleSupplier seconds) {
    JavaSparkStatusTracker tracker = JavaSparkContext.fromSparkContext(spark).statusTracker();
    return start(interval, () -> line(job, seconds.getAsDouble(), running(tracker)), LOG::info);
  }

  /**
   * Reports {@code job}'s work on the driver (no Spark session) every {@code interval}: what it has
   * done so far, as its steps say ({@link #onDriver(Supplier)}).
   */
  public static ProgressReporter startOnDriver(
      String job, Duration interval, DoubleSupplier seconds) {
    DRIVER_WORK.set(() -> "work on the driver");
    return start(interval, driverLine(job, seconds), LOG::info);
  }

  /** The driver's progress line: the seconds since launch and what its work has done so far. */
  static Supplier<String> driverLine(String job, DoubleSupplier seconds) {
    return () ->
        String.format(
            Locale.ROOT,
            "%s: %.0f s since launch; %s",
            job,
            seconds.getAsDouble(),
            DRIVER_WORK.get().get());
  }

  /** What the driver's work has done so far, for its progress lines ({@link #startOnDriver}). */
  public static void onDriver(Supplier<String> done) {
    DRIVER_WORK.set(done);
  }

  static ProgressReporter start(Duration interval, Supplier<String> line, Consumer<String> sink) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "softlabels-progress");
              // Never what keeps a JVM alive whose command has returned.
              thread.setDaemon(true);
              return thread;
            });
    // A fixed delay, not a fixed rate: after a stall (a long GC, a loaded machine) the lines resume
    // their pace instead of catching up in a burst.
    timer.scheduleWithFixedDelay(
        () -> report(line, sink), interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    return new ProgressReporter(timer);
  }

  private static void report(Supplier<String> line, Consumer<String> sink) {
    try {
      sink.accept(line.get());
    } catch (RuntimeException e) {
      // An exception would cancel every later report; a missed line is the lesser loss.
      LOG.debug("progress line failed: {}", e.toString());
    }
  }

  /** The stages running now, oldest first. */
  static List<Stage> running(JavaSparkStatusTracker tracker) {
    long now = System.currentTimeMillis();
    return Arrays.stream(tracker.getActiveStageIds())
        .sorted()
        .mapToObj(tracker::getStageInfo)
        .filter(Objects::nonNull)
        .map(info -> stage(info, now))
        .toList();
  }

  private static Stage stage(SparkStageInfo info, long nowMillis) {
    return new Stage(
        info.stageId(),
        info.name(),
        info.numCompletedTasks(),
        info.numTasks(),
        info.numActiveTasks(),
        Math.max(0, nowMillis - info.submissionTime()) / 1e3);
  }

  /**
   * The progress line: where the job stands {@code seconds} after launch, running {@code stages}.
   */
  public static String line(String job, double seconds, List<Stage> stages) {
    String doing =
        stages.isEmpty()
            ? "no Spark stage running (work on the driver)"
            : stages.stream()
                .map(
                    stage ->
                        String.format(
                            Locale.ROOT,
                            "stage %d (%s) for %.0f s: %,d of %,d tasks done, " + "%,d running",
                            stage.id(),
                            stage.name(),
                            stage.seconds(),
                            stage.tasksDone(),
                            stage.tasks(),
                            stage.tasksRunning()))
                .collect(Collectors.joining("; "));
    return String.format(Locale.ROOT, "%s: %.0f s since launch; %s", job, seconds, doing);
  }

  /**
   * Stops the reports; a line being written is finished first, so none follows the job's own last
   * line.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
