package dev.softlabels.bench;

import dev.softlabels.labels.ClassList;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.io.FileUtils;

/**
 * The two whole processes the aggregate benchmarks ({@code bench aggregate}, {@code bench scale})
 * time in turns on one generated Parquet input, each a fresh process measured by {@link
 * WholeProcess}: {@code bin/softlabels aggregate}, as a user runs it, and a JVM running only
 * DuckDB's same-semantics peer ({@link DuckDbAggregate#main}). Both are given the same class list,
 * softlabels with {@code --classes}, so that both do the same work: DuckDB's peer infers no
 * classes, and softlabels without the list would first infer them from the labels. Each run's
 * output (under the scratch directory's process-out/) is removed after it, and so is its log unless
 * it failed.
 */
final class AggregateProcesses {

  private final Path launcher;
  private final Path workDir;
  private final Duration timeout;

  private AggregateProcesses(Path launcher, Path workDir, Duration timeout) {
    this.launcher = launcher;
    this.workDir = workDir;
    this.timeout = timeout;
  }

  /** One turn: softlabels, then DuckDB, on the same input. */
  record Turn(WholeProcess.Run softlabels, WholeProcess.Run duckDb) {

    /** softlabels' wall-clock seconds over DuckDB's. */
    double ratio() {
      return softlabels.seconds() / duckDb.seconds();
    }
  }

  /**
   * The processes, run from {@code workDir}'s process-out/ and killed with their descendants after
   * {@code timeout}; empty when this JVM was not started by bin/softlabels (no softlabels.home).
   */
  static Optional<AggregateProcesses> find(String workDir, Duration timeout) {
    return Optional.ofNullable(System.getProperty("softlabels.home"))
        .map(
            home ->
                new AggregateProcesses(
                    Path.of(home, "bin", "softlabels"), Path.of(workDir), timeout));
  }

  /** softlabels, then DuckDB, on the Parquet folder {@code input} with the same classes. */
  Turn turn(String input, ClassList classes) throws IOException, InterruptedException {
    return new Turn(softlabels(input, classes), duckDb(input, classes));
  }

  /** {@code bin/softlabels aggregate --input INPUT --classes A,B,...}: majority, the defaults. */
  WholeProcess.Run softlabels(String input, ClassList classes)
      throws IOException, InterruptedException {
    if (classes.names().stream().anyMatch(name -> name.contains(","))) {
      throw new IllegalArgumentException(
          "a class name with a comma cannot be passed as --classes: " + classes.names());
    }
    return measured(
        List.of(
            launcher.toString(),
            "aggregate",
            "--input",
            input,
            "--classes",
            String.join(",", classes.names()),
            "--output",
            outputs().resolve("softlabels").toString(),
            "--overwrite"));
  }

  /** A JVM on this one's classpath running DuckDB's same-semantics peer on {@code input}. */
  WholeProcess.Run duckDb(String input, ClassList classes)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DuckDbAggregate.class.getName(),
                DuckDbAggregate.Peer.SAME_SEMANTICS.name(),
                input + "/*.parquet",
                outputs().resolve("duckdb").toString()));
    command.addAll(classes.names());
    return measured(command);
  }

  private WholeProcess.Run measured(List<String> command) throws IOException, InterruptedException {
    FileUtils.deleteDirectory(outputs().toFile());
    try {
      return WholeProcess.run(command, workDir.resolve("process.log"), timeout);
    } finally {
      FileUtils.deleteDirectory(outputs().toFile());
    }
  }

  private Path outputs() {
    return workDir.resolve("process-out");
  }
}
