package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.evaluate.EvaluateJob;
import dev.softlabels.evaluate.EvaluateSettings;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.testing.Aggregates;
import dev.softlabels.testing.Environment;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SyntheticData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The jobs through spark-submit on a real standalone cluster (bin/local-cluster: a Master and two
 * Workers, separate JVMs on 127.0.0.1), against the same jobs in local mode.
 */
@ExtendWith(SparkExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Environment
@ResourceLock(SharedResources.LOCAL_CLUSTER)
@Order(2)
class ClusterIT {

  private static final Path HOME = LauncherIT.HOME;
  private static final String PORT = "7177";
  private static String master;

  @TempDir static Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    LauncherIT.Result started = LauncherIT.run("bin/local-cluster", "start", "--port", PORT);
    assertThat(started.exitCode()).as(started.err()).isZero();
    master = started.out().strip();
    assertThat(master).isEqualTo("spark://127.0.0.1:" + PORT);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    LauncherIT.run("bin/local-cluster", "stop");
  }

  static List<Row> rows(SparkSession spark, Path parquet, String... orderBy) {
    return spark
        .read()
        .parquet(parquet.toString())
        .orderBy(orderBy[0], java.util.Arrays.copyOfRange(orderBy, 1, orderBy.length))
        .collectAsList();
  }

  static long timed(String what, LauncherIT.Result[] result, String... args) throws Exception {
    long started = System.nanoTime();
    result[0] = LauncherIT.launch(args);
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(Locale.ROOT, "ClusterIT: %s took %.1f s%n", what, millis / 1000.0);
    assertThat(result[0].exitCode()).as(what + ": " + result[0].err()).isZero();
    return millis;
  }

  /**
   * A local-mode reference, run on the test's own Spark session: the job's code is the launcher's,
   * and a launch would only add a cold JVM to a CPU-bound test phase.
   */
  static void inProcess(String what, Runnable job) {
    long started = System.nanoTime();
    job.run();
    System.out.printf(
        Locale.ROOT,
        "ClusterIT: %s (in-process) took %.1f s%n",
        what,
        (System.nanoTime() - started) / 1e9);
  }

  private static void aggregateLocally(
      SparkSession spark, String what, String input, Path output, Map<String, Object> more) {
    inProcess(what, () -> Aggregates.run(spark, Path.of(input), output, more));
  }

  @Test
  @Order(1)
  void aggregateOnTheClusterEqualsLocalMode(SparkSession spark) throws Exception {
    String input = HOME.resolve("examples/annotations.csv").toString();
    LauncherIT.Result[] result = new LauncherIT.Result[1];
    String classes = LauncherIT.EXAMPLE_CLASSES;
    aggregateLocally(
        spark,
        "aggregate, local mode",
        input,
        dir.resolve("local"),
        Map.of("softlabels.classes", List.of(classes.split(","))));
    timed(
        "aggregate, 2-worker cluster",
        result,
        "--master",
        master,
        "aggregate",
        "--input",
        input,
        "--output",
        dir.resolve("cluster").toString(),
        "--classes",
        classes);

    assertThat(result[0].out()).contains("100 rows read, 96 used, 4 quarantined");
    assertThat(rows(spark, dir.resolve("cluster/labels"), "image_id"))
        .isEqualTo(rows(spark, dir.resolve("local/labels"), "image_id"));
    assertThat(rows(spark, dir.resolve("cluster/quarantine"), "row_order"))
        .hasSameSizeAs(rows(spark, dir.resolve("local/quarantine"), "row_order"));

    timed(
        "relabel night, 2-worker cluster",
        result,
        "--master",
        master,
        "relabel",
        "--state",
        dir.resolve("store").toString(),
        "--batch",
        input,
        "--date",
        "2026-11-01",
        "--classes",
        classes);
    assertThat(result[0].out())
        .contains("night 2026-11-01 applied as version 1: 100 rows read, 96 used, 4 quarantined");
    LabelStore store = new LabelStore(spark, dir.resolve("store").toString());
    assertThat(LabelColumns.table(store.read(store.version())).orderBy("image_id").collectAsList())
        .isEqualTo(rows(spark, dir.resolve("local/labels"), "image_id"));
  }

  @Test
  @Order(2)
  void aModelTrainedOnTheClusterScoresTheSameThereAndLocally(SparkSession spark) throws Exception {
    Path generated = dir.resolve("generated");
    LauncherIT.Result[] result = new LauncherIT.Result[1];
    inProcess("generate, local mode", () -> SyntheticData.generate(spark, generated, 300));
    String[] data = {
      "--images",
      generated.resolve("images").toString(),
      "--labels",
      generated.resolve("labels").toString()
    };
    Path model = dir.resolve("model");
    // The export approach: the executors write the minibatch files and read them back every round
    // (this cluster's workers share the local disk, as a cluster's would share s3a:// or hdfs://).
    Path export = dir.resolve("export");
    timed(
        "train 1 epoch, 2-worker cluster",
        result,
        concat(
            new String[] {"--master", master, "train"},
            data,
            new String[] {
              "--model-dir",
              model.toString(),
              "--epochs",
              "1",
              "-Dsoftlabels.train.training-approach=export",
              "-Dsoftlabels.train.export-dir=" + export
            }));
    assertThat(model.resolve("best/model.zip")).isNotEmptyFile();
    assertThat(result[0].err()).contains("minibatches written to " + export);
    try (var left = Files.walk(export)) {
      assertThat(left.filter(Files::isRegularFile))
          .as("minibatch files left after training")
          .isEmpty();
    }

    timed(
        "evaluate, 2-worker cluster",
        result,
        concat(
            new String[] {"--master", master, "evaluate"},
            data,
            new String[] {
              "--model-dir", model.toString(), "--output", dir.resolve("eval-cluster").toString()
            }));
    inProcess(
        "evaluate, local mode",
        () ->
            EvaluateJob.run(
                spark,
                EvaluateSettings.from(
                    ConfigLoader.withOverrides(
                        Map.of(
                            "softlabels.evaluate.images",
                            generated.resolve("images").toString(),
                            "softlabels.evaluate.labels",
                            generated.resolve("labels").toString(),
                            "softlabels.evaluate.model-dir",
                            model.toString(),
                            "softlabels.evaluate.output",
                            dir.resolve("eval-local").toString())))));

    assertThat(rows(spark, dir.resolve("eval-cluster/predictions"), "image_id"))
        .isEqualTo(rows(spark, dir.resolve("eval-local/predictions"), "image_id"));
    String metricsCluster = Files.readString(dir.resolve("eval-cluster/metrics.json"));
    String metricsLocal = Files.readString(dir.resolve("eval-local/metrics.json"));
    assertThat(withoutTimings(metricsCluster)).isEqualTo(withoutTimings(metricsLocal));
  }

  @Test
  @Order(3)
  void aggregateSurvivesLosingAWorker(SparkSession spark) throws Exception {
    // Big enough that the job is still running when a Worker dies: 400,000 votes on 40,000 images.
    Path input = dir.resolve("many.csv");
    StringBuilder csv = new StringBuilder("image_id,annotator_id,label\n");
    String[] classes = {
      "red_circle", "red_ellipse", "green_circle", "green_ellipse", "blue_circle", "blue_ellipse"
    };
    for (int i = 0; i < 400_000; i++) {
      csv.append("img-")
          .append(i / 10)
          .append(",ann-")
          .append(i % 10)
          .append(',')
          .append(classes[(i * 7 + i / 10) % classes.length])
          .append('\n');
    }
    Files.writeString(input, csv, StandardCharsets.UTF_8);
    aggregateLocally(
        spark,
        "aggregate 400,000 rows, local mode",
        input.toString(),
        dir.resolve("many-local"),
        Map.of());

    Path out = Files.createTempFile("cluster-aggregate", ".out");
    try (ProcessTree job =
        ProcessTree.start(
            new ProcessBuilder(
                    HOME.resolve("bin/softlabels").toString(),
                    "--master",
                    master,
                    "aggregate",
                    "--input",
                    input.toString(),
                    "--output",
                    dir.resolve("many-cluster").toString())
                .directory(HOME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile()))) {
      // Kill Worker 1 once the application has its executors and is running tasks.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (!Files.readString(out).contains("Starting task")
          && !Files.readString(out).contains("aggregate: reading")) {
        assertThat(job.process().isAlive())
            .as("the job ended before a worker could be killed: " + Files.readString(out))
            .isTrue();
        assertThat(System.nanoTime())
            .as("the job did not start within 10 minutes")
            .isLessThan(deadline);
        Thread.sleep(200);
      }
      Thread.sleep(1500);
      long worker =
          Long.parseLong(
              Files.readString(HOME.resolve("target/local-cluster/worker-1.pid")).strip());
      ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
      assertThat(job.waitFor(Duration.ofMinutes(10)))
          .as("the job finishes after losing a worker")
          .isTrue();
      assertThat(job.process().exitValue()).as(Files.readString(out)).isZero();
    }

    assertThat(rows(spark, dir.resolve("many-cluster/labels"), "image_id"))
        .isEqualTo(rows(spark, dir.resolve("many-local/labels"), "image_id"));
  }

  private static String withoutTimings(String metricsJson) {
    return metricsJson.replaceAll("\"inference_seconds\" : [0-9.Ee-]+,?", "");
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }
}
