package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.typesafe.config.Config;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.embed.EmbedJob;
import dev.softlabels.embed.EmbedSettings;
import dev.softlabels.evaluate.EvaluateJob;
import dev.softlabels.evaluate.EvaluateSettings;
import dev.softlabels.export.ToCsvJob;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.reproduce.ReproduceJob;
import dev.softlabels.reproduce.ReproduceSettings;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.synthetic.AnnotateJob;
import dev.softlabels.synthetic.AnnotateSettings;
import dev.softlabels.testing.Mounts;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.testing.SyntheticData;
import dev.softlabels.testing.TestSeed;
import dev.softlabels.train.TrainJob;
import dev.softlabels.train.TrainSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher's data-safety guarantees, with real processes. Every job that writes an output,
 * killed through bin/softlabels at a random point of a run that replaces its previous output: the
 * previous output stays byte for byte, nothing new beside it looks like an output, and the re-run
 * completes. Also SIGTERM, outputs that would overwrite a label store, and the exit codes of
 * rejected runs.
 *
 * <p>Launched: the killed and signalled runs, and every run whose exit code or output lines a test
 * checks. In-process on the shared Spark session: the previous outputs and the data a launched run
 * needs, and the re-runs after a kill, which recover what the killed run left themselves ({@code
 * StagedOutput}), not through the launcher. A launch costs seconds of CPU (a JVM and a Spark
 * session), and the integration tests are CPU-bound.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(1)
class DataSafetyIT {

  /** Report files that a reproduce run replaces whole (each atomically), so they may change. */
  private static final Set<String> REPORT =
      Set.of("report.md", "report.html", "results.csv", "results.json");

  @TempDir static Path dir;

  /**
   * @param seconds how long writing the previous output took in-process: the kill comes within that
   *     time after the run starts writing
   * @param rerun the job in this JVM, replacing its output, as the launched {@code args} would
   * @param watch the folder where the run's work shows first
   * @param startsWith the name that appears in {@code watch} once the run is writing
   * @param grows whether a run adds to the output (reproduce's new cells) rather than replacing it
   */
  record Job(
      String name,
      Path output,
      double seconds,
      List<String> args,
      Work rerun,
      Path watch,
      String startsWith,
      boolean grows) {
    @Override
    public String toString() {
      return name;
    }
  }

  private final Map<String, Job> jobs = new LinkedHashMap<>();

  @BeforeAll
  void previousOutputs(SparkSession spark) throws Exception {
    Path generated = dir.resolve("generated");
    timed(
        "generate",
        generated,
        overwrite -> SyntheticData.generate(spark, generated, 200, overwrite),
        "generate",
        "--images",
        "200",
        "--size",
        "16");
    String images = generated.resolve("images").toString();
    String truth = generated.resolve("labels").toString();

    Path annotated = dir.resolve("annotated");
    timed(
        "annotate",
        annotated,
        overwrite ->
            AnnotateJob.run(
                spark,
                AnnotateSettings.from(
                    config(
                        Map.of(
                            "softlabels.annotate.input",
                            truth,
                            "softlabels.annotate.output",
                            annotated.toString(),
                            "softlabels.annotate.votes-per-image",
                            5,
                            "softlabels.annotate.overwrite",
                            overwrite)))),
        "annotate",
        "--input",
        truth,
        "--votes",
        "5");

    Path aggregated = dir.resolve("aggregated");
    Path annotations = annotated.resolve("annotations");
    timed(
        "aggregate",
        aggregated,
        overwrite -> aggregate(spark, annotations, aggregated, overwrite),
        "aggregate",
        "--input",
        annotations.toString());

    Path model = dir.resolve("model");
    Map<String, Object> data =
        Map.of("softlabels.train.images", images, "softlabels.train.labels", truth);
    timed(
        "train",
        model,
        // Replacing a model directory is --fresh: no resuming from its checkpoints.
        overwrite ->
            TrainJob.run(
                spark,
                TrainSettings.from(
                    config(
                        with(
                            data,
                            "softlabels.train.model-dir",
                            model.toString(),
                            "softlabels.train.epochs",
                            1,
                            "softlabels.train.resume",
                            !overwrite)))),
        "train",
        "--images",
        images,
        "--labels",
        truth,
        "--epochs",
        "1",
        "--model-dir",
        model.toString(),
        "--fresh");

    Path evaluated = dir.resolve("evaluated");
    timed(
        "evaluate",
        evaluated,
        overwrite ->
            EvaluateJob.run(
                spark,
                EvaluateSettings.from(
                    config(
                        with(
                            data,
                            "softlabels.evaluate.model-dir",
                            model.toString(),
                            "softlabels.evaluate.output",
                            evaluated.toString(),
                            "softlabels.evaluate.overwrite",
                            overwrite)))),
        "evaluate",
        "--model-dir",
        model.toString(),
        "--images",
        images,
        "--labels",
        truth);

    Path embedded = dir.resolve("embedded");
    Map<String, Object> embed =
        with(
            data,
            "softlabels.embed.max-points",
            40,
            "softlabels.embed.iterations",
            200,
            "softlabels.embed.panel-width",
            200,
            "softlabels.embed.panel-height",
            180);
    timed(
        "embed",
        embedded,
        overwrite ->
            EmbedJob.run(
                spark,
                EmbedSettings.from(
                    config(
                        with(
                            embed,
                            "softlabels.embed.models",
                            Map.of("soft", model.toString()),
                            "softlabels.embed.output",
                            embedded.toString(),
                            "softlabels.embed.overwrite",
                            overwrite)))),
        withD(embed, "embed", "--model", "soft=" + model, "--images", images, "--labels", truth)
            .toArray(String[]::new));

    Path csv = dir.resolve("labels.csv");
    String labels = aggregated.resolve("labels").toString();
    timed(
        "to-csv",
        csv,
        overwrite -> ToCsvJob.run(spark, labels, csv.toString(), overwrite, false),
        "to-csv",
        labels,
        csv.toString());

    Path store = dir.resolve("store");
    RelabelJob.run(
        spark,
        RelabelSettings.from(
            config(
                Map.of(
                    "softlabels.relabel.state",
                    store.toString(),
                    "softlabels.relabel.batch",
                    LauncherIT.HOME.resolve("examples/annotations.csv").toString(),
                    "softlabels.relabel.date",
                    "2026-11-01"))));
    Path exported = dir.resolve("exported");
    timed(
        "relabel export",
        exported,
        overwrite -> export(spark, store, exported, overwrite),
        "relabel",
        "export",
        "--state",
        store.toString());

    // The previous study has the hard cell; the killed run adds the soft one to the same output.
    Path study = dir.resolve("study");
    Map<String, Object> tiny =
        Map.of(
            "softlabels.reproduce.splits",
            1,
            "softlabels.reproduce.embed",
            false,
            "softlabels.reproduce.presets.quick.images",
            200,
            "softlabels.reproduce.presets.quick.epochs",
            1);
    Function<List<String>, Work> reproduce =
        labelTypes -> {
          Config config =
              ConfigLoader.withOverrides(
                  with(
                      tiny,
                      "softlabels.reproduce.output",
                      study.toString(),
                      "softlabels.reproduce.label-types",
                      labelTypes),
                  ReproduceSettings::preset);
          return () -> ReproduceJob.run(spark, config, ReproduceSettings.from(config));
        };
    Work hardOnly = reproduce.apply(List.of("hard"));
    long started = System.nanoTime();
    hardOnly.run();
    double seconds = (System.nanoTime() - started) / 1e9;
    jobs.put(
        "reproduce",
        new Job(
            "reproduce",
            study,
            seconds,
            withD(tiny, "reproduce", "--output", study.toString(), "--label-types", "hard,soft"),
            reproduce.apply(List.of("hard", "soft")),
            study.resolve("synthetic/cells/split-0"),
            "soft",
            true));
  }

  Stream<Job> jobs() {
    return jobs.values().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobs")
  void aKilledRunLeavesThePreviousOutputAndTheRerunCompletes(Job job) throws Exception {
    Map<String, String> before = fingerprint(job.output());
    List<String> beside = visibleNames(job.output().getParent());
    double share = new Random(TestSeed.of(job.toString())).nextDouble();
    double delay = share * job.seconds();
    String when =
        String.format(
            Locale.ROOT,
            "%s killed %.1f s (%.3f of its measured run) after it started writing "
                + "(replay: %s)",
            job,
            delay,
            share,
            TestSeed.replay());

    try (ProcessTree tree = start(job.args(), ProcessBuilder.Redirect.DISCARD)) {
      Process process = tree.process();
      boolean killed = killWhileWriting(process, job, delay);
      assertThat(killed || process.exitValue() == 0)
          .as(when + ": it ended on its own with an error")
          .isTrue();
      if (killed) {
        Map<String, String> after = fingerprint(job.output());
        if (job.grows()) {
          before.keySet().stream()
              .filter(file -> !REPORT.contains(file))
              .forEach(
                  file ->
                      assertThat(after.get(file))
                          .as(when + ": " + file)
                          .isEqualTo(before.get(file)));
          REPORT.forEach(file -> assertThat(job.output().resolve(file)).as(when).isNotEmptyFile());
        } else {
          // A kill can land after the commit, while the JVM stops: then the new output is there,
          // whole. Anything else must be the previous output, byte for byte.
          if (!after.equals(before)) {
            assertThat(fileNames(after))
                .as(when + ": neither the previous output nor a whole new one")
                .isEqualTo(fileNames(before));
          }
          assertThat(visibleNames(job.output().getParent()))
              .as(when + ": nothing new looks like an output")
              .isEqualTo(beside);
        }
      }
    }

    assertThatCode(() -> job.rerun().run()).as(when + "; the re-run").doesNotThrowAnyException();
    assertThat(fingerprint(job.output())).as("the re-run's output").isNotEmpty();
    try (Stream<Path> siblings = Files.list(job.output().getParent())) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .as("the re-run removes what the killed run left")
          .noneMatch(
              name ->
                  Stream.of(".staging-", ".replaced-", ".commit")
                      .anyMatch(
                          suffix -> name.startsWith("." + job.output().getFileName() + suffix)));
    }
  }

  @Test
  void sigtermStopsWithOneLineAndLeavesThePreviousOutput(SparkSession spark) throws Exception {
    Path input = LauncherIT.HOME.resolve("examples/annotations.csv");
    Path output = dir.resolve("terminated");
    aggregate(spark, input, output, false);
    Map<String, String> before = fingerprint(output);

    Path err = Files.createTempFile(dir, "sigterm", ".err");
    try (ProcessTree tree =
        start(
            List.of(
                "aggregate",
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--overwrite"),
            ProcessBuilder.Redirect.to(err.toFile()))) {
      Process process = tree.process();
      waitForLine(process, err, "aggregate: reading");
      process.destroy();
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(process.exitValue()).isEqualTo(143);
      List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
      assertThat(lines)
          .last()
          .isEqualTo(
              "softlabels: stopped by a signal; not written, any previous output left as"
                  + " it was: "
                  + output);
      assertThat(lines).noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
      assertThat(fingerprint(output)).isEqualTo(before);
    }
  }

  @Test
  void aFirstRunKilledAfterItsLabelsLeavesNoOutputAndTheRerunNeedsNoOverwrite() throws Exception {
    // 12,000 rows with a few bad ones, so the quarantine step takes a moment after the labels.
    List<String> rows = new ArrayList<>(List.of("image_id,annotator_id,label"));
    for (int i = 0; i < 12_000; i++) {
      rows.add(
          "img-"
              + (i % 1000)
              + ",annotator-"
              + (i / 1000)
              + ","
              + (i % 97 == 0 ? "wolf" : "red_circle"));
    }
    Path input = Files.write(dir.resolve("votes.csv"), rows);
    Path output = dir.resolve("first");
    Path err = Files.createTempFile(dir, "killed", ".err");
    try (ProcessTree tree =
        start(
            List.of(
                "aggregate",
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--classes",
                LauncherIT.EXAMPLE_CLASSES),
            ProcessBuilder.Redirect.to(err.toFile()))) {
      Process process = tree.process();
      waitForLine(process, err, "rejected rows");
      process.destroyForcibly();
      assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    }
    assertThat(output).as("nothing that looks like a finished output").doesNotExist();

    LauncherIT.Result rerun =
        LauncherIT.launch(
            "aggregate",
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--classes",
            LauncherIT.EXAMPLE_CLASSES);
    assertThat(rerun.exitCode()).as(rerun.err()).isZero();
    assertThat(rerun.out()).contains("12,000 rows read, 11,876 used, 124 quarantined");
    try (Stream<String> names = Files.list(dir).map(p -> p.getFileName().toString())) {
      assertThat(names)
          .noneMatch(name -> name.startsWith(".first.") && !name.equals(".first.lock"));
    }
  }

  @Test
  void relabelExportRefusesTheLabelStoreAsItsOutput() throws Exception {
    Path store = dir.resolve("store");
    Map<String, String> before = fingerprint(store);
    LauncherIT.Result result =
        LauncherIT.launch(
            "relabel",
            "export",
            "--state",
            store.toString(),
            "--output",
            store.toString(),
            "--overwrite");
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err().lines().filter(line -> line.contains("error")))
        .containsExactly(
            "softlabels relabel export: error: --output "
                + store
                + " is the input "
                + store
                + ": write the output somewhere else");
    assertThat(fingerprint(store))
        .isEqualTo(before)
        .containsKey("labels/_delta_log/00000000000000000001.json");
  }

  @Test
  void runsThatRejectEveryRowOrCannotWriteExitNonZeroWithOneLine() throws Exception {
    Path output = dir.resolve("wrong-classes");
    LauncherIT.Result rejected =
        LauncherIT.launch(
            "aggregate",
            "--input",
            "examples/annotations.csv",
            "--output",
            output.toString(),
            "--classes",
            "cat, dog");
    assertThat(rejected.exitCode()).as(rejected.err()).isEqualTo(4);
    assertThat(rejected.err()).doesNotContain("Exception", "\tat ");
    assertThat(rejected.err().lines().filter(line -> line.contains("error")))
        .containsExactly(
            "softlabels aggregate: error: 100 of 100 rows rejected (100.0 %: missing_image_id 1,"
                + " unknown_class 98, unparsable_row 1), over softlabels.annotations.max-rejected-share = 0.5; nothing"
                + " written, no output created (a wrong class list, column or encoding is the usual cause); labels naming"
                + " no class (most frequent first): \"blue_circle\" 20, \"red_circle\" 20, \"green_circle\" 19,"
                + " \"red_ellipse\" 14, \"green_ellipse\" 13; name every class with --classes (softlabels.classes)");
    assertThat(output).doesNotExist();

    Path file = Files.writeString(dir.resolve("a-file"), "x");
    LauncherIT.Result unwritable =
        LauncherIT.launch(
            "aggregate",
            "--input",
            "examples/annotations.csv",
            "--output",
            file.resolve("out").toString());
    assertThat(unwritable.exitCode()).isEqualTo(2);
    assertThat(unwritable.err()).doesNotContain("Exception", "\tat ");
    assertThat(unwritable.err().lines().filter(line -> line.contains("error")))
        .singleElement()
        .asString()
        .startsWith(
            "softlabels aggregate: error: cannot write output " + file.resolve("out") + ": ");
  }

  /**
   * The data-safety promise through symbolic links and onto a mount point (a container volume): an
   * input reached through a link to the output is still the output's, and a mount point that cannot
   * be renamed is refused before any work with its previous output intact.
   */
  @Test
  void aSymlinkedDataRootAndAMountPointOutput(SparkSession spark) throws Exception {
    Path input = LauncherIT.HOME.resolve("examples/annotations.csv");
    Path real = Files.createDirectories(dir.resolve("real-root"));
    Path output = real.resolve("o2");
    aggregate(spark, input, output, false);
    Files.copy(input, output.resolve("a.csv"));
    Path root = Files.createSymbolicLink(dir.resolve("data-root"), real);
    Path outputLink = Files.createSymbolicLink(dir.resolve("o2link"), output);
    Map<String, String> before = fingerprint(output);
    for (List<String> paths :
        List.of(
            List.of(outputLink.resolve("a.csv").toString(), output.toString()),
            List.of(output.resolve("a.csv").toString(), root.resolve("o2").toString()))) {
      LauncherIT.Result refused =
          LauncherIT.launch(
              "aggregate", "--input", paths.get(0), "--output", paths.get(1), "--overwrite");
      assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
      assertThat(refused.err().lines().filter(line -> line.contains("error")))
          .singleElement()
          .asString()
          .isEqualTo(
              "softlabels aggregate: error: output "
                  + paths.get(1)
                  + " contains the input "
                  + paths.get(0)
                  + ": write the output somewhere else");
      assertThat(fingerprint(output)).isEqualTo(before);
    }

    Path mounted = dir.resolve("volume");
    aggregate(spark, input, mounted, false);
    Map<String, String> previous = fingerprint(mounted);
    Assumptions.assumeTrue(
        Mounts.bind(mounted), "needs a bind mount (root): skipped the mount-point half");
    try {
      LauncherIT.Result refused =
          LauncherIT.launch(
              "aggregate",
              "--input",
              input.toString(),
              "--output",
              mounted.toString(),
              "--overwrite");
      assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
      assertThat(refused.err())
          .contains("error: output " + mounted + " cannot be renamed (")
          .contains("give a folder inside it instead, e.g. " + mounted.resolve("run"))
          .doesNotContain("\tat ");
      assertThat(fingerprint(mounted)).isEqualTo(previous);
      LauncherIT.Result inside =
          LauncherIT.launch(
              "aggregate",
              "--input",
              input.toString(),
              "--output",
              mounted.resolve("run").toString());
      assertThat(inside.exitCode()).as(inside.err()).isZero();
      assertThat(mounted.resolve("run/labels")).isDirectory();
    } finally {
      Mounts.unmount(mounted);
    }
  }

  // --- helpers ---

  private interface Work {
    void run() throws Exception;
  }

  /** A job in this JVM. */
  private interface Run {
    /**
     * @param overwrite replace the output an earlier run wrote
     */
    void run(boolean overwrite) throws Exception;
  }

  /** Writes the job's previous output in-process, timed; the job's launched arguments follow. */
  private void timed(String name, Path output, Run run, String... command) throws Exception {
    long started = System.nanoTime();
    run.run(false);
    double seconds = (System.nanoTime() - started) / 1e9;
    List<String> args = new ArrayList<>(List.of(command));
    boolean file = Files.isRegularFile(output);
    if (!name.equals("train")) {
      args.addAll(
          name.equals("to-csv")
              ? List.of("--overwrite")
              : List.of("--output", output.toString(), "--overwrite"));
    }
    jobs.put(
        name,
        new Job(
            name,
            output,
            seconds,
            args,
            () -> run.run(true),
            output.getParent(),
            "." + output.getFileName() + ".staging-",
            false));
    assertThat(file || Files.isDirectory(output)).as(name + " wrote its previous output").isTrue();
  }

  private static void aggregate(SparkSession spark, Path input, Path output, boolean overwrite) {
    AggregateJob.run(
        spark,
        AggregateSettings.from(
            config(
                Map.of(
                    "softlabels.aggregate.input",
                    input.toString(),
                    "softlabels.aggregate.output",
                    output.toString(),
                    "softlabels.aggregate.overwrite",
                    overwrite))));
  }

  /**
   * What {@code relabel export --state STORE --output OUTPUT} does (RelabelCommand.Export, whose
   * body runs inside the command's own session and closes it, so it cannot run on this one).
   */
  private static void export(SparkSession spark, Path store, Path output, boolean overwrite) {
    try (StagedOutput staged =
        StagedOutput.directory(
            spark,
            output.toString(),
            overwrite,
            "--output",
            "relabel export",
            List.of(store.toString()))) {
      new LabelStore(spark, store.toString())
          .labelTable("")
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(staged.path());
      staged.commit();
    }
  }

  private static Config config(Map<String, Object> overrides) {
    return ConfigLoader.withOverrides(overrides);
  }

  private static Map<String, Object> with(Map<String, Object> base, Object... keysAndValues) {
    Map<String, Object> result = new LinkedHashMap<>(base);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      result.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return result;
  }

  /** The command with the settings as -D options (those the command has no option for). */
  private static List<String> withD(Map<String, Object> settings, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    settings.forEach(
        (key, value) -> {
          if (!key.startsWith("softlabels.train.")) {
            args.add("-D" + key + "=" + value);
          }
        });
    return args;
  }

  /** bin/softlabels in the background, for a test to stop; its standard error to {@code err}. */
  private static ProcessTree start(List<String> args, ProcessBuilder.Redirect err)
      throws IOException {
    List<String> command =
        new ArrayList<>(List.of(LauncherIT.HOME.resolve("bin/softlabels").toString()));
    command.addAll(args);
    return ProcessTree.start(
        new ProcessBuilder(command)
            .directory(LauncherIT.HOME.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err));
  }

  /** Kills the run {@code delay} seconds after its work shows; false when it ended before that. */
  private static boolean killWhileWriting(Process process, Job job, double delay) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (process.isAlive() && !working(job)) {
      assertThat(System.nanoTime())
          .as(job + " did not start writing in 5 minutes")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
    if (process.waitFor((long) (delay * 1000), TimeUnit.MILLISECONDS)) {
      return false;
    }
    process.destroyForcibly();
    assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    return true;
  }

  private static boolean working(Job job) throws IOException {
    if (!Files.isDirectory(job.watch())) {
      return false;
    }
    try (Stream<Path> names = Files.list(job.watch())) {
      return names.anyMatch(p -> p.getFileName().toString().startsWith(job.startsWith()));
    }
  }

  private static void waitForLine(Process process, Path log, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
      assertThat(process.isAlive())
          .as("the run ended before logging '" + text + "': " + Files.readString(log))
          .isTrue();
      assertThat(System.nanoTime()).as("no '" + text + "' in 5 minutes").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Relative path to SHA-256 of every visible file of an output (a file or a folder). */
  static Map<String, String> fingerprint(Path output) throws IOException {
    Map<String, String> hashes = new TreeMap<>();
    if (!Files.exists(output)) {
      return hashes;
    }
    try (Stream<Path> files = Files.walk(output)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path relative = output.relativize(file);
        boolean hidden = false;
        for (Path part : relative) {
          hidden |= part.toString().startsWith(".");
        }
        if (!hidden) {
          hashes.put(relative.toString(), sha256(file));
        }
      }
    }
    return hashes;
  }

  /** An output's files with the part files' random names left out: the output's shape. */
  private static List<String> fileNames(Map<String, String> fingerprint) {
    return fingerprint.keySet().stream()
        .map(name -> name.replaceAll("part-(\\d+)-[0-9a-f-]{36}", "part-$1"))
        .sorted()
        .toList();
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> visibleNames(Path folder) throws IOException {
    try (Stream<Path> names = Files.list(folder)) {
      return names
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }
}
