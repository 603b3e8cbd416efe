package dev.softlabels.cli;

import dev.softlabels.export.ToCsvJob;
import dev.softlabels.spark.HadoopPaths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
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
          "Pairs of a Parquet table and the CSV file to write it to (one Spark session for all).")
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
    return ConfigOptions.run(
        spec,
        config.load(Map.of()),
        Function.identity(),
        (spark, effective, same) -> {
          for (int i = 0; i < tables.size(); i += 2) {
            ToCsvJob.Written written =
                ToCsvJob.run(spark, tables.get(i), tables.get(i + 1), overwrite, arrays);
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
        });
  }
}
