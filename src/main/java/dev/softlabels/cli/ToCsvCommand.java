package dev.softlabels.cli;

import com.typesafe.config.Config;
import dev.softlabels.export.ToCsvJob;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "to-csv",
    mixinStandardHelpOptions = true,
    description = {
      "Write the project's tables as single CSV files.",
      "Write one of the project's tables as a single CSV file with a header, for pandas without a Parquet",
      "reader and for spreadsheets: aggregate's labels/ and annotators/, a label store (its latest labels, as",
      "relabel export writes them: give --state's DIR or DIR/labels), a night's changes/date=D/images/, ...",
      "Arrays in class order become one column per class, named by class: counts_cat, soft_label_cat, and",
      "for annotators/' confusion matrices confusion_TRUE_GIVEN (row the true class, then the class given).",
      "The class list is the table's own (soft_label's metadata, or summary.json beside it). Other arrays",
      "and maps become JSON text; binary columns (image bytes) are left out.",
      "Example: softlabels to-csv out/labels labels.csv out/annotators annotators.csv"
    })
final class ToCsvCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Parameters(
      paramLabel = "PARQUET CSV",
      arity = "2..*",
      description =
          "Pairs of a Parquet table and the CSV file to write it to (one Spark session for all;"
              + " none where each is a plain Parquet table of local files under 8 MiB).")
  List<String> tables;

  @Option(names = "--overwrite", description = "Replace an existing output file.")
  boolean overwrite;

  @Option(
      names = ToCsvJob.ARRAYS,
      description =
          "Write the arrays in class order as JSON arrays (one column each), not one column per class.")
  boolean arrays;

  @Override
  public Integer call() throws Exception {
    if (tables.size() % 2 != 0) {
      throw new ParameterException(
          spec.commandLine(),
          "give PARQUET CSV pairs: " + tables.get(tables.size() - 1) + " has no CSV file");
    }
    for (int i = 0; i < tables.size(); i += 2) {
      HadoopPaths.requireLocalExists(tables.get(i), "input");
    }
    Config effective = config.load(Map.of());
    Optional<List<ToCsvJob.DriverPlan>> onDriver = onDriver(effective);
    if (onDriver.isPresent()) {
      return ConfigOptions.runOnDriver(
          spec,
          effective,
          Function.identity(),
          (paths, same, settings) -> {
            for (int i = 0; i < tables.size(); i += 2) {
              report(
                  i,
                  ToCsvJob.runOnDriver(
                      paths,
                      onDriver.get().get(i / 2),
                      tables.get(i),
                      tables.get(i + 1),
                      overwrite));
            }
          });
    }
    return ConfigOptions.run(
        spec,
        effective,
        Function.identity(),
        (spark, same, settings) -> {
          for (int i = 0; i < tables.size(); i += 2) {
            report(i, ToCsvJob.run(spark, tables.get(i), tables.get(i + 1), overwrite, arrays));
          }
        });
  }

  /**
   * How each table is written on the driver, with no Spark session, when every one can be ({@link
   * ToCsvJob#onDriver}): seconds of a short command's start. Decided before any session starts.
   */
  private Optional<List<ToCsvJob.DriverPlan>> onDriver(Config effective) {
    List<ToCsvJob.DriverPlan> plans = new ArrayList<>();
    try {
      HadoopPaths paths = HadoopPaths.of(Sessions.hadoopConfiguration(effective));
      SparkConf settings = Sessions.settings(effective);
      for (int i = 0; i < tables.size(); i += 2) {
        Optional<ToCsvJob.DriverPlan> plan =
            ToCsvJob.onDriver(paths, settings, tables.get(i), arrays);
        if (plan.isEmpty()) {
          return Optional.empty();
        }
        plans.add(plan.get());
      }
    } catch (RuntimeException e) {
      // A session's start reports what is wrong with the configuration.
      return Optional.empty();
    }
    return Optional.of(plans);
  }

  /** The line for the table at {@code tables[i]}. */
  private void report(int i, ToCsvJob.Written written) {
    spec.commandLine()
        .getOut()
        .println(
            "to-csv: "
                + tables.get(i)
                + " -> "
                + tables.get(i + 1)
                + " ("
                + written.columns().size()
                + " columns"
                + written
                    .classes()
                    .map(c -> ", class columns for " + String.join(", ", c.names()))
                    .orElse("")
                + ")");
  }
}
