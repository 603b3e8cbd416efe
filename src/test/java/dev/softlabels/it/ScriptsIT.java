package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bin/ scripts' own options: a mistake is one line on stderr and exit status 2, before anything
 * runs.
 */
@Order(7)
class ScriptsIT {

  @TempDir Path dir;

  @Test
  void theNightlyWrapperTakesOnlyACalendarDate() throws Exception {
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    // inbox/../x.csv exists: a date of ../x would find it and log to logs/../x.log, outside the log
    // folder.
    Files.copy(LauncherIT.HOME.resolve("examples/annotations.csv"), dir.resolve("x.csv"));
    for (String date : List.of("../x", "2026-02-30", "2026-1-05")) {
      LauncherIT.Result refused =
          LauncherIT.run(
              "bin/relabel-nightly",
              "--state",
              dir.resolve("store").toString(),
              "--inbox",
              inbox.toString(),
              "--log-dir",
              dir.resolve("logs").toString(),
              "--date",
              date);
      assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
      assertThat(refused.err().strip())
          .isEqualTo(
              "relabel-nightly: --date must be a calendar date YYYY-MM-DD, not '" + date + "'");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("inbox", "x.csv");
    }
  }

  @Test
  void shortLocalRunsStartWithC1OnlyAndLargeOrRemoteOnesWithBothCompilers() throws Exception {
    Path small = Files.writeString(dir.resolve("small.csv"), "image_id,annotator_id,label\n");
    Path large = dir.resolve("large.csv");
    try (var file = new java.io.RandomAccessFile(large.toFile(), "rw")) {
      file.setLength(8L * 1024 * 1024); // the launcher's limit: from here both compilers
    }
    String quick = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    String full = "-XX:+UseParallelGC";
    assertThat(javaCommand(Map.of(), "--help")).contains(quick).doesNotContain(full);
    assertThat(javaCommand(Map.of(), "aggregate", "--input", small.toString(), "--output", "o"))
        .contains(quick)
        .doesNotContain(full);
    assertThat(javaCommand(Map.of(), "to-csv", "--input=" + small, "--output", "o"))
        .contains(quick)
        .doesNotContain(full);
    assertThat(javaCommand(Map.of(), "aggregate", "--input", large.toString(), "--output", "o"))
        .contains(full)
        .doesNotContain(quick);
    assertThat(
            javaCommand(
                Map.of(), "relabel", "--state", "s3a://bucket/store", "--batch", small.toString()))
        .contains(full)
        .doesNotContain(quick);
    assertThat(javaCommand(Map.of(), "train", "--images", small.toString()))
        .contains(full)
        .doesNotContain(quick);
    assertThat(
            javaCommand(Map.of("SOFTLABELS_JIT", "full"), "aggregate", "--input", small.toString()))
        .contains(full)
        .doesNotContain(quick);
    assertThat(
            javaCommand(
                Map.of("SOFTLABELS_JIT", "quick"), "aggregate", "--input", large.toString()))
        .contains(quick)
        .doesNotContain(full);

    String[] onACluster = {"--master", "spark://127.0.0.1:7077", "aggregate", "--input", "in"};
    assertThat(javaCommand(Map.of(), onACluster)).doesNotContain(quick).doesNotContain(full);
    assertThat(javaCommand(Map.of("SOFTLABELS_JIT", "quick"), onACluster))
        .contains("spark.executor.extraJavaOptions=")
        .containsPattern(
            "spark.executor.extraJavaOptions=.*" + java.util.regex.Pattern.quote(quick));

    LauncherIT.Result refused = launcherWith(Map.of("SOFTLABELS_JIT", "fast"), "--version");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err().strip())
        .isEqualTo("softlabels: SOFTLABELS_JIT must be auto, quick or full, not 'fast'");
  }

  /**
   * Huge pages only for JVMs on this machine (local mode, a cluster on loopback), and only where
   * the kernel gives them on request: under "never" the JVM would warn on every start, and a remote
   * cluster's executors run on other machines.
   */
  @Test
  void jvmsOnThisMachineAskForTransparentHugePagesWhereTheKernelGivesThemOnRequest()
      throws Exception {
    Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    boolean onRequest =
        Files.isReadable(setting) && Files.readString(setting).contains("[madvise]");
    String hugePages = "-XX:+UseTransparentHugePages";
    for (String command :
        List.of(
            javaCommand(Map.of(), "aggregate", "--input", "in"),
            javaCommand(
                Map.of(), "--master", "spark://127.0.0.1:7077", "aggregate", "--input", "in"))) {
      if (onRequest) {
        assertThat(command).contains(hugePages);
      } else {
        assertThat(command).doesNotContain(hugePages);
      }
    }
    assertThat(
            javaCommand(
                Map.of(), "--master", "spark://cluster.example:7077", "aggregate", "--input", "in"))
        .doesNotContain(hugePages);
  }

  /** The java command line bin/softlabels would run (JAVA=echo prints it instead). */
  private String javaCommand(Map<String, String> environment, String... args) throws Exception {
    Map<String, String> withEcho = new java.util.HashMap<>(environment);
    withEcho.put("JAVA", "echo");
    withEcho.put("SOFTLABELS_CLASS_ARCHIVE", "off");
    LauncherIT.Result printed = launcherWith(withEcho, args);
    assertThat(printed.exitCode()).as(printed.err()).isZero();
    return printed.out();
  }

  private static LauncherIT.Result launcherWith(Map<String, String> environment, String... args)
      throws Exception {
    List<String> command =
        new ArrayList<>(List.of(LauncherIT.HOME.resolve("bin/softlabels").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("SOFTLABELS_JIT");
    builder.environment().putAll(environment);
    return LauncherIT.run(builder);
  }

  @Test
  void anOptionWithoutItsValueOrWithAWrongOneIsRefused() throws Exception {
    Files.writeString(dir.resolve("report.html"), "<p>report</p>");
    String html = dir.resolve("report.html").toString();
    String png = dir.resolve("shot.png").toString();
    List<String[]> cases =
        List.of(
            new String[] {
              "relabel-nightly: --state needs a value (see --help)",
              "bin/relabel-nightly",
              "--state"
            },
            new String[] {
              "relabel-nightly: --state needs a value (see --help)",
              "bin/relabel-nightly",
              "--state",
              "--inbox",
              "in"
            },
            new String[] {
              "relabel-nightly: --inbox needs a value (see --help)",
              "bin/relabel-nightly",
              "--state",
              "s",
              "--inbox"
            },
            new String[] {
              "relabel-nightly: --date needs a value (see --help)", "bin/relabel-nightly", "--date"
            },
            new String[] {
              "relabel-nightly: --log-dir needs a value (see --help)",
              "bin/relabel-nightly",
              "--state",
              "s",
              "--inbox",
              "in",
              "--log-dir"
            },
            new String[] {
              "with-s3mock: --port needs a value (see --help)", "bin/with-s3mock", "--port"
            },
            new String[] {
              "with-s3mock: --bucket needs a value (see --help)", "bin/with-s3mock", "--bucket"
            },
            new String[] {
              "with-s3mock: --port must be a number from 1 to 65534, not 'abc'",
              "bin/with-s3mock",
              "--port",
              "abc",
              "--",
              "true"
            },
            new String[] {
              "with-s3mock: --bucket must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and"
                  + " hyphens), not 'My_Bucket'",
              "bin/with-s3mock",
              "--bucket",
              "My_Bucket",
              "--",
              "true"
            },
            new String[] {
              "local-cluster: --workers needs a value (see --help)",
              "bin/local-cluster",
              "start",
              "--workers"
            },
            new String[] {
              "local-cluster: --memory needs a value (see --help)",
              "bin/local-cluster",
              "start",
              "--memory"
            },
            new String[] {
              "local-cluster: --port must be a whole number above 0, not 'abc'",
              "bin/local-cluster",
              "start",
              "--port",
              "abc"
            },
            new String[] {
              "screenshot-report: WIDTH and HEIGHT must be pixels (a whole number above 0), not 'wide'",
              "bin/screenshot-report",
              html,
              png,
              "wide",
              "600"
            },
            new String[] {
              "screenshot-report: --dump-dom takes REPORT.html and DOM.html (see --help)",
              "bin/screenshot-report",
              "--dump-dom",
              html
            },
            new String[] {
              "softlabels: --master needs a URL, e.g. --master spark://127.0.0.1:7077",
              "bin/softlabels",
              "--master=",
              "aggregate",
              "--input",
              "examples/annotations.csv",
              "--output",
              dir.resolve("out").toString()
            });
    for (String[] c : cases) {
      List<String> command = new ArrayList<>(List.of(c).subList(1, c.length));
      command.set(0, LauncherIT.HOME.resolve(command.get(0)).toString());
      ProcessBuilder builder = new ProcessBuilder(command);
      // Never the cluster folder ClusterIT uses, should a start get through.
      builder.environment().put("SOFTLABELS_CLUSTER_DIR", dir.resolve("cluster").toString());
      LauncherIT.Result refused = LauncherIT.run(builder);
      String what = String.join(" ", command);
      assertThat(refused.exitCode()).as(what + ": " + refused.err()).isEqualTo(2);
      assertThat(refused.err().strip()).as(what).isEqualTo(c[0]);
      assertThat(refused.out()).as(what).isEmpty();
    }
    assertThat(dir.resolve("out")).as("no local run for an empty --master=").doesNotExist();
    assertThat(dir.resolve("shot.png")).doesNotExist();
  }
}
