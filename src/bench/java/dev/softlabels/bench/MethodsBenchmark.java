package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.bench.CrowdStudy.Crowd;
import dev.softlabels.bench.CrowdStudy.Result;
import dev.softlabels.bench.CrowdStudy.Results;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.synthetic.SyntheticClasses;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * Every aggregation method on every crowd of {@link CrowdStudy}: the hard labels' accuracy against
 * the truth, its gap to the majority vote's, and the aggregate job's seconds, as markdown tables
 * with a row per method and a column per crowd.
 */
final class MethodsBenchmark {

  private MethodsBenchmark() {}

  public static Results run(
      SparkSession spark, Config config, CrowdStudy.Options options, PrintWriter out) {
    Results results = CrowdStudy.run(spark, config, options);
    print(results, out);
    return results;
  }

  public static void print(Results results, PrintWriter out) {
    CrowdStudy.Options options = results.options();
    out.printf(
        Locale.ROOT,
        "crowds: %,d images with a known truth (balanced: image i of class i mod %d; imbalanced: "
            + "%s and %s), %d votes each from a pool of %d annotators, seed %d%n",
        options.images(),
        SyntheticClasses.CLASSES.size(),
        CrowdStudy.BINARY.names().get(0),
        CrowdStudy.BINARY.names().get(1),
        options.votes(),
        options.pool(),
        options.seed());
    for (Crowd crowd : Crowd.values()) {
      out.printf(Locale.ROOT, "  %-11s %s%n", crowd.configName(), crowd.description(options));
    }
    out.printf(
        "%nhard-label accuracy against the truth (in brackets: points above the majority vote)%n");
    table(
        results,
        r -> {
          double majority = results.of(r.crowd(), AggregationMethod.MAJORITY).accuracy();
          return r.method() == AggregationMethod.MAJORITY
              ? String.format(Locale.ROOT, "%.4f", r.accuracy())
              : String.format(
                  Locale.ROOT, "%.4f (%+.1f)", r.accuracy(), 100 * (r.accuracy() - majority));
        },
        out);
    out.printf("%nimbalanced crowds: share of the true positives labelled positive%n");
    table(
        results,
        Arrays.stream(Crowd.values()).filter(Crowd::imbalanced).toList(),
        r -> String.format(Locale.ROOT, "%.4f", r.positivesFound()),
        out);
    out.printf("%naggregate job's seconds%n");
    table(results, r -> String.format(Locale.ROOT, "%.2f", r.seconds()), out);
    out.flush();
  }

  private static void table(Results results, Function<Result, String> cell, PrintWriter out) {
    table(results, List.of(Crowd.values()), cell, out);
  }

  private static void table(
      Results results, List<Crowd> crowds, Function<Result, String> cell, PrintWriter out) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("method"));
    for (Crowd crowd : crowds) {
      header.add(crowd.configName());
    }
    rows.add(header);
    for (AggregationMethod method : AggregationMethod.values()) {
      List<String> row = new ArrayList<>(List.of(method.configName()));
      for (Crowd crowd : crowds) {
        row.add(cell.apply(results.of(crowd, method)));
      }
      rows.add(row);
    }
    MarkdownTable.print(rows, out);
  }
}
