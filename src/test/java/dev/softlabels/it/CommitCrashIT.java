package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.Night;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.spark.CrashPoints;
import dev.softlabels.testing.Aggregates;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every step of every commit, with the process stopped dead there ({@link CrashPoints}, as kill -9
 * at exactly that step): the next run completes and its result equals a run that was never stopped.
 * For an output's swap (aggregate; every job stages its output through the same commit), a relabel
 * night and a compaction.
 *
 * <p>Only what needs a process is launched: each stopped run (a crash point halts its JVM) and the
 * signal after a commit. The references, the first output and every re-run run in-process on the
 * shared Spark session: what a stopped run left is recovered by the jobs themselves ({@code
 * StagedOutput}'s journal, the label store's Delta commits), not by the launcher, and a launch
 * costs seconds of CPU on a machine where the integration tests are CPU-bound.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(11)
class CommitCrashIT {

  private static final String CLASSES = "cat,dog,fox";
  private static final String HEADER = "image_id,annotator_id,label";

  @TempDir static Path dir;
  private Path[] inputs;
  private Path nights;

  @BeforeAll
  void writeInputs() throws IOException {
    // Two inputs whose labels differ, so a result from the wrong one cannot pass for the other.
    inputs =
        new Path[] {
          TestFiles.write(
              dir,
              "first.csv",
              HEADER,
              "a,u1,cat",
              "a,u2,cat",
              "b,u1,dog",
              "c,u1,fox",
              "d,u1,wolf"),
          TestFiles.write(
              dir, "second.csv", HEADER, "a,u1,dog", "a,u2,dog", "b,u1,fox", "b,u2,fox", "e,,cat")
        };
    nights = Files.createDirectories(dir.resolve("nights"));
    TestFiles.write(
        nights, "2026-11-01.csv", HEADER, "a,u1,cat", "a,u2,dog", "b,u1,fox", "c,u3,dog", "d,,cat");
    TestFiles.write(
        nights,
        "2026-11-02.csv",
        HEADER,
        "a,u3,dog",
        "b,u2,fox",
        "a,u1,fox",
        "f,u1,cat",
        "g,u1,wolf");
  }

  @Test
  void anOutputsCommitStoppedAtEachStep(SparkSession spark) throws Exception {
    List<List<Row>> unkilled = new ArrayList<>();
    for (Path input : inputs) {
      Path reference = dir.resolve("reference-" + input.getFileName());
      aggregate(spark, input, reference);
      unkilled.add(output(spark, reference));
    }
    Path output = dir.resolve("aggregated");
    aggregate(spark, inputs[0], output);

    List<String> steps =
        List.of(
            "output:journal-unfinished",
            "output:journal-written",
            "output:previous-moved-aside",
            "output:output-moved-in",
            "output:journal-removed");
    for (int s = 0; s < steps.size(); s++) {
      // Each step replaces the other input's output: the previous and the new output differ.
      int input = (s + 1) % 2;
      LauncherIT.Result stopped = aggregateStoppedAt(steps.get(s), inputs[input], output);
      assertThat(stopped.exitCode())
          .as(steps.get(s) + ": " + stopped.err())
          .isEqualTo(CrashPoints.KILLED);
      assertThat(stopped.err()).contains("halted at crash point " + steps.get(s));

      assertThatCode(() -> aggregate(spark, inputs[input], output))
          .as("the re-run after " + steps.get(s))
          .doesNotThrowAnyException();
      assertThat(output(spark, output)).as("after " + steps.get(s)).isEqualTo(unkilled.get(input));
      try (Stream<Path> names = Files.list(dir)) {
        assertThat(names.map(p -> p.getFileName().toString()))
            .noneMatch(name -> name.startsWith(".aggregated.") && !name.equals(".aggregated.lock"));
      }
    }
  }

  /**
   * SIGTERM in the moment after the commit: the output is complete, so the run says so and exits 0,
   * not 143.
   */
  @Test
  void aSignalJustAfterTheCommitEndsTheRunAsFinished(SparkSession spark) throws Exception {
    Path output = dir.resolve("signalled");
    LauncherIT.Result result =
        launch(
            "output:journal-removed/TERM",
            "aggregate",
            "--input",
            inputs[0].toString(),
            "--output",
            output.toString(),
            "--classes",
            CLASSES);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err())
        .contains(
            "softlabels: a signal arrived after the command had written "
                + output
                + "; it finished")
        .doesNotContain("not written");
    assertThat(output.resolve("labels")).isDirectory();
  }

  @Test
  void aNightStoppedAtEachStep(SparkSession spark) throws Exception {
    Path template = dir.resolve("store-after-night-1");
    RelabelJob.run(spark, night(template, "2026-11-01"));
    Path reference = dir.resolve("store-reference");
    FileUtils.copyDirectory(template.toFile(), reference.toFile());
    RelabelJob.run(spark, night(reference, "2026-11-02"));

    for (String step :
        List.of("night:reports-written", "night:committed", "night:report-settled")) {
      Path store = dir.resolve("store-" + step.replace(':', '-'));
      FileUtils.copyDirectory(template.toFile(), store.toFile());
      LauncherIT.Result stopped = nightStoppedAt(step, store);
      assertThat(stopped.exitCode()).as(step + ": " + stopped.err()).isEqualTo(CrashPoints.KILLED);

      assertThatCode(() -> RelabelJob.run(spark, night(store, "2026-11-02")))
          .as("the re-run after " + step)
          .doesNotThrowAnyException();
      assertSameStore(spark, store, reference, step);
      assertThat(new LabelStore(spark, store.toString()).nights())
          .extracting(Night::date)
          .as("night 2 applied once")
          .containsExactly("2026-11-01", "2026-11-02");
    }
  }

  @Test
  void aCompactionStoppedAtEachStep(SparkSession spark) throws Exception {
    Path template = dir.resolve("store-two-nights");
    RelabelJob.run(spark, night(template, "2026-11-01"));
    RelabelJob.run(spark, night(template, "2026-11-02"));
    List<Row> labels = latest(spark, template);

    for (String step : List.of("compact:files-written", "compact:committed")) {
      Path store = dir.resolve("store-" + step.replace(':', '-'));
      FileUtils.copyDirectory(template.toFile(), store.toFile());
      LauncherIT.Result stopped = launch(step, "relabel", "compact", "--state", store.toString());
      assertThat(stopped.exitCode()).as(step + ": " + stopped.err()).isEqualTo(CrashPoints.KILLED);
      assertThat(latest(spark, store)).as("readers after " + step).isEqualTo(labels);

      assertThatCode(() -> new LabelStore(spark, store.toString()).compact())
          .as("the re-run after " + step)
          .doesNotThrowAnyException();
      assertThat(latest(spark, store)).as("after " + step).isEqualTo(labels);
      LabelStore compacted = new LabelStore(spark, store.toString());
      assertThat(spark.read().format("delta").load(compacted.labelsPath()).count())
          .as("one row per image")
          .isEqualTo(labels.size());
      assertThat(compacted.nights())
          .extracting(Night::date)
          .containsExactly("2026-11-01", "2026-11-02");
    }
  }

  /** The aggregate of {@code input} into {@code output} in this JVM, replacing what is there. */
  private static void aggregate(SparkSession spark, Path input, Path output) {
    Aggregates.run(
        spark,
        input,
        output,
        Map.of(
            "softlabels.classes",
            List.of(CLASSES.split(",")),
            "softlabels.aggregate.overwrite",
            true));
  }

  private LauncherIT.Result aggregateStoppedAt(String step, Path input, Path output)
      throws Exception {
    return launch(
        step,
        "aggregate",
        "--input",
        input.toString(),
        "--output",
        output.toString(),
        "--overwrite",
        "--classes",
        CLASSES);
  }

  private LauncherIT.Result nightStoppedAt(String step, Path store) throws Exception {
    return launch(
        step,
        "relabel",
        "--state",
        store.toString(),
        "--batch",
        nights.resolve("2026-11-02.csv").toString(),
        "--date",
        "2026-11-02",
        "--classes",
        CLASSES);
  }

  /** bin/softlabels, stopped at {@code crashAt} (a step, or a step/TERM). */
  private static LauncherIT.Result launch(String crashAt, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(LauncherIT.HOME.resolve("bin/softlabels").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SOFTLABELS_CRASH_AT", crashAt);
    return LauncherIT.run(builder);
  }

  private RelabelSettings night(Path store, String date) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("softlabels.classes", List.of(CLASSES.split(",")));
    overrides.put("softlabels.relabel.state", store.toString());
    overrides.put("softlabels.relabel.batch", nights.resolve(date + ".csv").toString());
    overrides.put("softlabels.relabel.date", date);
    return RelabelSettings.from(ConfigLoader.withOverrides(overrides));
  }

  /** An aggregate output's labels and quarantine, in order. */
  private static List<Row> output(SparkSession spark, Path output) {
    Dataset<Row> labels = spark.read().parquet(output.resolve("labels").toString());
    List<Row> rows = new ArrayList<>(sorted(LabelColumns.table(labels)));
    rows.addAll(sorted(spark.read().parquet(output.resolve("quarantine").toString())));
    return rows;
  }

  private static List<Row> latest(SparkSession spark, Path store) {
    LabelStore labels = new LabelStore(spark, store.toString());
    return sorted(LabelColumns.table(labels.read(labels.version())));
  }

  /** The labels, night 2's quarantine and change report of two stores. */
  private static void assertSameStore(SparkSession spark, Path store, Path reference, String step) {
    assertThat(latest(spark, store)).as("labels after " + step).isEqualTo(latest(spark, reference));
    LabelStore a = new LabelStore(spark, store.toString());
    LabelStore b = new LabelStore(spark, reference.toString());
    LocalDate night = LocalDate.parse("2026-11-02");
    assertThat(sorted(spark.read().parquet(a.quarantinePath(night)).drop("date")))
        .as("quarantine after " + step)
        .isEqualTo(sorted(spark.read().parquet(b.quarantinePath(night)).drop("date")));
    assertThat(sorted(spark.read().parquet(a.changesPath(night) + "/images")))
        .as("change report after " + step)
        .isEqualTo(sorted(spark.read().parquet(b.changesPath(night) + "/images")));
  }

  private static List<Row> sorted(Dataset<Row> table) {
    String[] columns = table.columns();
    return table
        .orderBy(columns[0], java.util.Arrays.copyOfRange(columns, 1, Math.min(columns.length, 3)))
        .collectAsList();
  }
}
