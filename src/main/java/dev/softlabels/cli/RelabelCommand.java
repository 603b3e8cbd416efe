package dev.softlabels.cli;

import com.typesafe.config.Config;
import dev.softlabels.quality.ReportSettings;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.relabel.Night;
import dev.softlabels.relabel.RelabelJob;
import dev.softlabels.relabel.RelabelSettings;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.StagedOutput;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "relabel",
    mixinStandardHelpOptions = true,
    subcommands = {
      RelabelCommand.History.class,
      RelabelCommand.Export.class,
      RelabelCommand.Compact.class
    },
    description = {
      "Fold one night's annotation rows into a versioned label store.",
      "The store is a Delta Lake table. A night validates its rows as aggregate does (plus duplicates of",
      "earlier nights' votes), adds their vote counts to the images they touch and commits those images'",
      "new labels together with the night's ledger entry. Each night is",
      "applied at most once, in date order; re-running an applied night does nothing. Labels are majority",
      "votes and vote fractions only: the store keeps each image's vote counts, not which label each annotator",
      "gave, so aggregate's models (--method dawid-skene, ...) cannot be refitted night by night; for them run",
      "aggregate --method over all the nights' annotation rows. Writes",
      "STATE/quarantine/date=D/ and STATE/changes/date=D/ (images/, needs-annotations/, summary.json).",
      "Subcommands: history (the applied nights), export (the labels as of a version, night or time),",
      "compact (fold the rows that later nights superseded away)."
    })
final class RelabelCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "The label store (created on the first night).")
  String state;

  @Option(
      names = "--batch",
      paramLabel = "PATH",
      description = "The night's annotation rows (file or directory).")
  String batch;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The night.")
  String date;

  @Option(
      names = "--method",
      paramLabel = "METHOD",
      description = "majority, the only one relabel has (default: softlabels.relabel.method).")
  String method;

  @Option(
      names = "--report",
      negatable = true,
      description =
          "--no-report skips the night's label-quality report (changes/date=D/report.html, report.json; written by "
              + "default: softlabels.relabel.report; docs/label-quality.md).")
  Boolean report;

  @Option(
      names = "--images",
      paramLabel = "DIR",
      description =
          "A folder of the images as IMAGE_ID.png, .jpg or .jpeg, for thumbnails in the night's "
              + "report (softlabels.report.images).")
  String images;

  @Mixin AnnotationOptions annotations;

  /** The effective configuration: the options given over -D, --conf and the defaults. */
  Config configuration() {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.relabel.state", state);
    options.put("softlabels.relabel.batch", batch);
    options.put("softlabels.relabel.date", date);
    options.put("softlabels.relabel.method", method);
    options.put("softlabels.relabel.report", report);
    options.put(ReportSettings.KEY + "images", images);
    return annotations.load(config, options);
  }

  @Override
  public Integer call() throws Exception {
    return ConfigOptions.run(
        spec,
        configuration(),
        effective -> {
          RelabelSettings settings = RelabelSettings.from(effective);
          HadoopPaths.requireLocalExists(settings.batch(), "batch");
          return settings;
        },
        (spark, effective, settings) -> {
          RelabelJob.Result result = RelabelJob.run(spark, settings);
          Night night = result.night();
          spec.commandLine()
              .getOut()
              .println(
                  result.applied()
                      ? String.format(
                          Locale.ROOT,
                          "relabel: night %s applied as version %d: %,d rows read, %,d used, %,d "
                              + "quarantined; %,d images touched (%,d new, %,d flipped) -> %s",
                          night.date(),
                          result.version(),
                          night.rowsRead(),
                          night.rowsUsed(),
                          night.rowsQuarantined(),
                          night.imagesTouched(),
                          night.newImages(),
                          night.flippedImages(),
                          result.changes())
                      : String.format(
                          Locale.ROOT,
                          "relabel: night %s was already applied (version %d); nothing changed, the "
                              + "store is at version %d",
                          night.date(),
                          night.version(),
                          result.version()));
        });
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description =
          "List the nights applied to a label store: the ledger kept in its commit history.")
  static final class History implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin StoreOptions store;

    @Override
    public Integer call() throws Exception {
      return store.onDriver(
          (paths, path) -> {
            List<Night> nights = LabelStore.ledger(paths, paths.qualified(path)).nights();
            CommandLine.Help.TextTable table =
                CommandLine.Help.TextTable.forColumnWidths(
                    CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF),
                    8,
                    12,
                    25,
                    12,
                    12,
                    12,
                    10,
                    10,
                    8);
            table.addRowValues(
                "version",
                "night",
                "committed",
                "rows",
                "quarantined",
                "images",
                "new",
                "flipped",
                "alpha");
            for (Night n : nights) {
              table.addRowValues(
                  Stream.of(
                          n.version(),
                          n.date(),
                          n.committedAt(),
                          n.rowsRead(),
                          n.rowsQuarantined(),
                          n.imagesTouched(),
                          n.newImages(),
                          n.flippedImages(),
                          alpha(n))
                      .map(String::valueOf)
                      .toArray(String[]::new));
            }
            spec.commandLine()
                .getOut()
                .print(nights.isEmpty() ? "no night applied to " + path + "\n" : table.toString());
            spec.commandLine().getOut().flush();
          });
    }

    /** The store's Krippendorff's alpha after the night; "—" where its ledger entry has none. */
    private static String alpha(Night night) {
      return night.agreement() == null || night.agreement().krippendorffAlpha() == null
          ? "—"
          : String.format(Locale.ROOT, "%.3f", night.agreement().krippendorffAlpha());
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Export a label store's labels as of a version, night or time.",
        "Writes them as a Parquet label table (aggregate's labels/ columns, usable as train --labels)."
      })
  static final class Export implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin StoreOptions store;

    @Option(
        names = "--as-of",
        paramLabel = "WHEN",
        description =
            "A version number, a night (YYYY-MM-DD) or a timestamp; default: the latest version.")
    String asOf = "";

    @Option(
        names = "--output",
        paramLabel = "DIR",
        required = true,
        description = "Output directory.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
      LabelStore.requireAsOf(asOf);
      return store.inSession(
          (spark, path, labels) -> {
            try (StagedOutput staged =
                StagedOutput.directory(
                    spark, output, overwrite, "--output", "relabel export", List.of(path))) {
              labels.labelTable(asOf).write().mode(SaveMode.Overwrite).parquet(staged.path());
              staged.commit();
            }
            spec.commandLine()
                .getOut()
                .println(
                    "relabel export: labels of "
                        + path
                        + (asOf.isBlank() ? "" : " as of " + asOf)
                        + " -> "
                        + output);
          });
    }
  }

  @Command(
      name = "compact",
      mixinStandardHelpOptions = true,
      description = {
        "Keep only each image's latest row in a label store's table.",
        "Rewrites the table with each image's latest row only, in one commit: nights",
        "append a row per image they touch, so the table grows by every night's touched images until this",
        "folds them away. The labels read the same before and after; earlier versions stay readable until",
        "Delta's VACUUM removes their files. Run it when no night is running (one writer per store)."
      })
  static final class Compact implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin StoreOptions store;

    @Override
    public Integer call() throws Exception {
      return store.inSession(
          (spark, path, labels) -> {
            LabelStore.Compaction compaction = labels.compact();
            spec.commandLine()
                .getOut()
                .println(
                    String.format(
                        Locale.ROOT,
                        "relabel compact: %,d rows -> %,d (one per image) as version %d of %s",
                        compaction.before(),
                        compaction.after(),
                        labels.version(),
                        path));
          });
    }
  }

  /** The options of the commands that read a label store: configuration and --state. */
  static final class StoreOptions {

    /** The command this is mixed into. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin ConfigOptions config;

    @Option(names = "--state", paramLabel = "DIR", description = "The label store.")
    String state;

    interface Task {
      void run(SparkSession spark, String path, LabelStore store);
    }

    interface DriverTask {
      void run(HadoopPaths paths, String path) throws Exception;
    }

    /** The effective configuration: --state over -D, --conf and the defaults. */
    private Config configuration() {
      Map<String, Object> options = new HashMap<>();
      options.put("softlabels.relabel.state", state);
      return config.load(options);
    }

    /** The task on the driver, with no Spark session: for what reads a few files of the store. */
    int onDriver(DriverTask task) throws Exception {
      return ConfigOptions.runOnDriver(
          spec,
          configuration(),
          RelabelSettings::state,
          (paths, effective, store) -> task.run(paths, store));
    }

    int inSession(Task task) throws Exception {
      return ConfigOptions.run(
          spec,
          configuration(),
          RelabelSettings::state,
          (spark, effective, store) ->
              task.run(
                  spark,
                  store,
                  new LabelStore(spark, store, LabelStore.CommitPath.from(effective))));
    }
  }
}
