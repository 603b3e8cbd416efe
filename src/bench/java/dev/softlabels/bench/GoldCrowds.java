package dev.softlabels.bench;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.aggregate.AggregateSummary;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Real crowds with a gold label per item: every folder of a directory holding {@code
 * annotations.csv} ({@code image_id,annotator_id,label}) and {@code truth.csv} ({@code
 * image_id,truth}, the true label as the annotations write it), each aggregated with every method,
 * and the share of items whose hard label is the gold one. The layout of {@code
 * ../shared/data/crowds/}; a user's gold-labelled sample laid out the same way is checked the same
 * way.
 */
final class GoldCrowds {

  public static final String ANNOTATIONS = "annotations.csv";
  public static final String TRUTH = "truth.csv";
  private static final String TRUE_LABEL = "true_label";

  private GoldCrowds() {}

  /** One method on one crowd: accuracy against gold, and what the fit reported. */
  public record Result(
      String crowd, AggregationMethod method, double accuracy, AggregateSummary summary) {}

  /** Every crowd with every method, crowds in name order, methods in theirs within each crowd. */
  public record Results(List<String> crowds, List<Result> all) {
    public Result of(String crowd, AggregationMethod method) {
      return all.stream()
          .filter(r -> r.crowd().equals(crowd) && r.method() == method)
          .findFirst()
          .orElseThrow();
    }
  }

  /**
   * The folders of {@code directory} with both files, in name order; a user error when there are
   * none.
   */
  public static List<Path> crowds(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new UserError("--crowds: " + directory + " is not a directory");
    }
    try (Stream<Path> children = Files.list(directory)) {
      List<Path> crowds =
          children
              .filter(
                  d ->
                      Files.isRegularFile(d.resolve(ANNOTATIONS))
                          && Files.isRegularFile(d.resolve(TRUTH)))
              .sorted()
              .toList();
      if (crowds.isEmpty()) {
        throw new UserError(
            "--crowds: no folder of " + directory + " holds both " + ANNOTATIONS + " and " + TRUTH);
      }
      return crowds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Aggregates every crowd of {@code directory} with every method into {@code workDir}; keys the
   * user set in {@code config} (the EM fits' class priors and checks) apply, the study's own
   * (paths, method) win.
   */
  public static Results run(SparkSession spark, Config config, Path directory, String workDir) {
    List<String> names = new ArrayList<>();
    List<Result> all = new ArrayList<>();
    for (Path crowd : crowds(directory)) {
      String name = crowd.getFileName().toString();
      names.add(name);
      for (AggregationMethod method : AggregationMethod.values()) {
        String output = HadoopPaths.child(HadoopPaths.child(workDir, name), method.configName());
        AggregateSummary summary =
            AggregateJob.run(
                spark,
                AggregateSettings.majority(
                        config,
                        AnnotationSource.from(config),
                        crowd.resolve(ANNOTATIONS).toString(),
                        output)
                    .withMethod(method));
        all.add(new Result(name, method, accuracy(spark, crowd.resolve(TRUTH), output), summary));
      }
    }
    return new Results(List.copyOf(names), List.copyOf(all));
  }

  /**
   * The share of gold items whose hard label names their true class; an item without labels counts
   * as wrong.
   */
  private static double accuracy(SparkSession spark, Path truth, String output) {
    Dataset<Row> gold =
        spark
            .read()
            .option("header", true)
            .csv(truth.toString())
            .select(col(LabelColumns.IMAGE), functions.trim(col("truth")).as(TRUE_LABEL));
    Dataset<Row> labels =
        spark
            .read()
            .parquet(HadoopPaths.child(output, AggregateJob.LABELS))
            .select(col(LabelColumns.IMAGE), col(LabelColumns.HARD_LABEL_NAME));
    long items = gold.count();
    long right =
        gold.join(labels, LabelColumns.IMAGE)
            .filter(col(LabelColumns.HARD_LABEL_NAME).equalTo(col(TRUE_LABEL)))
            .count();
    return items == 0 ? 0.0 : (double) right / items;
  }

  /**
   * Per crowd, each method's accuracy against gold, its gap to the majority vote, its iterations
   * and the fit check's warnings, as a markdown table.
   */
  public static void print(Results results, PrintWriter out) {
    out.printf(
        "hard-label accuracy against gold (%%; in brackets: points above the majority vote)%n");
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("method"));
    header.addAll(results.crowds());
    rows.add(header);
    List<String> notes = new ArrayList<>();
    for (AggregationMethod method : AggregationMethod.values()) {
      List<String> row = new ArrayList<>(List.of(method.configName()));
      for (String crowd : results.crowds()) {
        Result result = results.of(crowd, method);
        double majority = results.of(crowd, AggregationMethod.MAJORITY).accuracy();
        AggregateSummary.EmSummary em = result.summary().em();
        String cell = String.format(Locale.ROOT, "%.2f", 100 * result.accuracy());
        if (method != AggregationMethod.MAJORITY) {
          cell += String.format(Locale.ROOT, " (%+.2f)", 100 * (result.accuracy() - majority));
        }
        if (em != null && !em.warnings().isEmpty()) {
          cell += " !";
          em.warnings()
              .forEach(
                  w ->
                      notes.add(
                          String.format(
                              Locale.ROOT, "! %s on %s: %s", method.configName(), crowd, w)));
        }
        row.add(cell);
      }
      rows.add(row);
    }
    MarkdownTable.print(rows, out);
    notes.forEach(out::println);
    out.flush();
  }
}
