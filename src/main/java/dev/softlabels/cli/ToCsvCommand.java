package dev.softlabels.cli;

import dev.softlabels.spark.CsvExport;
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
        "Write Parquet tables as single CSV files.",
        "Write one of the project's Parquet tables (labels/, annotations/, changes/.../images/, ...) as a single",
        "CSV file with a header, for pandas without a Parquet reader and for spreadsheets: arrays and maps",
        "become JSON text, binary columns (image bytes) are left out."})
final class ToCsvCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Parameters(paramLabel = "PARQUET CSV", arity = "2..*",
      description = "Pairs of a Parquet table and the CSV file to write it to (one Spark session for all).")
  List<String> tables;

  @Option(names = "--overwrite", description = "Replace an existing output file.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    if (tables.size() % 2 != 0) {
      throw new ParameterException(spec.commandLine(), "give PARQUET CSV pairs: " + tables.get(tables.size() - 1)
          + " has no CSV file");
    }
    for (int i = 0; i < tables.size(); i += 2) {
      HadoopPaths.requireLocalExists(tables.get(i), "input");
    }
    return ConfigOptions.run(spec, config.load(Map.of()), Function.identity(), (spark, effective, same) -> {
      for (int i = 0; i < tables.size(); i += 2) {
        List<String> columns = CsvExport.run(spark, tables.get(i), tables.get(i + 1), overwrite);
        spec.commandLine().getOut().println("to-csv: " + tables.get(i) + " -> " + tables.get(i + 1) + " ("
            + String.join(", ", columns) + ")");
      }
    });
  }
}
