package dev.softlabels.it;

import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSummary;
import dev.softlabels.it.DocBlocks.Block;
import dev.softlabels.synthetic.SyntheticClasses;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.deeplearning4j.common.resources.DL4JResources;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/softlabels as a user runs it: a real JVM, local Spark, the bundled example. */
@Order(12)
class LauncherIT {

  static final Path HOME = Path.of(System.getProperty("softlabels.home", ".")).toAbsolutePath();

  @TempDir Path dir;

  /** What the first local run after a build says on stderr, whichever test's it is. */
  static final String ARCHIVE_NOTICE =
      "softlabels: recording the class-data archive that shortens every later start "
          + "(once per build, up to 2 minutes; SOFTLABELS_CLASS_ARCHIVE=off skips it)...";

  record Result(int exitCode, String out, String err) {
    /** stderr without the class-data archive notice. */
    String errAfterArchiveNotice() {
      return err.replace(ARCHIVE_NOTICE + "\n", "");
    }
  }

  /**
   * The bundled example's classes (the synthetic six): its purple_square vote is meant to be an
   * unknown class.
   */
  static final String EXAMPLE_CLASSES = String.join(",", SyntheticClasses.CLASSES.names());

  static Result launch(String... args) throws IOException, InterruptedException {
    return run("bin/softlabels", args);
  }

  /** One of the project's bin/ scripts, run from the installation folder. */
  static Result run(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(HOME.resolve(script).toString());
    command.addAll(List.of(args));
    return run(new ProcessBuilder(command));
  }

  /**
   * A prepared process, run from the installation folder with a time limit of ten minutes:
   * ClusterIT's launches took 23 to 114 s on a 2-core machine at a load average of 10 to 15 (other
   * builds' test JVMs and two busy loops), so the limit leaves room for a loaded machine and still
   * ends a run that hangs.
   */
  static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
    return run(builder, 10);
  }

  static Result run(ProcessBuilder builder, int minutes) throws IOException, InterruptedException {
    return run(builder, Duration.ofMinutes(minutes));
  }

  /** Stops the process and everything it started when it ends or runs out of time (ProcessTree). */
  static Result run(ProcessBuilder builder, Duration limit)
      throws IOException, InterruptedException {
    String command = String.join(" ", builder.command());
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    try (ProcessTree tree =
        ProcessTree.start(
            builder
                .directory(HOME.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile()))) {
      if (!tree.waitFor(limit)) {
        throw new AssertionError(command + " did not finish in " + limit.toSeconds() + " s");
      }
      return new Result(
          tree.process().exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    }
  }

  /**
   * docs/aggregate.md's example as a user runs it (the docs check leaves this block to this test):
   * the summary line, and every reason in the quarantine.
   */
  @Test
  void aggregatesTheBundledExample() throws Exception {
    Block example = DocsCommandsIT.firstShellBlock("docs/aggregate.md");
    assertThat(example.skipReason()).contains("LauncherIT.aggregatesTheBundledExample");
    assertThat(example.code()).contains("--classes " + EXAMPLE_CLASSES);
    Path work = dir.resolve("docs");
    Result result = DocsCommandsIT.run(example, work);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("100 rows read, 96 used, 4 quarantined", "12 images");
    Path output = work.resolve("out/example");
    AggregateSummary summary =
        AggregateSummary.fromJson(Files.readString(output.resolve("summary.json")));
    assertThat(summary.rowsRead()).isEqualTo(summary.rowsUsed() + summary.rowsQuarantined());
    assertThat(summary.quarantinedByReason())
        .containsEntry("unknown_class", 1L)
        .containsEntry("duplicate_vote", 1L)
        .containsEntry("missing_image_id", 1L)
        .containsEntry("unparsable_row", 1L);
    assertThat(output.resolve("labels")).isDirectory();
    assertThat(output.resolve("quarantine")).isDirectory();
  }

  /** A run records the archive when there is none yet (here, mostly, an earlier run did). */
  @Test
  void startsLocalJobsFromTheClassArchiveRecordedOnFirstUse() throws Exception {
    assertThat(classSource("with-archive", Map.of())).isEqualTo("shared objects file (top)");
    assertThat(HOME.resolve("target/softlabels.jsa")).isNotEmptyFile();
    assertThat(classSource("without-archive", Map.of("SOFTLABELS_CLASS_ARCHIVE", "off")))
        .startsWith("file:")
        .endsWith("/target/softlabels.jar");
  }

  /** Where the JVM of an aggregate run took the job's class from, as its class-loading log says. */
  private String classSource(String name, Map<String, String> environment) throws Exception {
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
            HOME.resolve("bin/softlabels").toString(),
            "aggregate",
            "--input",
            "examples/annotations.csv",
            "--output",
            dir.resolve(name).toString());
    builder.environment().putAll(environment);
    builder.environment().put("SOFTLABELS_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    assertThat(run(builder).exitCode()).isZero();
    String loaded = "] " + AggregateJob.class.getName() + " source: ";
    return Files.readAllLines(log).stream()
        .filter(line -> line.contains(loaded))
        .map(line -> line.substring(line.indexOf(loaded) + loaded.length()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * Recording the archive takes a minute or two, so a run whose stderr is a log file says so too.
   * Here in an installation with no archive yet, whose java is a stand-in that records none, so the
   * test takes a second.
   */
  @Test
  void recordingTheClassArchiveIsSaidOnStderrWhenItIsNoTerminal() throws Exception {
    Path installation = dir.resolve("installation");
    Files.createDirectories(installation.resolve("bin"));
    Files.createDirectories(installation.resolve("conf"));
    Files.createDirectories(installation.resolve("target"));
    Files.copy(
        HOME.resolve("bin/softlabels"), installation.resolve("bin/softlabels"), COPY_ATTRIBUTES);
    Files.copy(HOME.resolve("conf/jvm.properties"), installation.resolve("conf/jvm.properties"));
    Files.writeString(installation.resolve("target/softlabels.jar"), "");
    Files.writeString(installation.resolve("target/classpath.txt"), "");
    // Sources older than the jar: no build.
    FileTime before = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    Files.setLastModifiedTime(Files.createDirectories(installation.resolve("src/main")), before);
    Files.setLastModifiedTime(Files.writeString(installation.resolve("pom.xml"), ""), before);
    Path java =
        Files.writeString(
            dir.resolve("java"),
            "#!/bin/sh\n"
                + "case \"$*\" in *-XX:ArchiveClassesAtExit=*) ;; *) echo \"$*\" | grep -o 'SoftLabels aggregate' ;; esac\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    ProcessBuilder launch =
        new ProcessBuilder(installation.resolve("bin/softlabels").toString(), "aggregate");
    launch.environment().put("JAVA", java.toString());
    launch.environment().remove("SPARK_HOME");
    launch.environment().remove("SOFTLABELS_CLASS_ARCHIVE");
    launch.environment().remove("SOFTLABELS_MAIN");
    Result result = run(launch);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEqualTo(ARCHIVE_NOTICE + "\n");
    assertThat(result.out()).as("the job ran after it").isEqualTo("SoftLabels aggregate\n");
  }

  /**
   * docs/generate-annotate.md's example as a user runs it (the docs check leaves this block to this
   * test): what each command prints, the votes annotate drew being the rows aggregate read.
   */
  @Test
  void generatesAnnotatesAndAggregatesTheSyntheticSet() throws Exception {
    Block example = DocsCommandsIT.firstShellBlock("docs/generate-annotate.md");
    assertThat(example.skipReason())
        .contains("LauncherIT.generatesAnnotatesAndAggregatesTheSyntheticSet");
    Result result = DocsCommandsIT.run(example, dir.resolve("docs"));

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).containsPattern("(?m)^generate: 200 images of 16x16 px, by kind ");
    Matcher annotated =
        Pattern.compile(
                "(?m)^annotate: ([\\d,]+) annotation rows for 200 images \\((\\d+\\.\\d) per image\\)")
            .matcher(result.out());
    assertThat(annotated.find()).as(result.out()).isTrue();
    String rows = annotated.group(1);
    assertThat(Double.parseDouble(annotated.group(2)))
        .isCloseTo(Long.parseLong(rows.replace(",", "")) / 200.0, within(0.05));
    assertThat(result.out())
        .contains(rows + " rows read, " + rows + " used, 0 quarantined", "200 images");
  }

  /**
   * A crowd export as it comes (its own column names, labels 0 and 1, no class list): short column
   * options, classes inferred and said, vote-based summary fields under Dawid–Skene, and relabel
   * with --classes, then without them on a night with a new label.
   */
  @Test
  void readsAnExportByItsOwnColumnsAndInfersItsClasses() throws Exception {
    Path export =
        Files.writeString(
            dir.resolve("answers.csv"),
            "question,worker,answer\nq1,w1,1\nq1,w2,1\nq1,w3,0\nq2,w1,0\nq2,w2,0\nq3,w2,1\nq3,w3,1\n");
    String[] columns = {
      "--image-col", "question", "--annotator-col", "worker", "--label-col", "answer"
    };
    Path labels = dir.resolve("answers-labels");
    Result aggregate =
        launch(
            concat(
                new String[] {
                  "aggregate",
                  "--input",
                  export.toString(),
                  "--output",
                  labels.toString(),
                  "--method",
                  "dawid-skene"
                },
                columns));
    assertThat(aggregate.exitCode()).as(aggregate.err()).isZero();
    assertThat(aggregate.out())
        .contains(
            "7 rows read, 7 used, 0 quarantined",
            "3 images, 0 ties, 2 unanimous",
            "classes [0, 1] (inferred from the labels (numbers in numeric order))");
    assertThat(aggregate.err())
        .contains("classes inferred from the labels (numbers in numeric order): [0, 1]");
    AggregateSummary summary =
        AggregateSummary.fromJson(Files.readString(labels.resolve("summary.json")));
    assertThat(summary.unanimous())
        .as("q2's and q3's votes, counted as votes under dawid-skene")
        .isEqualTo(2);
    assertThat(summary.ties()).isZero();
    assertThat(summary.em().certainPosteriors() + summary.em().tiedPosteriors()).isBetween(0L, 3L);
    assertThat(Files.readString(labels.resolve("summary.json")))
        .contains("\"tied_posteriors\"", "\"certain_posteriors\"", "\"classes_from\"");

    Path store = dir.resolve("answers-store");
    Result first =
        launch(
            concat(
                new String[] {
                  "relabel",
                  "--state",
                  store.toString(),
                  "--batch",
                  export.toString(),
                  "--date",
                  "2026-12-01",
                  "--classes",
                  "0,1"
                },
                columns));
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("relabel: night 2026-12-01 applied as version 1: 7 rows read, 7 used");
    Path next =
        Files.writeString(
            dir.resolve("answers-2.csv"), "question,worker,answer\nq4,w1,2\nq4,w2,1\n");
    Result refused =
        launch(
            concat(
                new String[] {
                  "relabel",
                  "--state",
                  store.toString(),
                  "--batch",
                  next.toString(),
                  "--date",
                  "2026-12-02"
                },
                columns));
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .contains(
            "night 2026-12-02 has 1 votes for labels outside the label store's classes "
                + "[0, 1]: [2]")
        .doesNotContain("\tat ");
  }

  private static String[] concat(String[] first, String[] second) {
    return java.util.stream.Stream.concat(
            java.util.Arrays.stream(first), java.util.Arrays.stream(second))
        .toArray(String[]::new);
  }

  /**
   * A Label Studio export (its JSON format: tasks whose data.image is the upload path, annotations
   * with completed_by and result[].value.choices) aggregated, then trained on a folder of the same
   * images, named by file name: without the label-id option one line shows an id of each side and
   * the setting; with --label-id-pattern file-stem every image joins its label and a model is
   * written.
   */
  @Test
  void aLabelStudioExportTrainsOnAFolderOfTheSameImagesByFileName() throws Exception {
    Path photos = Files.createDirectories(dir.resolve("photos"));
    StringBuilder tasks = new StringBuilder("[");
    for (int i = 0; i < 24; i++) {
      String truth = i % 2 == 0 ? "Cat" : "Dog";
      String name = String.format("%05d_%s.jpg", i, truth.toLowerCase(Locale.ROOT));
      BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
      Graphics2D pen = image.createGraphics();
      pen.setColor(truth.equals("Cat") ? new Color(200, 40 + i, 40) : new Color(40, 40 + i, 200));
      pen.fillRect(0, 0, 16, 16);
      pen.dispose();
      ImageIO.write(image, "jpg", photos.resolve(name).toFile());
      // Annotators 1 and 2 give the truth; annotator 3 gives the other class on every third task.
      String third = i % 3 == 0 ? (truth.equals("Cat") ? "Dog" : "Cat") : truth;
      tasks
          .append(i == 0 ? "" : ",")
          .append(
              String.format(
                  """
          {"id": %d, "data": {"image": "/data/upload/3/%s"}, "annotations": [%s, %s, %s]}""",
                  100 + i,
                  name,
                  annotation(i, 1, truth),
                  annotation(i, 2, truth),
                  annotation(i, 3, third)));
    }
    Path export =
        Files.writeString(dir.resolve("project-3-export.json"), tasks.append("]").toString());
    Path labels = dir.resolve("labelled");
    Result aggregate =
        launch(
            "aggregate",
            "--input",
            export.toString(),
            "--format",
            "label-studio",
            "--output",
            labels.toString(),
            "--classes",
            "Cat,Dog");
    assertThat(aggregate.exitCode()).as(aggregate.err()).isZero();
    assertThat(aggregate.out())
        .contains("72 rows read, 72 used, 0 quarantined", "24 images, 0 ties, 16 unanimous");

    String[] train = {
      "train",
      "--images",
      photos.toString(),
      "--labels",
      labels.resolve("labels").toString(),
      "--epochs",
      "1"
    };
    Result unjoined =
        launch(concat(train, new String[] {"--model-dir", dir.resolve("unjoined").toString()}));
    assertThat(unjoined.exitCode()).isEqualTo(2);
    assertThat(unjoined.err().lines().filter(line -> line.contains("error")))
        .singleElement()
        .asString()
        .matches(
            Pattern.quote(
                    "softlabels train: error: no image of "
                        + photos
                        + " has a label in "
                        + labels.resolve("labels")
                        + " (joined on image_id): image ids look like '")
                + "\\d{5}_(cat|dog)"
                + Pattern.quote(
                    "' (file names through softlabels.train.image-id-pattern '^(.+)\\.[A-Za-z]+$'), label "
                        + "ids like '/data/upload/3/")
                + "\\d{5}_(cat|dog)"
                + Pattern.quote(
                    ".jpg' (its image_id column); map the "
                        + "label ids with --label-id-pattern file-stem (a path's or URL's file name without extension) or a "
                        + "regular expression whose first group is the image id (softlabels.train.label-id-pattern)"));
    assertThat(dir.resolve("unjoined")).as("nothing was trained").doesNotExist();

    Path model = dir.resolve("model");
    Result trained =
        launch(
            concat(
                train,
                new String[] {"--model-dir", model.toString(), "--label-id-pattern", "file-stem"}));
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    assertThat(trained.err())
        .contains(
            "data: 24 images, 24 with labels (0 without are not used; 0 label rows name "
                + "no image); 16x16 px, 2 classes");
    assertThat(trained.out())
        .startsWith("train: 1 epochs; best epoch 1: validation loss ")
        .endsWith(" -> " + model + "\n");
    assertThat(model.resolve("best/model.zip")).isNotEmptyFile();
  }

  private static String annotation(int task, int annotator, String choice) {
    return String.format(
        """
        {"id": %d, "completed_by": %d, "was_cancelled": false, "result": [{"from_name": "animal", "to_name": "image",
         "type": "choices", "value": {"choices": ["%s"]}}]}""",
        1000 + task * 10 + annotator, annotator, choice);
  }

  /**
   * No network here (a closed loopback port stands in for the zoo's server): one line, what and
   * where.
   */
  @Test
  void imagenetWeightsThatCannotBeDownloadedStopTrainWithOneLine() throws Exception {
    Path generated = dir.resolve("generated-32");
    assertThat(
            launch("generate", "--images", "60", "--size", "32", "--output", generated.toString())
                .exitCode())
        .isZero();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ProcessBuilder train =
        new ProcessBuilder(
            HOME.resolve("bin/softlabels").toString(),
            "train",
            "--images",
            generated.resolve("images").toString(),
            "--labels",
            generated.resolve("labels").toString(),
            "--model-dir",
            dir.resolve("resnet50").toString(),
            "--network",
            "resnet50",
            "--init-from",
            "imagenet");
    train
        .environment()
        .put(
            "SOFTLABELS_JAVA_OPTS",
            "-D"
                + DL4JResources.DL4J_BASE_URL_PROPERTY
                + "=http://127.0.0.1:"
                + closedPort
                + "/ -D"
                + DL4JResources.DL4J_RESOURCES_DIR_PROPERTY
                + "="
                + dir.resolve("zoo"));
    Result refused = run(train);
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .contains(
            "softlabels train: error: softlabels.train.init-from = imagenet: cannot "
                + "download resnet50's ImageNet weights from http://127.0.0.1:"
                + closedPort
                + "/models/resnet50_dl4j_inference.v3.zip (java.net.ConnectException: Connection refused); the DL4J zoo "
                + "caches them as "
                + dir.resolve("zoo/models/resnet50/resnet50_dl4j_inference.v3.zip")
                + ": copy the file there, or set -D"
                + DL4JResources.DL4J_BASE_URL_PROPERTY
                + " to a mirror\n")
        .doesNotContain("\tat ");
    assertThat(dir.resolve("resnet50")).as("nothing was trained").doesNotExist();
  }

  @Test
  void userMistakesPrintOneLineAndExitWithTwo() throws Exception {
    Result missing =
        launch("aggregate", "--input", "no-such-file.csv", "--output", dir.resolve("x").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.errAfterArchiveNotice().strip())
        .isEqualTo("softlabels aggregate: error: input not found: no-such-file.csv");

    Result unknownOption = launch("aggregate", "--inptu", "x");
    assertThat(unknownOption.exitCode()).isEqualTo(2);
    assertThat(unknownOption.errAfterArchiveNotice().strip())
        .startsWith("softlabels aggregate: Unknown options: '--inptu', 'x'")
        .contains("did you mean --input?")
        .doesNotContain("\n");

    Result noMaster = launch("aggregate", "--master");
    assertThat(noMaster.exitCode()).isEqualTo(2);
    assertThat(noMaster.err().strip())
        .isEqualTo("softlabels: --master needs a URL, e.g. --master spark://127.0.0.1:7077");
  }

  @Test
  void theNightlyWrapperAppliesANightOnceAndReportsAMissingOne() throws Exception {
    Path inbox = Files.createDirectories(dir.resolve("inbox"));
    Files.copy(HOME.resolve("examples/annotations.csv"), inbox.resolve("2026-11-01.csv"));
    String[] night = {
      "--state",
      dir.resolve("store").toString(),
      "--inbox",
      inbox.toString(),
      "--log-dir",
      dir.resolve("logs").toString(),
      "--date",
      "2026-11-01",
      "--",
      "--classes",
      EXAMPLE_CLASSES
    };

    Result first = run("bin/relabel-nightly", night);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("night 2026-11-01 applied as version 1: 100 rows read, 96 used, 4 quarantined");
    assertThat(dir.resolve("logs/2026-11-01.log")).isNotEmptyFile();

    Result again = run("bin/relabel-nightly", night);
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("night 2026-11-01 was already applied (version 1)");

    night[List.of(night).indexOf("--date") + 1] = "2026-11-02";
    Result missing = run("bin/relabel-nightly", night);
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.err()).contains("no file for night 2026-11-02");

    Result history = launch("relabel", "history", "--state", dir.resolve("store").toString());
    assertThat(history.exitCode()).as(history.err()).isZero();
    assertThat(history.out())
        .containsPattern("1\\s+2026-11-01\\s+\\S+ \\S+\\s+100\\s+4\\s+12\\s+12\\s+0");

    Result compact = launch("relabel", "compact", "--state", dir.resolve("store").toString());
    assertThat(compact.exitCode()).as(compact.err()).isZero();
    assertThat(compact.out())
        .contains("relabel compact: 12 rows -> 12 (one per image) as version 2 of");
    // That a compaction adds no night, and a missing store's one line, RelabelJobTest checks
    // in-process.
  }

  @Test
  void aSubcommandPrintsTheVersion() throws Exception {
    Result version = launch("aggregate", "--version");
    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.out()).matches("softlabels \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
  }

  /**
   * No silent stretch: at the default 10 s interval a 5 M-row aggregate must print a line at least
   * every 15 s. Here 1 s and 400,000 rows, which run for many intervals; the logs' HH:mm:ss stamps
   * round to whole seconds, and a loaded machine delays a line by a second or two, hence gaps of at
   * most 4 s.
   */
  @Test
  void aggregatePrintsAProgressLineEveryInterval() throws Exception {
    Path input = dir.resolve("rows.csv");
    try (BufferedWriter rows = Files.newBufferedWriter(input)) {
      rows.write("image_id,annotator_id,label\n");
      for (int i = 0; i < 400_000; i++) {
        rows.write("image-" + i / 10 + ",annotator-" + i % 50 + "," + i % 6 + "\n");
      }
    }
    Result result =
        launch(
            "aggregate",
            "--input",
            input.toString(),
            "--output",
            dir.resolve("labels").toString(),
            "-Dsoftlabels.progress.interval=1s");
    assertThat(result.exitCode()).as(result.err()).isZero();

    List<String> lines =
        result.err().lines().filter(line -> TIMESTAMP.matcher(line).lookingAt()).toList();
    assertThat(lines.get(0)).contains("aggregate: settings checked", "starting the Spark session");
    assertThat(lines.get(lines.size() - 1)).contains("aggregate: finished");
    assertThat(lines)
        .filteredOn(line -> line.contains("ProgressReporter: aggregate: "))
        .hasSizeGreaterThanOrEqualTo(3)
        .anySatisfy(
            line ->
                assertThat(line)
                    .containsPattern(
                        "stage \\d+ \\(.+\\) for \\d+ s: [\\d,]+ of [\\d,]+ " + "tasks done"));
    int longestGap = 0;
    for (int i = 1; i < lines.size(); i++) {
      longestGap =
          Math.max(
              longestGap,
              Math.floorMod(secondOfDay(lines.get(i)) - secondOfDay(lines.get(i - 1)), 24 * 3600));
    }
    assertThat(longestGap).as(result.err()).isLessThanOrEqualTo(4);
  }

  private static final Pattern TIMESTAMP = Pattern.compile("(\\d\\d):(\\d\\d):(\\d\\d) ");

  private static int secondOfDay(String line) {
    Matcher time = TIMESTAMP.matcher(line);
    assertThat(time.lookingAt()).isTrue();
    return Integer.parseInt(time.group(1)) * 3600
        + Integer.parseInt(time.group(2)) * 60
        + Integer.parseInt(time.group(3));
  }

  /**
   * Help through bin/softlabels: the product's main class, a nested subcommand, and the benchmarks'
   * main class (their own classpath). SoftLabelsCliTest checks every command's help in-process.
   */
  @Test
  void helpRunsThroughTheLauncher() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"--help"},
            new String[] {"relabel", "history", "--help"},
            new String[] {"bench", "aggregate", "--help"})) {
      Result help = launch(args);
      assertThat(help.exitCode()).isZero();
      String command = String.join(" ", args).replace("--help", "").strip();
      assertThat(help.out()).startsWith(("Usage: softlabels " + command).strip());
    }
  }
}
