package dev.softlabels.reproduce;

import dev.softlabels.labels.Metrics;
import dev.softlabels.report.HtmlPage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Renders the study's results as the paper's Table 1 (mean ± standard deviation over splits, best
 * value per metric and dataset in bold, the paper's numbers beside ours), in Markdown, CSV and a
 * self-contained HTML page. Pure: strings in, strings out.
 */
public final class ReportRenderer {

  /** The paper's Table 1: dataset -> label type -> {ACC mean, ACC std, KL mean, KL std}. */
  static final Map<String, Map<String, double[]>> PAPER =
      Map.of(
          "synthetic",
              Map.of(
                  "hard",
                  new double[] {0.8247, 0.05002, 0.4137, 0.0836},
                  "soft",
                  new double[] {0.9096, 0.0137, 0.0394, 0.0009}),
          "cifar10h",
              Map.of(
                  "hard",
                  new double[] {0.6217, 0.04658, 0.7884, 0.1089},
                  "soft",
                  new double[] {0.6903, 0.0669, 0.2280, 0.0227}));

  private ReportRenderer() {}

  /** Mean and sample standard deviation (n - 1; 0 for a single value). */
  public static double[] meanAndStd(List<Double> values) {
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    if (values.size() < 2) {
      return new double[] {mean, 0};
    }
    double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return new double[] {mean, Math.sqrt(squares / (values.size() - 1))};
  }

  /** dataset -> label type -> metric -> [mean, std]. */
  public static Map<String, Map<String, Map<String, double[]>>> summarise(List<CellResult> cells) {
    Map<String, Map<String, Map<String, double[]>>> summary = new LinkedHashMap<>();
    for (String dataset :
        new TreeSet<>(cells.stream().map(CellResult::dataset).toList()).descendingSet()) {
      Map<String, Map<String, double[]>> byType = new LinkedHashMap<>();
      for (String type :
          new TreeSet<>(
              cells.stream()
                  .filter(c -> c.dataset().equals(dataset))
                  .map(CellResult::labelType)
                  .toList())) {
        Map<String, double[]> byMetric = new LinkedHashMap<>();
        for (String metric : Metrics.LARGER_IS_BETTER.keySet()) {
          byMetric.put(
              metric,
              meanAndStd(
                  cells.stream()
                      .filter(c -> c.dataset().equals(dataset) && c.labelType().equals(type))
                      .map(c -> c.metrics().get(metric))
                      .toList()));
        }
        byType.put(type, byMetric);
      }
      summary.put(dataset, byType);
    }
    return summary;
  }

  /**
   * @param regimes dataset -> how its networks were trained (from random weights or fine-tuned),
   *     where known
   */
  public static String markdown(
      List<CellResult> cells,
      List<FeatureSpace> featureSpaces,
      String preset,
      Map<String, String> regimes,
      Map<String, Sweep> sweeps,
      Map<String, String> reliabilityPlots) {
    Map<String, Map<String, Map<String, double[]>>> summary = summarise(cells);
    StringBuilder md = new StringBuilder();
    md.append("# Hard versus soft labels\n\n")
        .append(
            "Reproduction of Table 1 of *Beyond Hard Labels* (Grossmann, Schmarje, Koch) with the `")
        .append(preset)
        .append(
            "` preset: mean ± standard deviation over the seeded splits of the test-split metrics; ")
        .append(
            "the best value per metric and dataset is in **bold**. ACC is macro accuracy, KL is ")
        .append("KL(soft ground truth ‖ prediction) with both clipped to [1e-5, 1 − 1e-5].\n\n");
    md.append(
        "| Dataset | Hard ACC ↑ | Hard KL ↓ | Soft ACC ↑ | Soft KL ↓ |\n|---|---|---|---|---|\n");
    summary.forEach(
        (dataset, byType) -> {
          md.append("| ")
              .append(dataset)
              .append(" (ours, ")
              .append(splits(cells, dataset))
              .append(" splits)");
          for (String type : List.of("hard", "soft")) {
            for (String metric : List.of(Metrics.MACRO_ACCURACY, Metrics.KL)) {
              md.append(" | ").append(cell(byType, type, metric));
            }
          }
          md.append(" |\n");
          Map<String, double[]> paper = PAPER.get(dataset);
          if (paper != null) {
            md.append("| ")
                .append(
                    dataset.equals("cifar10h")
                        ? "MiceBone (paper; our real-data stand-in)"
                        : dataset + " (paper)");
            for (String type : List.of("hard", "soft")) {
              double[] p = paper.get(type);
              md.append(
                  String.format(
                      Locale.ROOT, " | %.4f ± %.4f | %.4f ± %.4f", p[0], p[1], p[2], p[3]));
            }
            md.append(" |\n");
          }
        });
    pairedSection(md, cells);
    baselineSection(md, cells);
    if (summary.keySet().stream().anyMatch(regimes::containsKey)) {
      md.append("\nHow the networks were trained (both label types alike):\n\n");
      summary.keySet().stream()
          .filter(regimes::containsKey)
          .forEach(
              dataset ->
                  md.append("- **")
                      .append(dataset)
                      .append("**: ")
                      .append(regimes.get(dataset))
                      .append(".\n"));
    }
    sweepSection(md, sweeps);
    md.append("\n## All metrics\n\n| Dataset | Labels |");
    Metrics.LARGER_IS_BETTER.forEach(
        (metric, larger) ->
            md.append(' ').append(metric).append(larger ? " ↑" : " ↓").append(" |"));
    md.append("\n|---|---|").append("---|".repeat(Metrics.LARGER_IS_BETTER.size())).append('\n');
    summary.forEach(
        (dataset, byType) ->
            byType.forEach(
                (type, byMetric) -> {
                  md.append("| ").append(dataset).append(" | ").append(type).append(" |");
                  Metrics.LARGER_IS_BETTER
                      .keySet()
                      .forEach(
                          metric -> md.append(' ').append(cell(byType, type, metric)).append(" |"));
                  md.append('\n');
                }));
    md.append("\n## Per split\n\n| Dataset | Split | Labels |");
    Metrics.LARGER_IS_BETTER.keySet().forEach(metric -> md.append(' ').append(metric).append(" |"));
    md.append("\n|---|---|---|")
        .append("---|".repeat(Metrics.LARGER_IS_BETTER.size()))
        .append('\n');
    for (CellResult c : sorted(cells)) {
      md.append("| ")
          .append(c.dataset())
          .append(" | ")
          .append(c.split())
          .append(" | ")
          .append(c.labelType())
          .append(" |");
      Metrics.LARGER_IS_BETTER
          .keySet()
          .forEach(
              metric -> md.append(String.format(Locale.ROOT, " %.4f |", c.metrics().get(metric))));
      md.append('\n');
    }
    if (!featureSpaces.isEmpty()) {
      featureSpaceSection(md, featureSpaces);
    }
    if (!reliabilityPlots.isEmpty()) {
      reliabilitySection(md, reliabilityPlots);
    }
    return md.toString();
  }

  /** The metrics compared soft − hard, with the names the report gives them. */
  static final Map<String, String> PAIRED_METRICS =
      linked(
          Metrics.MACRO_ACCURACY, "ACC", Metrics.KL, "KL", Metrics.ECE, "ECE", Metrics.NLL, "NLL");

  private static Map<String, String> linked(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /**
   * dataset -> metric -> soft − hard, paired by split (both models of a split are scored on the
   * same test images), for the datasets with both label types on at least one split.
   */
  public static Map<String, Map<String, PairedDifference>> pairedDifferences(
      List<CellResult> cells) {
    Map<String, Map<String, PairedDifference>> differences = new LinkedHashMap<>();
    for (String dataset :
        new TreeSet<>(cells.stream().map(CellResult::dataset).toList()).descendingSet()) {
      Map<String, PairedDifference> byMetric = new LinkedHashMap<>();
      for (String metric : PAIRED_METRICS.keySet()) {
        paired(cells, dataset, "soft", "hard", metric).ifPresent(d -> byMetric.put(metric, d));
      }
      if (!byMetric.isEmpty()) {
        differences.put(dataset, byMetric);
      }
    }
    return differences;
  }

  /**
   * {@code first} − {@code second} on a metric, paired by split over the splits holding both, if
   * any.
   */
  private static Optional<PairedDifference> paired(
      List<CellResult> cells, String dataset, String first, String second, String metric) {
    Map<Integer, CellResult> a = bySplit(cells, dataset, first);
    Map<Integer, CellResult> b = bySplit(cells, dataset, second);
    List<Integer> splits = a.keySet().stream().filter(b::containsKey).sorted().toList();
    if (splits.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        PairedDifference.of(
            splits.stream().map(split -> a.get(split).metrics().get(metric)).toList(),
            splits.stream().map(split -> b.get(split).metrics().get(metric)).toList()));
  }

  /**
   * Each label type against the backbone alone, where the study scored it ({@link
   * ReproduceJob#BASELINE}): on how many splits it is at least as accurate, and its paired
   * differences in ACC and KL.
   */
  private static void baselineSection(StringBuilder md, List<CellResult> cells) {
    List<String> datasets =
        new TreeSet<>(
                cells.stream()
                    .filter(c -> c.labelType().equals(ReproduceJob.BASELINE))
                    .map(CellResult::dataset)
                    .toList())
            .descendingSet().stream().toList();
    if (datasets.isEmpty()) {
      return;
    }
    md.append("\n## Fine-tuned against the backbone alone\n\n")
        .append(
            "The backbone's own predictions on the same test parts, without fine-tuning, paired by split: ")
        .append(
            "fine-tuning earns its keep where the fine-tuned model is at least as accurate on every split.\n\n")
        .append(
            "| Dataset | Labels | splits with ACC ≥ backbone's | ACC − backbone ↑ | KL − backbone ↓ |\n")
        .append("|---|---|---|---|---|\n");
    for (String dataset : datasets) {
      Map<Integer, CellResult> backbone = bySplit(cells, dataset, ReproduceJob.BASELINE);
      for (String type :
          new TreeSet<>(
              cells.stream()
                  .filter(
                      c ->
                          c.dataset().equals(dataset)
                              && !c.labelType().equals(ReproduceJob.BASELINE))
                  .map(CellResult::labelType)
                  .toList())) {
        Map<Integer, CellResult> tuned = bySplit(cells, dataset, type);
        List<Integer> splits = tuned.keySet().stream().filter(backbone::containsKey).toList();
        long atLeast =
            splits.stream()
                .filter(
                    split ->
                        tuned.get(split).metrics().get(Metrics.MACRO_ACCURACY)
                            >= backbone.get(split).metrics().get(Metrics.MACRO_ACCURACY))
                .count();
        md.append("| ")
            .append(dataset)
            .append(" | ")
            .append(type)
            .append(" | ")
            .append(atLeast)
            .append(" of ")
            .append(splits.size())
            .append(" |");
        for (String metric : List.of(Metrics.MACRO_ACCURACY, Metrics.KL)) {
          md.append(
              paired(cells, dataset, type, ReproduceJob.BASELINE, metric)
                  .map(ReportRenderer::interval)
                  .orElse(" – |"));
        }
        md.append('\n');
      }
    }
  }

  /** " mean [low, high] |", or " mean |" without an interval. */
  private static String interval(PairedDifference d) {
    return Double.isNaN(d.low())
        ? String.format(Locale.ROOT, " %+.4f |", d.mean())
        : String.format(Locale.ROOT, " %+.4f [%+.4f, %+.4f] |", d.mean(), d.low(), d.high());
  }

  /** Every sweep candidate's validation figures, the chosen one in bold. */
  private static void sweepSection(StringBuilder md, Map<String, Sweep> sweeps) {
    if (sweeps.isEmpty()) {
      return;
    }
    md.append("\n## Learning-rate / epoch sweep\n\n")
        .append(
            "Every candidate trained every label type on split 0; each run's best epoch was picked on split 0's ")
        .append(
            "validation part, and the candidate with the best mean over the label types is the one every cell ")
        .append("trained with (in bold). No test image was scored.\n");
    sweeps.forEach(
        (dataset, sweep) -> {
          List<String> types =
              sweep.trials().stream().map(Sweep.Trial::labelType).distinct().toList();
          md.append("\n### ").append(dataset).append("\n\n| learning rate | epochs |");
          types.forEach(
              type -> md.append(' ').append(type).append(": best epoch, validation KL, ACC |"));
          md.append(" mean validation ")
              .append(sweep.selectBy())
              .append(" |\n|---|---|")
              .append("---|".repeat(types.size() + 1))
              .append('\n');
          sweep.trials().stream()
              .map(Sweep.Trial::candidate)
              .distinct()
              .forEach(
                  candidate -> {
                    String mark = candidate.equals(sweep.chosen()) ? "**" : "";
                    md.append("| ")
                        .append(mark)
                        .append(candidate.learningRate())
                        .append(mark)
                        .append(" | ")
                        .append(mark)
                        .append(candidate.epochs())
                        .append(mark)
                        .append(" |");
                    for (String type : types) {
                      sweep.trials().stream()
                          .filter(
                              t -> t.candidate().equals(candidate) && t.labelType().equals(type))
                          .findFirst()
                          .ifPresentOrElse(
                              t ->
                                  md.append(
                                      String.format(
                                          Locale.ROOT,
                                          " %d, %.4f, %.4f |",
                                          t.best().epoch(),
                                          t.best().validationKl(),
                                          t.best().validationMacroAccuracy())),
                              () -> md.append(" – |"));
                    }
                    md.append(
                        String.format(
                            Locale.ROOT, " %s%.4f%s |\n", mark, sweep.figure(candidate), mark));
                  });
        });
  }

  private static void reliabilitySection(StringBuilder md, Map<String, String> plots) {
    md.append("\n## Calibration (reliability diagrams)\n\n")
        .append(
            "Split 0's test part: each model's accuracy against its mean confidence in ten confidence bins. ")
        .append(
            "A calibrated model lies on the diagonal; below it the model is over-confident. The legend ")
        .append("gives each model's expected calibration error (ECE).\n");
    plots.forEach(
        (dataset, path) ->
            md.append("\n### ")
                .append(dataset)
                .append("\n\n![")
                .append(dataset)
                .append(": reliability diagram](")
                .append(path)
                .append(")\n"));
  }

  private static Map<Integer, CellResult> bySplit(
      List<CellResult> cells, String dataset, String labelType) {
    Map<Integer, CellResult> bySplit = new LinkedHashMap<>();
    cells.stream()
        .filter(c -> c.dataset().equals(dataset) && c.labelType().equals(labelType))
        .forEach(c -> bySplit.put(c.split(), c));
    return bySplit;
  }

  /**
   * Which label type a paired difference favours on a metric: the better one when its 95 % interval
   * excludes zero, else none.
   */
  static String verdict(String metric, PairedDifference difference) {
    if (!difference.excludesZero()) {
      return "none";
    }
    boolean softHigher = difference.mean() > 0;
    return softHigher == Metrics.LARGER_IS_BETTER.get(metric) ? "soft" : "hard";
  }

  private static void pairedSection(StringBuilder md, List<CellResult> cells) {
    Map<String, Map<String, PairedDifference>> differences = pairedDifferences(cells);
    if (differences.isEmpty()) {
      return;
    }
    md.append("\n## Soft − hard, paired by split\n\n")
        .append(
            "The mean of each split's soft − hard difference with its 95 % Student-t interval (both models of ")
        .append(
            "a split are scored on the same test images, so the splits' own differences cancel). A label ")
        .append("type wins a metric only where the interval excludes zero.\n\n| Dataset | pairs |");
    PAIRED_METRICS.forEach(
        (metric, name) ->
            md.append(' ')
                .append(name)
                .append(Metrics.LARGER_IS_BETTER.get(metric) ? " ↑" : " ↓")
                .append(" |"));
    md.append("\n|---|---|").append("---|".repeat(PAIRED_METRICS.size())).append('\n');
    differences.forEach(
        (dataset, byMetric) -> {
          md.append("| ")
              .append(dataset)
              .append(" | ")
              .append(byMetric.values().iterator().next().pairs())
              .append(" |");
          byMetric.forEach((metric, d) -> md.append(interval(d)));
          md.append('\n');
        });
    md.append('\n');
    differences.forEach(
        (dataset, byMetric) -> {
          Map<String, List<String>> won = new LinkedHashMap<>();
          for (String side : List.of("soft", "hard", "none")) {
            won.put(side, new ArrayList<>());
          }
          byMetric.forEach(
              (metric, d) -> won.get(verdict(metric, d)).add(PAIRED_METRICS.get(metric)));
          md.append("- **")
              .append(dataset)
              .append("** (")
              .append(byMetric.values().iterator().next().pairs())
              .append(" paired splits): soft labels are better on ")
              .append(listed(won.get("soft")))
              .append(", hard labels on ")
              .append(listed(won.get("hard")))
              .append(won.get("none").isEmpty() ? "." : "; on " + listed(won.get("none")))
              .append(
                  won.get("none").isEmpty()
                      ? "\n"
                      : " the interval holds zero: no difference these splits can resolve.\n");
        });
  }

  private static String listed(List<String> names) {
    if (names.isEmpty()) {
      return "nothing";
    }
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }

  private static void featureSpaceSection(StringBuilder md, List<FeatureSpace> featureSpaces) {
    md.append("\n## Feature space (t-SNE)\n\n")
        .append(
            "As the paper's Figures 1 and 2: the global-average-pool features of the split-0 models, one panel ")
        .append(
            "per label type. Below each dataset's plots, two measures over each image's 10 nearest neighbours ")
        .append(
            "in the feature space itself: the share with the image's own (argmax) class, and the mean ")
        .append(
            "total-variation distance between its ground-truth distribution and theirs (lower: the space is ")
        .append("laid out by label distribution, not only by class).\n");
    for (FeatureSpace space : featureSpaces) {
      md.append("\n### ").append(space.dataset()).append("\n\n");
      space
          .plots()
          .forEach(
              (name, path) ->
                  md.append("![")
                      .append(space.dataset())
                      .append(": ")
                      .append(name.replace('-', ' '))
                      .append("](")
                      .append(path)
                      .append(")\n\n"));
      md.append('*')
          .append(space.caption())
          .append(".*\n\n")
          .append(
              "| Labels | neighbours of the same class ↑ | neighbours' distribution distance ↓ |\n|---|---|---|\n");
      space
          .measures()
          .forEach(
              (model, values) -> {
                md.append("| ").append(model);
                FeatureSpace.SHOWN.forEach(
                    m -> md.append(String.format(Locale.ROOT, " | %.4f", values.get(m))));
                md.append(" |\n");
              });
    }
  }

  /** "mean ± std", bold when it is the best of the label types for this metric. */
  private static String cell(
      Map<String, Map<String, double[]>> byType, String type, String metric) {
    if (!byType.containsKey(type)) {
      return "–";
    }
    double value = byType.get(type).get(metric)[0];
    boolean larger = Metrics.LARGER_IS_BETTER.get(metric);
    boolean best =
        byType.size() > 1
            && byType.values().stream()
                .allMatch(
                    other ->
                        larger ? value >= other.get(metric)[0] : value <= other.get(metric)[0]);
    String text = String.format(Locale.ROOT, "%.4f ± %.4f", value, byType.get(type).get(metric)[1]);
    return best ? "**" + text + "**" : text;
  }

  private static long splits(List<CellResult> cells, String dataset) {
    return cells.stream()
        .filter(c -> c.dataset().equals(dataset))
        .mapToInt(CellResult::split)
        .distinct()
        .count();
  }

  private static List<CellResult> sorted(List<CellResult> cells) {
    List<CellResult> copy = new ArrayList<>(cells);
    copy.sort(
        java.util.Comparator.comparing(CellResult::dataset)
            .thenComparing(CellResult::split)
            .thenComparing(CellResult::labelType));
    return copy;
  }

  public static String csv(List<CellResult> cells) {
    StringBuilder csv = new StringBuilder("dataset,split,label_type");
    Metrics.LARGER_IS_BETTER.keySet().forEach(metric -> csv.append(',').append(metric));
    csv.append('\n');
    for (CellResult c : sorted(cells)) {
      csv.append(c.dataset()).append(',').append(c.split()).append(',').append(c.labelType());
      Metrics.LARGER_IS_BETTER
          .keySet()
          .forEach(metric -> csv.append(',').append(c.metrics().get(metric)));
      csv.append('\n');
    }
    return csv.toString();
  }

  /**
   * A self-contained page ({@link HtmlPage}) from the Markdown report: each image the report links
   * is inlined as a data: URI from {@code images} (link path to PNG bytes).
   */
  public static String html(String markdown, Map<String, byte[]> images) {
    return HtmlPage.html("softlabels report", markdown, images);
  }
}
