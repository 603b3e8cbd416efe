package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.testing.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * What a test starts does not outlive it: not when it runs out of time, not when a script is
 * stopped.
 */
@Environment
@ResourceLock(SharedResources.LOCAL_CLUSTER)
@ResourceLock(SharedResources.S3MOCK)
@Order(9)
class ProcessTreeIT {

  @TempDir Path dir;

  @Test
  void aRunThatTimesOutLeavesNoProcessBehind() throws Exception {
    Path pids = dir.resolve("pids");
    // A child, a child that ignores SIGTERM (so does the sleep it starts), and one in a session of
    // its own.
    String script =
        String.join(
            "\n",
            "echo $$ >> " + pids,
            "sleep 600 & echo $! >> " + pids,
            "(trap '' TERM; sleep 600 & echo $! >> " + pids + "; wait) & echo $! >> " + pids,
            "setsid sleep 600 & echo $! >> " + pids,
            "wait");
    assertThatThrownBy(
            () -> LauncherIT.run(new ProcessBuilder("bash", "-c", script), Duration.ofSeconds(3)))
        .isInstanceOf(AssertionError.class)
        .hasMessageEndingWith("did not finish in 3 s");

    List<Long> started = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
    assertThat(started).hasSize(5);
    assertThat(started).as("processes left running").filteredOn(ProcessTreeIT::alive).isEmpty();
  }

  @Test
  void withS3MockStopsItsServerAndTheCommandOnSigterm() throws Exception {
    Path ready = dir.resolve("ready");
    try (ProcessTree s3 =
        ProcessTree.start(
            new ProcessBuilder(
                    LauncherIT.HOME.resolve("bin/with-s3mock").toString(),
                    "--port",
                    "9690",
                    "--",
                    "bash",
                    "-c",
                    "touch " + ready + "; sleep 600")
                .directory(LauncherIT.HOME.toFile())
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile()))) {
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!Files.exists(ready)) {
        assertThat(s3.process().isAlive()).as(Files.readString(dir.resolve("err"))).isTrue();
        assertThat(System.nanoTime()).as("S3Mock up within 5 minutes").isLessThan(deadline);
        Thread.sleep(100);
      }
      List<ProcessHandle> tree = s3.process().descendants().toList();
      assertThat(tree)
          .as("S3Mock's JVM among the script's processes")
          .anyMatch(p -> p.info().commandLine().orElse("").contains("s3mock"));

      s3.process().destroy(); // SIGTERM to the script alone, as kill PID sends it
      assertThat(s3.waitFor(Duration.ofSeconds(30))).as("with-s3mock ends on SIGTERM").isTrue();
      assertThat(s3.process().exitValue()).isEqualTo(143);
      assertThat(tree).as("processes left running").filteredOn(ProcessHandle::isAlive).isEmpty();
    }
  }

  @Test
  void localClusterStartStopsWhatItStartedOnSigterm() throws Exception {
    Path cluster = dir.resolve("cluster");
    ProcessBuilder builder =
        new ProcessBuilder(
                LauncherIT.HOME.resolve("bin/local-cluster").toString(), "start", "--port", "7277")
            .directory(LauncherIT.HOME.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out").toFile());
    builder.environment().put("SOFTLABELS_CLUSTER_DIR", cluster.toString());
    try (ProcessTree start = ProcessTree.start(builder)) {
      // ui-port is written once the Master and both Workers are launched, before they register.
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (!Files.exists(cluster.resolve("ui-port"))) {
        assertThat(start.process().isAlive()).as(Files.readString(dir.resolve("out"))).isTrue();
        assertThat(System.nanoTime())
            .as("the cluster launched within 10 minutes")
            .isLessThan(deadline);
        Thread.sleep(100);
      }
      List<Long> daemons = new ArrayList<>();
      for (String name : List.of("master", "worker-1", "worker-2")) {
        daemons.add(Long.parseLong(Files.readString(cluster.resolve(name + ".pid")).strip()));
      }

      start.process().destroy(); // SIGTERM to the script alone, as Ctrl-C or kill PID would
      assertThat(start.waitFor(Duration.ofSeconds(60)))
          .as("local-cluster start ends on SIGTERM")
          .isTrue();
      assertThat(start.process().exitValue())
          .as(Files.readString(dir.resolve("out")))
          .isEqualTo(143);
      assertThat(daemons)
          .as("Master and Workers left running")
          .filteredOn(ProcessTreeIT::alive)
          .isEmpty();
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
