package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.Night;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.testing.Aggregates;
import dev.softlabels.testing.SparkExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers at once, as real launcher processes: the first holds the output (or the label store)
 * and is frozen (SIGSTOP) at a known point of its work while the second starts, so the overlap is
 * certain rather than a matter of timing; the second is refused in one line, the first is resumed
 * and completes, and nothing is lost.
 */
@ExtendWith(SparkExtension.class)
@Order(10)
class ConcurrentWritersIT {

  private static final String CLASSES = "cat,dog,fox";

  @TempDir Path dir;

  @Test
  void twoAggregateRunsOntoOneOutput(SparkSession spark) throws Exception {
    Path input = votes("votes.csv", 3);
    Path output = dir.resolve("labels-out");
    Path err = dir.resolve("first.err");
    try (ProcessTree first =
        start(
            err,
            "aggregate",
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--classes",
            CLASSES)) {
      await(first, err, () -> names(dir).anyMatch(name -> name.startsWith(".labels-out.staging-")));
      first.signal("STOP");
      for (List<String> overwrite : List.of(List.<String>of(), List.of("--overwrite"))) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "aggregate",
                    "--input",
                    input.toString(),
                    "--output",
                    output.toString(),
                    "--classes",
                    CLASSES));
        args.addAll(overwrite);
        LauncherIT.Result second = LauncherIT.launch(args.toArray(String[]::new));
        assertThat(second.exitCode()).as(second.err()).isEqualTo(2);
        assertThat(second.err().lines().filter(line -> line.contains("error")))
            .singleElement()
            .asString()
            .startsWith(
                "softlabels aggregate: error: another run (process " + first.process().pid() + "@")
            .endsWith(
                "is writing output "
                    + output
                    + "; wait for it to finish and run this again (if no run is"
                    + " writing it, remove "
                    + output.resolveSibling(".labels-out.lock")
                    + ")");
      }
      first.signal("CONT");
      assertThat(first.waitFor(Duration.ofMinutes(10))).isTrue();
      assertThat(first.process().exitValue()).as(Files.readString(err)).isZero();
    }
    Path expected = dir.resolve("expected");
    Aggregates.run(
        spark, input, expected, Map.of("softlabels.classes", List.of(CLASSES.split(","))));
    assertThat(labels(spark, output)).isEqualTo(labels(spark, expected));
  }

  @Test
  void aNightAndACompaction(SparkSession spark) throws Exception {
    Path store = dir.resolve("store");
    Path batches = Files.createDirectories(dir.resolve("batches"));
    Path night1 = votes("batches/2026-11-01.csv", 1);
    Path night2 = votes("batches/2026-11-02.csv", 2);
    RelabelJob.run(spark, night(store, night1, "2026-11-01"));

    Path err = dir.resolve("night.err");
    try (ProcessTree night =
        start(
            err,
            "relabel",
            "--state",
            store.toString(),
            "--batch",
            night2.toString(),
            "--date",
            "2026-11-02",
            "--classes",
            CLASSES)) {
      await(night, err, () -> log(err).contains("night 2026-11-02: reading"));
      night.signal("STOP");
      LauncherIT.Result compact =
          LauncherIT.launch("relabel", "compact", "--state", store.toString());
      assertThat(compact.exitCode()).as(compact.err()).isEqualTo(2);
      assertThat(compact.err())
          .contains(
              "softlabels relabel compact: error: another run (process "
                  + night.process().pid()
                  + "@")
          .contains("is writing the label store " + store);
      night.signal("CONT");
      assertThat(night.waitFor(Duration.ofMinutes(10))).isTrue();
      assertThat(night.process().exitValue()).as(log(err)).isZero();
    }
    LauncherIT.Result compact =
        LauncherIT.launch("relabel", "compact", "--state", store.toString());
    assertThat(compact.exitCode()).as(compact.err()).isZero();

    LabelStore labels = new LabelStore(spark, store.toString());
    assertThat(labels.nights()).extracting(Night::date).containsExactly("2026-11-01", "2026-11-02");
    Path expected = dir.resolve("both-nights");
    AggregateJob.run(
        spark,
        AggregateSettings.from(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.classes",
                    List.of(CLASSES.split(",")),
                    "softlabels.aggregate.input",
                    batches.toString(),
                    "softlabels.aggregate.output",
                    expected.toString()))));
    assertThat(
            LabelColumns.table(labels.read(labels.version())).orderBy("image_id").collectAsList())
        .isEqualTo(labels(spark, expected));
  }

  /** 30,000 votes on 3,000 images, different for each seed. */
  private Path votes(String name, int seed) throws IOException {
    List<String> lines = new ArrayList<>(List.of("image_id,annotator_id,label"));
    String[] classes = CLASSES.split(",");
    for (int i = 0; i < 30_000; i++) {
      lines.add(
          "img-"
              + (i % 3000)
              + ",annotator-"
              + seed
              + "-"
              + (i / 3000)
              + ","
              + classes[(i * seed + i / 7) % 3]);
    }
    return Files.write(dir.resolve(name), lines);
  }

  private RelabelSettings night(Path store, Path batch, String date) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("softlabels.classes", List.of(CLASSES.split(",")));
    overrides.put("softlabels.relabel.state", store.toString());
    overrides.put("softlabels.relabel.batch", batch.toString());
    overrides.put("softlabels.relabel.date", date);
    return RelabelSettings.from(ConfigLoader.withOverrides(overrides));
  }

  private static List<Row> labels(SparkSession spark, Path output) {
    return LabelColumns.table(spark.read().parquet(output.resolve("labels").toString()))
        .orderBy("image_id")
        .collectAsList();
  }

  private static ProcessTree start(Path err, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(LauncherIT.HOME.resolve("bin/softlabels").toString()));
    command.addAll(List.of(args));
    return ProcessTree.start(
        new ProcessBuilder(command)
            .directory(LauncherIT.HOME.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile()));
  }

  private static void await(ProcessTree tree, Path err, BooleanSupplier condition)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertThat(tree.process().isAlive()).as("the first run ended early: " + log(err)).isTrue();
      assertThat(System.nanoTime())
          .as("the first run did not get there in 5 minutes")
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static String log(Path err) {
    try {
      return Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static Stream<String> names(Path folder) {
    try (Stream<Path> names = Files.list(folder)) {
      return names.map(p -> p.getFileName().toString()).toList().stream();
    } catch (IOException e) {
      return Stream.empty();
    }
  }
}
