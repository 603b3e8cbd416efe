package dev.softlabels.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.quality.ReportSettings;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.truth.ClassPrior;
import dev.softlabels.truth.EmSettings;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    description = {
      "Turn annotation rows into per-image hard and soft labels.",
      "Rows are (image, annotator, label). Hard labels are the majority vote (ties to the lowest class index)",
      "and soft labels the vote fractions; or, with --method dawid-skene, one-coin, glad, mace or wawa, a model of",
      "the annotators estimates each one's reliability (by EM but for wawa) and the soft labels are the",
      "posteriors, the hard labels their argmax.",
      "Writes DIR/labels/ (Parquet), DIR/quarantine/ (rejected rows with a reason), DIR/summary.json and, for",
      "the models, DIR/annotators/ (each annotator's label count, accuracy and the method's parameters);",
      "with --report, the label-quality report DIR/report.html."
    })
final class AggregateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--input",
      paramLabel = "PATH",
      description =
          "Annotation rows: CSV, JSON lines, Parquet or a tool's export (--format); a file or directory, "
              + "local or s3a://.")
  String input;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Output directory, local or s3a://.")
  String output;

  @Mixin AnnotationOptions annotations;

  @Option(
      names = "--method",
      paramLabel = "METHOD",
      description =
          "majority (the default), dawid-skene, one-coin, glad, mace or wawa; EM settings under "
              + "softlabels.aggregate.em.")
  String method;

  @Option(
      names = "--class-prior",
      paramLabel = "PRIOR",
      description =
          "The method's class prior: learned, uniform, or class shares in class-list order such as "
              + "0.88,0.12 (default per method: softlabels.aggregate.em.class-prior).")
  String classPrior;

  @Option(
      names = "--fail-on-degenerate",
      description =
          "Fail (exit 4, nothing written) when the fit looks degenerate instead of warning "
              + "(softlabels.aggregate.em.fail-on-degenerate).")
  Boolean failOnDegenerate;

  @Option(
      names = "--report",
      description =
          "Also write the label-quality report: DIR/report.html (one self-contained page), "
              + "DIR/report.json (its figures) and DIR/annotator-quality/ (every annotator against the "
              + "consensus, with flags) (softlabels.aggregate.report; docs/label-quality.md).")
  Boolean report;

  @Option(
      names = "--images",
      paramLabel = "DIR",
      description =
          "With --report: a folder of the images as IMAGE_ID.png, .jpg or .jpeg, for thumbnails of "
              + "the listed images (softlabels.report.images).")
  String images;

  @Option(names = "--overwrite", description = "Replace an existing output directory.")
  Boolean overwrite;

  @Override
  public Integer call() throws Exception {
    return ConfigOptions.run(
        spec,
        configuration(),
        effective -> {
          AggregateSettings settings = withClassPrior(AggregateSettings.from(effective), effective);
          HadoopPaths.requireLocalExists(settings.input(), "input");
          return settings;
        },
        (spark, effective, settings) ->
            spec.commandLine().getOut().println(AggregateJob.run(spark, settings).line()),
        AggregateJob::fitsOnDriver,
        (driver, settings) ->
            spec.commandLine().getOut().println(AggregateJob.runOnDriver(driver, settings).line()));
  }

  /** The effective configuration: the options given over -D, --conf and the defaults. */
  Config configuration() {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.aggregate.input", input);
    options.put("softlabels.aggregate.output", output);
    options.put("softlabels.aggregate.overwrite", overwrite);
    options.put("softlabels.aggregate.method", method);
    options.put(EmSettings.FAIL_ON_DEGENERATE, failOnDegenerate);
    options.put("softlabels.aggregate.report", report);
    options.put(ReportSettings.KEY + "images", images);
    return annotations.load(config, options);
  }

  /** --class-prior, for the method the run uses (known only once the configuration is read). */
  private AggregateSettings withClassPrior(AggregateSettings settings, Config effective) {
    if (classPrior == null) {
      return settings;
    }
    AggregationMethod chosen = settings.method();
    if (!settings.em().classPriors().containsKey(chosen)) {
      throw new UserError(
          "--class-prior: "
              + chosen.configName()
              + " has no class prior (dawid-skene, one-coin, "
              + "glad and mace have one)");
    }
    Object value = classPrior.contains(",") ? shares(classPrior) : classPrior.trim();
    ClassPrior prior =
        ClassPrior.parse(
            ConfigValueFactory.fromAnyRef(value),
            EmSettings.CLASS_PRIOR + chosen.configName(),
            effective.getDouble(EmSettings.KEY + "prior-strength"));
    return settings.withEm(settings.em().withClassPrior(chosen, prior));
  }

  private static List<Double> shares(String text) {
    try {
      return Arrays.stream(text.split(",")).map(String::trim).map(Double::valueOf).toList();
    } catch (NumberFormatException e) {
      throw new UserError(
          "--class-prior: '"
              + text
              + "' is not learned, uniform or class shares such as 0.88,0.12");
    }
  }
}
