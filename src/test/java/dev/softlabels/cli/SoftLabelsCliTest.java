package dev.softlabels.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import dev.softlabels.bench.BenchCommand;
import dev.softlabels.testing.TestFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** User mistakes end in one clear line and exit code 2, before any Spark starts. */
class SoftLabelsCliTest {

  @TempDir Path dir;

  private record Result(int exitCode, String out, String err) {
    void isOneLineUserError(String expected) {
      assertThat(exitCode).isEqualTo(SoftLabels.USER_ERROR);
      assertThat(err.strip()).contains(expected).doesNotContain("\n").doesNotContain("Exception");
    }
  }

  private static Result run(String... args) {
    return run(SoftLabels.commandLine(), args);
  }

  private static Result run(CommandLine command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int code = command.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * reproduce: the user's own settings beat the study preset's (here -D, as users pass them to
   * bin/softlabels); without them the preset's hold.
   */
  @Test
  void anExplicitEpochCountBeatsTheStudyPreset() {
    Config preset = reproduceConfiguration("reproduce", "--output", "out");
    int presetEpochs =
        preset.getInt(
            "softlabels.reproduce.presets."
                + preset.getString("softlabels.reproduce.preset")
                + ".epochs");
    assertThat(presetEpochs).isNotEqualTo(1);
    assertThat(preset.getInt("softlabels.train.epochs")).isEqualTo(presetEpochs);
    assertThat(
            reproduceConfiguration("reproduce", "--output", "out", "-Dsoftlabels.train.epochs=1")
                .getInt("softlabels.train.epochs"))
        .isEqualTo(1);
  }

  private static Config reproduceConfiguration(String... args) {
    CommandLine cli = SoftLabels.commandLine();
    cli.parseArgs(args);
    ReproduceCommand reproduce = cli.getSubcommands().get("reproduce").getCommand();
    return reproduce.configuration();
  }

  @Test
  void helpListsTheCommands() {
    Result result = run("--help");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("aggregate", "bench");
    Result aggregate = run("aggregate", "--help");
    assertThat(aggregate.exitCode()).isZero();
    assertThat(aggregate.out())
        .contains(
            "--input=PATH",
            "--output=DIR",
            "--conf=FILE",
            "-D=KEY=VALUE",
            "--class-prior=PRIOR",
            "--fail-on-degenerate");
  }

  /**
   * Every command and subcommand, of the product and of the benchmarks (walked from the command
   * tree, so a new command is covered without a list to update), prints its usage and exits 0.
   * LauncherIT runs a few of them through bin/softlabels; the rest need no JVM of their own.
   */
  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    commandPaths(SoftLabels.commandLine(), List.of(), paths);
    commandPaths(BenchCommand.commandLine(), List.of(), paths);
    assertThat(paths)
        .contains(
            List.of("aggregate"),
            List.of("relabel", "history"),
            List.of("bench", "methods"),
            List.of("to-csv"))
        .hasSizeGreaterThanOrEqualTo(19);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CommandLine root =
          path.size() > 1 && path.get(0).equals("bench")
              ? BenchCommand.commandLine()
              : SoftLabels.commandLine();
      Result help = run(root, args.toArray(String[]::new));
      assertThat(help.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(help.out())
          .as(String.join(" ", args))
          .contains("Usage: softlabels " + String.join(" ", path));
    }
  }

  private static void commandPaths(
      CommandLine command, List<String> path, List<List<String>> paths) {
    if (!paths.contains(path)) {
      paths.add(path);
    }
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (name.equals(sub.getCommandName())) {
                List<String> subPath = new ArrayList<>(path);
                subPath.add(name);
                commandPaths(sub, subPath, paths);
              }
            });
  }

  @Test
  void aMissingCommandOrUnknownOptionIsNamed() {
    run().isOneLineUserError("softlabels: missing command (see 'softlabels --help')");
    run("aggregate", "--bogus")
        .isOneLineUserError("softlabels aggregate: Unknown option: '--bogus'");
    run("frobnicate").isOneLineUserError("Unmatched argument at index 0: 'frobnicate'");
  }

  @Test
  void missingInputsAndPathsAreNamed() {
    run("aggregate", "--output", dir.toString())
        .isOneLineUserError("no input given: pass --input PATH");
    run(
            "aggregate",
            "--input",
            dir.resolve("absent.csv").toString(),
            "--output",
            dir.resolve("o").toString())
        .isOneLineUserError(
            "softlabels aggregate: error: input not found: " + dir.resolve("absent.csv"));
  }

  @Test
  void badConfigurationIsNamed() {
    run("aggregate", "-Dsoftlabels.agregate.input=x", "--input", "x", "--output", "y")
        .isOneLineUserError("unknown configuration key softlabels.agregate.input");
    run("aggregate", "--conf", dir.resolve("nope.conf").toString())
        .isOneLineUserError("configuration file not found: " + dir.resolve("nope.conf"));
    run("aggregate", "-Dsoftlabels.annotations.format=xml", "--input", "x", "--output", "y")
        .isOneLineUserError(
            "softlabels.annotations.format must be one of csv, json, parquet, auto, label-studio, "
                + "sagemaker-gt, mturk, toloka; got 'xml'");
    run("aggregate", "--classes", "only", "--input", "x", "--output", "y")
        .isOneLineUserError("softlabels.classes needs at least two classes");
    run("aggregate", "--method", "mean", "--input", "x", "--output", "y")
        .isOneLineUserError(
            "softlabels.aggregate.method must be one of majority, dawid-skene, one-coin, glad, mace, wawa; got 'mean'");
    run("aggregate", "-Dsoftlabels.aggregate.em.smoothing=0", "--input", "x", "--output", "y")
        .isOneLineUserError("softlabels.aggregate.em.smoothing must be > 0");
    run(
            "aggregate",
            "-Dsoftlabels.aggregate.dawid-skene.smoothing=0.1",
            "--input",
            "x",
            "--output",
            "y")
        .isOneLineUserError(
            "softlabels.aggregate.dawid-skene.smoothing from -Dsoftlabels.aggregate.dawid-skene.smoothing "
                + "is now softlabels.aggregate.em.smoothing");
    run(
            "aggregate",
            "--method",
            "wawa",
            "--class-prior",
            "uniform",
            "--input",
            "x",
            "--output",
            "y")
        .isOneLineUserError(
            "--class-prior: wawa has no class prior (dawid-skene, one-coin, glad and mace have one)");
    run("aggregate", "--method", "glad", "--class-prior", "fixed", "--input", "x", "--output", "y")
        .isOneLineUserError(
            "softlabels.aggregate.em.class-prior.glad must be learned, uniform or a list of class "
                + "shares such as [0.88, 0.12], got 'fixed'");
    run("aggregate", "--method", "glad", "--class-prior", "0.9,x", "--input", "x", "--output", "y")
        .isOneLineUserError(
            "--class-prior: '0.9,x' is not learned, uniform or class shares such as 0.88,0.12");
    run(
            "aggregate",
            "--method",
            "mace",
            "--class-prior",
            "0.9,0.2",
            "--input",
            "x",
            "--output",
            "y")
        .isOneLineUserError(
            "softlabels.aggregate.em.class-prior.mace must list one share per class (two or more) "
                + "summing to 1, got [0.9, 0.2]");
    run(
            "aggregate",
            "-Dsoftlabels.aggregate.em.class-prior.wawa=uniform",
            "--input",
            "x",
            "--output",
            "y")
        .isOneLineUserError("unknown configuration key softlabels.aggregate.em.class-prior.wawa");
    run("aggregate", "-Dsoftlabels.aggregate.em.prior-strength=0", "--input", "x", "--output", "y")
        .isOneLineUserError("softlabels.aggregate.em.prior-strength must be > 0, got 0.0");
    run("reproduce", "--label-types", "hard,posterior", "--output", "y")
        .isOneLineUserError(
            "label type posterior (softlabels.reproduce.label-types) needs annotators: pass --annotate");
    run("reproduce", "--label-types", "hard,fuzzy", "--output", "y")
        .isOneLineUserError(
            "softlabels.reproduce.label-types must be hard, soft, posterior or a method's name for its "
                + "posteriors (dawid-skene, one-coin, glad, mace, wawa); got 'fuzzy'");
    run(
            "reproduce",
            "--dataset",
            "cifar10h",
            "--annotate",
            "--label-types",
            "posterior",
            "--output",
            "y")
        .isOneLineUserError("CIFAR-10H publishes only counts per image");
  }

  @Test
  void keysNothingWouldReadAreRefused() {
    run("aggregate", "-Dsoftlables.classes=[a,b]", "--input", "x", "--output", "y")
        .isOneLineUserError(
            "unknown configuration key softlables.classes from -Dsoftlables.classes (did you mean softlabels.classes?)");
    run("aggregate", "-Dsprak.sql.shuffle.partitions=1", "--input", "x", "--output", "y")
        .isOneLineUserError(
            "unknown configuration key sprak.sql.shuffle.partitions from -Dsprak.sql.shuffle.partitions "
                + "(did you mean spark.sql.shuffle.partitions?)");
    Path file = TestFiles.write(dir, "misspelt.conf", "softlables.classes = [a, b]");
    run("aggregate", "--conf", file.toString(), "--input", "x", "--output", "y")
        .isOneLineUserError(
            "unknown configuration key softlables.classes from "
                + file
                + ": 1 (did you mean softlabels.classes?)");
  }

  @Test
  void sparkSettingsGivenWithDReachSparkConf() {
    CommandLine command = SoftLabels.commandLine();
    command.parseArgs("aggregate", "-Dspark.sql.shuffle.partitions=1");
    AggregateCommand aggregate = command.getSubcommands().get("aggregate").getCommand();
    assertThat(
            aggregate
                .config
                .load(Map.of())
                .getString("softlabels.spark.conf.\"spark.sql.shuffle.partitions\""))
        .isEqualTo("1");
  }

  /** Spark would refuse these only once its session starts, with a stack trace. */
  @Test
  void sparkSettingsSparkWouldRefuseAreNamed() {
    Path input = TestFiles.write(dir, "rows.csv", "image_id,annotator_id,label");
    String output = dir.resolve("out").toString();
    run(
            "aggregate",
            "-Dspark.sql.shuffle.partitions=0",
            "--input",
            input.toString(),
            "--output",
            output)
        .isOneLineUserError(
            "softlabels aggregate: error: bad Spark setting spark.sql.shuffle.partitions = 0 from "
                + "-Dspark.sql.shuffle.partitions: '0' in spark.sql.shuffle.partitions is invalid. The value of "
                + "spark.sql.shuffle.partitions must be positive");
    run(
            "aggregate",
            "-Dspark.sql.shuffle.partitions=many",
            "--input",
            input.toString(),
            "--output",
            output)
        .isOneLineUserError(
            "bad Spark setting spark.sql.shuffle.partitions = many from "
                + "-Dspark.sql.shuffle.partitions: spark.sql.shuffle.partitions should be int, but was many");
  }

  @Test
  void sparkSettingsSparkDoesNotKnowAreRefused() {
    Path input = TestFiles.write(dir, "rows.csv", "image_id,annotator_id,label");
    String output = dir.resolve("out").toString();
    run(
            "aggregate",
            "-Dspark.sql.shufle.partitions=3",
            "--input",
            input.toString(),
            "--output",
            output)
        .isOneLineUserError(
            "softlabels aggregate: error: unknown Spark setting spark.sql.shufle.partitions from "
                + "-Dspark.sql.shufle.partitions (did you mean spark.sql.shuffle.partitions?)");
    Path file =
        TestFiles.write(
            dir, "spark.conf", "softlabels.spark.conf { \"spark.sqll.adaptive.enabled\" = false }");
    run("aggregate", "--conf", file.toString(), "--input", input.toString(), "--output", output)
        .isOneLineUserError(
            "unknown Spark setting spark.sqll.adaptive.enabled from "
                + file
                + ": 1 (did you mean spark.sql.adaptive.enabled?)");
    // Families of keys Spark reads by prefix, Spark's own and Delta's settings, and a plugin's
    // namespace pass: the run gets as far as the missing master.
    run(
            "aggregate",
            "-Dspark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000",
            "-Dspark.executorEnv.OMP_NUM_THREADS=2",
            "-Dspark.sql.catalog.lake=org.example.Catalog",
            "-Dspark.sql.catalog.lake.uri=thrift://x",
            "-Dspark.executor.resource.gpu.amount=1",
            "-Dspark.databricks.delta.snapshotPartitions=2",
            "-Dspark.ui.enabled=false",
            "-Dspark.app.name=x",
            "-Dspark.rapids.sql.enabled=true",
            "-Dspark.sql.extensions=org.example.Extension",
            "-Dspark.driver.extraJavaOptions=-Dx=1",
            "--input",
            input.toString(),
            "--output",
            output)
        .isOneLineUserError("no Spark master is set");
  }

  @Test
  void anAsOfThatIsNoVersionNightOrTimestampIsNamed() {
    run(
            "relabel",
            "export",
            "--state",
            dir.resolve("store").toString(),
            "--as-of",
            "yesterday",
            "--output",
            dir.resolve("out").toString())
        .isOneLineUserError(
            "softlabels relabel export: error: --as-of yesterday is "
                + "not a version number (such as 3), a night (YYYY-MM-DD) or a timestamp (such as 2026-11-01 10:00:00)");
  }

  /** Hadoop would take "2026-11-01T10" for a URI scheme. */
  @Test
  void aLocalNameWithAColonIsAPath() {
    run("aggregate", "--input", "2026-11-01T10:00.csv", "--output", dir.resolve("out").toString())
        .isOneLineUserError("softlabels aggregate: error: input not found: 2026-11-01T10:00.csv");
  }

  @Test
  void classNamesAreTrimmed() {
    run("aggregate", "--classes", "cat, cat", "--input", "x", "--output", "y")
        .isOneLineUserError("softlabels.classes has duplicate names: [cat, cat]");
  }

  @Test
  void trainingChoicesAreEnumsNamedWithTheirKey() {
    String[] data = {"--images", "x", "--labels", "y", "--model-dir", "m"};
    run(concat(new String[] {"train", "--network", "resnet"}, data))
        .isOneLineUserError(
            "softlabels.train.network must be one of cnn, cnn-medium, cnn-large, resnet50, vgg16; got 'resnet'");
    run(concat(new String[] {"train", "--init-from", "imagenet"}, data))
        .isOneLineUserError(
            "softlabels.train.init-from = imagenet needs a zoo network (--network resnet50 or vgg16): cnn has no "
                + "ImageNet weights");
    run(concat(new String[] {"train", "-Dsoftlabels.train.optimizer.schedule=step"}, data))
        .isOneLineUserError(
            "softlabels.train.optimizer.schedule must be one of cosine, constant; got 'step'");
    run(concat(new String[] {"train", "-Dsoftlabels.train.repartition=sometimes"}, data))
        .isOneLineUserError(
            "softlabels.train.repartition must be one of always, never, num-partitions-workers-differs;"
                + " got 'sometimes'");
  }

  /**
   * A regular expression is text, even one that starts like a HOCON list; every job that joins
   * labels takes it.
   */
  @Test
  void theLabelIdPatternReachesEachJobThatJoinsLabelsWithImages() {
    String pattern = "[^/]+/([^/]+)\\.jpg$";
    CommandLine command = SoftLabels.commandLine();
    for (String name : List.of("train", "evaluate", "embed")) {
      command.parseArgs(name, "--label-id-pattern", pattern);
      Map<String, CommandLine.Model.CommandSpec> mixins =
          command.getSubcommands().get(name).getCommandSpec().mixins();
      DataOptions data = (DataOptions) mixins.get("data").userObject();
      ConfigOptions config = (ConfigOptions) mixins.get("config").userObject();
      Map<String, Object> options = new HashMap<>();
      data.addTo(options, "softlabels." + name);
      assertThat(config.load(options).getString("softlabels.train.label-id-pattern"))
          .as(name)
          .isEqualTo(pattern);
    }
    run("train", "--label-id-pattern", "(", "--images", "x", "--labels", "y", "--model-dir", "m")
        .isOneLineUserError(
            "softlabels.train.label-id-pattern '(' is not a regular expression (Unclosed group at index 1)");
  }

  @Test
  void aProgressIntervalThatIsNoDurationIsNamed() {
    Path input = TestFiles.write(dir, "rows.csv", "image_id,annotator_id,label\n");
    run(
            "aggregate",
            "-Dsoftlabels.progress.interval=soon",
            "--input",
            input.toString(),
            "--output",
            dir.resolve("out").toString())
        .isOneLineUserError(
            "softlabels aggregate: error: softlabels.progress.interval must be a duration of at least 100ms, such as 10s, "
                + "not 'soon'");
  }

  /**
   * Every command bin/softlabels runs: the product's and, from a source checkout, the benchmarks.
   */
  @Test
  void everyCommandPrintsTheProjectVersion() {
    List<CommandLine> commands = commands(BenchCommand.commandLine());
    assertThat(commands).hasSizeGreaterThan(15);
    for (CommandLine command : commands) {
      List<String> args =
          new ArrayList<>(List.of(command.getCommandSpec().qualifiedName().split(" ")));
      args.set(0, "--version");
      Collections.rotate(args, -1);
      Result result = run(BenchCommand.commandLine(), args.toArray(String[]::new));
      assertThat(result.exitCode()).as(args.toString()).isZero();
      assertThat(result.out())
          .as(args.toString())
          .matches("softlabels \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
    }
  }

  @Test
  void commandListsShowEverySummaryWholeAsOneSentence() {
    List<CommandLine> parents = new ArrayList<>(commands(SoftLabels.commandLine()));
    parents.addAll(commands(BenchCommand.commandLine()));
    for (CommandLine parent : parents) {
      String usage = parent.getUsageMessage(CommandLine.Help.Ansi.OFF);
      for (CommandLine command : parent.getSubcommands().values()) {
        if (command.getCommand() instanceof CommandLine.HelpCommand) {
          continue;
        }
        String summary = command.getCommandSpec().usageMessage().description()[0];
        assertThat(summary).as(command.getCommandName()).endsWith(".");
        assertThat(usage)
            .as(parent.getCommandName())
            .containsPattern(
                "(?m)^  "
                    + command.getCommandName()
                    + " +"
                    + java.util.regex.Pattern.quote(summary)
                    + "$");
      }
    }
  }

  /** The benchmarks are not in the product: its bench command only says where they run. */
  @Test
  void theProductsBenchCommandSaysWhereTheBenchmarksRun() {
    run("bench", "aggregate", "--rows", "2000")
        .isOneLineUserError(
            "softlabels bench: error: the benchmarks are not in "
                + "the softlabels jar: run them from a source checkout with bin/softlabels bench (see docs/performance.md)");
    assertThat(run("bench", "--help").out())
        .contains("bin/softlabels bench --help")
        .doesNotContain("aggregate");
    assertThat(run(BenchCommand.commandLine(), "bench", "--help").out())
        .contains("aggregate", "relabel", "methods");
  }

  @Test
  void relabelSaysItIsMajorityOnlyAndRefusesTheModels() {
    assertThat(run("relabel", "--help").out()).contains("Labels are majority", "--method=METHOD");
    String[] night = {
      "--state", dir.resolve("store").toString(), "--batch", dir.toString(), "--date", "2026-11-01"
    };
    run(concat(new String[] {"relabel", "--method", "dawid-skene"}, night))
        .isOneLineUserError(
            "relabel --method dawid-skene: relabel is majority-only, because the label store keeps each image's vote "
                + "counts and the annotators seen, not which label each annotator gave, and dawid-skene fits a model of "
                + "every annotator's labels; for dawid-skene labels run aggregate --method dawid-skene over all the "
                + "nights' annotation rows");
    run(concat(new String[] {"relabel", "--method", "median"}, night))
        .isOneLineUserError(
            "softlabels.relabel.method (--method) must be one of majority, dawid-skene, one-coin, glad, mace, wawa; got "
                + "'median'");
  }

  @Test
  void toCsvHelpNamesTheClassColumnsAndTheLabelStore() {
    assertThat(run("to-csv", "--help").out())
        .contains("--arrays", "soft_label_cat", "label store", "confusion_TRUE_GIVEN");
  }

  @Test
  void aJobIsNamedByItsCommandBelowSoftlabels() {
    CommandLine history =
        SoftLabels.commandLine().getSubcommands().get("relabel").getSubcommands().get("history");
    assertThat(ConfigOptions.jobName(history.getCommandSpec())).isEqualTo("relabel history");
  }

  /** {@code root} and every command below it but picocli's help command. */
  private static List<CommandLine> commands(CommandLine root) {
    List<CommandLine> all = new ArrayList<>(List.of(root));
    root.getSubcommands().values().stream()
        .filter(c -> !(c.getCommand() instanceof CommandLine.HelpCommand))
        .forEach(c -> all.addAll(commands(c)));
    return all;
  }

  private static String[] concat(String[] first, String[] second) {
    return java.util.stream.Stream.concat(
            java.util.Arrays.stream(first), java.util.Arrays.stream(second))
        .toArray(String[]::new);
  }
}
