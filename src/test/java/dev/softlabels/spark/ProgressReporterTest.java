package dev.softlabels.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

  @Test
  void theDriversLineSaysWhatItsWorkHasDoneSoFar() {
    try (ProgressReporter reporter =
        ProgressReporter.startOnDriver("aggregate", Duration.ofHours(1), () -> 3.2)) {
      assertThat(ProgressReporter.driverLine("aggregate", () -> 3.2).get())
          .isEqualTo("aggregate: 3 s since launch; work on the driver");
      AtomicInteger buckets = new AtomicInteger(3);
      ProgressReporter.onDriver(() -> buckets.get() + " of 40 buckets");
      buckets.incrementAndGet();
      assertThat(ProgressReporter.driverLine("aggregate", () -> 12.6).get())
          .isEqualTo("aggregate: 13 s since launch; 4 of 40 buckets");
    }
  }

  @Test
  void aLineNamesTheJobItsSecondsAndEachRunningStagesTasks() {
    List<ProgressReporter.Stage> stages =
        List.of(
            new ProgressReporter.Stage(3, "parquet at AggregateJob.java:80", 1234, 2000, 2, 14.4),
            new ProgressReporter.Stage(4, "aggregate at VotePass.java:159", 0, 16, 0, 0.2));

    assertThat(ProgressReporter.line("aggregate", 24.6, stages))
        .isEqualTo(
            "aggregate: 25 s since launch; "
                + "stage 3 (parquet at AggregateJob.java:80) for 14 s: 1,234 of 2,000 tasks done, 2 running; "
                + "stage 4 (aggregate at VotePass.java:159) for 0 s: 0 of 16 tasks done, 0 running");
    assertThat(ProgressReporter.line("relabel history", 45, List.of()))
        .isEqualTo(
            "relabel history: 45 s since launch; no Spark stage running (work on the driver)");
  }

  @Test
  void theIntervalIsADurationOfAtLeast100Milliseconds() {
    assertThat(ProgressReporter.interval(ConfigLoader.withOverrides(Map.of())))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(interval("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(interval("1m")).isEqualTo(Duration.ofMinutes(1));
    for (String refused : List.of("abc", "50ms", "0s", "-1s", "5")) {
      assertThatThrownBy(() -> interval(refused))
          .as(refused)
          .isInstanceOf(UserError.class)
          .hasMessage(
              "softlabels.progress.interval must be a duration of at least 100ms, such as 10s, not '"
                  + refused
                  + "'");
    }
  }

  private static Duration interval(String value) {
    return ProgressReporter.interval(
        ConfigLoader.withOverrides(Map.of(ProgressReporter.INTERVAL_KEY, value)));
  }

  @Test
  void reportsEveryIntervalUntilClosedAndOutlivesAFailedReport() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    AtomicInteger reports = new AtomicInteger();
    try (ProgressReporter reporter =
        ProgressReporter.start(
            Duration.ofMillis(20),
            () -> {
              if (reports.incrementAndGet() == 1) {
                throw new IllegalStateException("the status tracker is gone");
              }
              return "line " + reports.get();
            },
            lines::add)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (lines.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3).startsWith("line 2", "line 3", "line 4");
    int afterClose = lines.size();
    Thread.sleep(200);
    assertThat(lines).as("no line after close").hasSize(afterClose);
  }
}
