package dev.softlabels.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole process measured from outside: /proc's figures, the log, the timeout's kill. */
class WholeProcessTest {

  private static final String STATUS =
      """
      Name:\tjava
      State:\tS (sleeping)
      Pid:\t4242
      VmPeak:\t 9876543 kB
      VmHWM:\t  2345678 kB
      VmRSS:\t  1234567 kB
      Threads:\t58
      """;

  @TempDir Path dir;

  @Test
  void readsAStatusFieldInKilobytes() {
    assertThat(WholeProcess.kilobytes(STATUS, "VmHWM")).isEqualTo(2_345_678L);
    assertThat(WholeProcess.kilobytes(STATUS, "VmRSS")).isEqualTo(1_234_567L);
    assertThat(WholeProcess.kilobytes(STATUS, "Threads")).isEqualTo(58L);
  }

  @Test
  void aFieldTheStatusLacksIsUnknown() {
    // A kernel thread's or an exited process's status has no memory lines.
    assertThat(WholeProcess.kilobytes("Name:\tkthreadd\nState:\tS (sleeping)\n", "VmHWM"))
        .isEqualTo(-1L);
    assertThat(WholeProcess.kilobytes(STATUS, "Vm")).isEqualTo(-1L);
  }

  @Test
  void measuresTheTreeOfAProcessThatSucceedsAndRemovesItsLog() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux's /proc");
    Path log = dir.resolve("process.log");

    WholeProcess.Run run =
        WholeProcess.run(
            List.of("sh", "-c", "sleep 0.4 & sleep 0.4; wait; echo done"),
            log,
            Duration.ofMinutes(1));

    assertThat(run.seconds()).isGreaterThanOrEqualTo(0.4);
    assertThat(run.peakBytes()).isPositive();
    assertThat(run.peakMegabytes()).isEqualTo(run.peakBytes() / 1e6);
    assertThat(run.cpuSeconds()).isGreaterThanOrEqualTo(0);
    assertThat(log).doesNotExist();
  }

  @Test
  void aFailedProcessKeepsItsLog() {
    Path log = dir.resolve("process.log");

    assertThatThrownBy(
            () ->
                WholeProcess.run(
                    List.of("sh", "-c", "echo boom; exit 3"), log, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exit code 3")
        .hasMessageContaining(log.toString());
    assertThat(log).content().contains("boom");
  }

  @Test
  void aProcessPastItsTimeoutIsKilledWithItsDescendants() throws Exception {
    Path log = dir.resolve("process.log");
    Path child = dir.resolve("child.pid");

    assertThatThrownBy(
            () ->
                WholeProcess.run(
                    List.of("sh", "-c", "sleep 60 & echo $! > " + child + "; wait"),
                    log,
                    Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("timeout of 1 s");
    long pid = Long.parseLong(Files.readString(child).trim());
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
  }
}
