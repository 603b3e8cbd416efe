package dev.softlabels.reproduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.labels.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportRendererTest {

  private static CellResult cell(String dataset, int split, String type, double acc, double kl) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Metrics.LARGER_IS_BETTER.keySet().forEach(m -> metrics.put(m, 0.5));
    metrics.put("macro_accuracy", acc);
    metrics.put("kl", kl);
    return new CellResult(dataset, split, type, metrics);
  }

  static List<CellResult> cells() {
    List<CellResult> cells = new ArrayList<>();
    cells.add(cell("synthetic", 0, "hard", 0.80, 0.40));
    cells.add(cell("synthetic", 1, "hard", 0.84, 0.44));
    cells.add(cell("synthetic", 0, "soft", 0.90, 0.05));
    cells.add(cell("synthetic", 1, "soft", 0.92, 0.03));
    return cells;
  }

  @Test
  void meanAndSampleStandardDeviation() {
    double[] stats = ReportRenderer.meanAndStd(List.of(0.8, 0.84));
    assertThat(stats[0]).isCloseTo(0.82, within(1e-12));
    // sqrt(((-.02)^2 + .02^2) / 1)
    assertThat(stats[1]).isCloseTo(0.0282842712474619, within(1e-12));
    assertThat(ReportRenderer.meanAndStd(List.of(0.3))).containsExactly(0.3, 0.0);
  }

  @Test
  void tableOneMarksTheBestValuePerMetricAndShowsThePaper() {
    String md =
        ReportRenderer.markdown(
            cells(),
            List.of(),
            "quick",
            Map.of(
                "synthetic",
                "fine-tuned from the CIFAR-10 backbone (cnn-medium)",
                "cifar10h",
                "not in these cells"),
            Map.of(),
            Map.of());
    assertThat(md)
        .contains("- **synthetic**: fine-tuned from the CIFAR-10 backbone (cnn-medium).\n")
        .doesNotContain("not in these cells");
    assertThat(md)
        .contains(
            "| synthetic (ours, 2 splits) | 0.8200 ± 0.0283 | 0.4200 ± 0.0283 | **0.9100 ± 0.0141** | "
                + "**0.0400 ± 0.0141** |");
    assertThat(md)
        .contains(
            "| synthetic (paper) | 0.8247 ± 0.0500 | 0.4137 ± 0.0836 | 0.9096 ± 0.0137 | 0.0394 ± 0.0009 |");
    // Equal values are both best.
    assertThat(md)
        .contains("| synthetic | hard | 0.8200 ± 0.0283 | 0.4200 ± 0.0283 | **0.5000 ± 0.0000** |");
  }

  @Test
  void csvHasOneRowPerCellAndHtmlIsSelfContained() {
    String csv = ReportRenderer.csv(cells());
    assertThat(csv.lines())
        .hasSize(5)
        .first()
        .isEqualTo("dataset,split,label_type,macro_accuracy,kl,accuracy,macro_f1,ece,brier,nll");
    assertThat(csv).contains("synthetic,1,soft,0.92,0.03,0.5,0.5,0.5,0.5,0.5");
    String html =
        ReportRenderer.html(
            ReportRenderer.markdown(cells(), List.of(), "quick", Map.of(), Map.of(), Map.of()),
            Map.of());
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<table>", "<strong>0.9100 ± 0.0141</strong>")
        .doesNotContain("<link", "<script src", "http://", "https://");
  }

  @Test
  void featureSpacePlotsAreLinkedInMarkdownAndInlinedInHtml() {
    Map<String, Map<String, Double>> measures = new LinkedHashMap<>();
    measures.put(
        "hard", Map.of("features_class_purity", 0.9, "features_distribution_distance", 0.25));
    measures.put(
        "soft", Map.of("features_class_purity", 0.8, "features_distribution_distance", 0.125));
    FeatureSpace space =
        new FeatureSpace(
            "synthetic",
            "t-SNE of 2 of the 3 test images",
            Map.of("colour-interpolation", "synthetic/embedding/colour-interpolation.png"),
            measures);
    String md =
        ReportRenderer.markdown(cells(), List.of(space), "quick", Map.of(), Map.of(), Map.of());
    assertThat(md)
        .contains(
            "![synthetic: colour interpolation](synthetic/embedding/colour-interpolation.png)",
            "*t-SNE of 2 of the 3 test images.*",
            "| hard | 0.9000 | 0.2500 |",
            "| soft | 0.8000 | 0.1250 |");

    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
    String html =
        ReportRenderer.html(md, Map.of("synthetic/embedding/colour-interpolation.png", png));
    // base64 of 89 50 4E 47 is iVBORw==
    assertThat(html)
        .contains(
            "<img src=\"data:image/png;base64,iVBORw==\" alt=\"synthetic: colour interpolation\"")
        .doesNotContain("src=\"synthetic/");
  }

  /**
   * cells(): synthetic ACC differences 0.10 and 0.08 (mean 0.09, standard error 0.01, t(0.975, 1) =
   * 12.7062: ±0.1271), KL -0.35 and -0.41 (mean -0.38, standard error 0.03: ±0.3812, so the upper
   * end is +0.0012), ECE and NLL 0 on both splits.
   */
  @Test
  void softMinusHardIsPairedBySplitWithA95PercentIntervalAndAVerdict() {
    PairedDifference acc =
        ReportRenderer.pairedDifferences(cells()).get("synthetic").get("macro_accuracy");
    assertThat(acc.pairs()).isEqualTo(2);
    assertThat(acc.mean()).isCloseTo(0.09, within(1e-12));
    assertThat(acc.low()).isCloseTo(0.09 - 0.127062, within(1e-5));
    PairedDifference kl = ReportRenderer.pairedDifferences(cells()).get("synthetic").get("kl");
    assertThat(kl.mean()).isCloseTo(-0.38, within(1e-12));
    assertThat(kl.high()).isCloseTo(-0.38 + 0.381186, within(1e-5));
    assertThat(ReportRenderer.verdict("kl", kl)).isEqualTo("none");
    assertThat(ReportRenderer.verdict("kl", new PairedDifference(5, -0.3, -0.4, -0.2)))
        .isEqualTo("soft");
    assertThat(ReportRenderer.verdict("macro_accuracy", new PairedDifference(5, -0.3, -0.4, -0.2)))
        .isEqualTo("hard");

    String md = ReportRenderer.markdown(cells(), List.of(), "quick", Map.of(), Map.of(), Map.of());
    assertThat(md)
        .contains("## Soft − hard, paired by split")
        .contains(
            "| synthetic | 2 | +0.0900 [-0.0371, +0.2171] | -0.3800 [-0.7612, +0.0012] |"
                + " +0.0000 [+0.0000, +0.0000] | +0.0000 [+0.0000, +0.0000] |")
        .contains(
            "- **synthetic** (2 paired splits): soft labels are better on nothing, hard labels on"
                + " nothing; on ACC, KL, ECE and NLL the interval holds zero");
  }

  /**
   * The backbone alone scores ACC 0.85 and 0.82, KL 0.5 and 0.6 on the two splits. hard: ACC
   * differences -0.05 and +0.02 (mean -0.015, standard error 0.035: ±0.444717), KL -0.10 and -0.16
   * (mean -0.13, ±0.381186); soft: ACC +0.05 and +0.10 (mean 0.075, ±0.317655), KL -0.45 and -0.57
   * (mean -0.51, ±0.762372).
   */
  @Test
  void eachLabelTypeIsPairedWithTheBackboneAloneWhereItWasScored() {
    List<CellResult> cells = new ArrayList<>(cells());
    cells.add(cell("synthetic", 0, ReproduceJob.BASELINE, 0.85, 0.5));
    cells.add(cell("synthetic", 1, ReproduceJob.BASELINE, 0.82, 0.6));
    String md = ReportRenderer.markdown(cells, List.of(), "quick", Map.of(), Map.of(), Map.of());
    assertThat(md)
        .contains(
            "## Fine-tuned against the backbone alone",
            "| synthetic | hard | 1 of 2 | -0.0150 [-0.4597, +0.4297] | -0.1300 [-0.5112, +0.2512] |",
            "| synthetic | soft | 2 of 2 | +0.0750 [-0.2427, +0.3927] | -0.5100 [-1.2724, +0.2524] |")
        .contains("| synthetic | backbone | 0.8350 ± 0.0212 |");
    assertThat(ReportRenderer.pairedDifferences(cells))
        .as("soft − hard leaves the backbone out")
        .isEqualTo(ReportRenderer.pairedDifferences(cells()));
    assertThat(ReportRenderer.markdown(cells(), List.of(), "quick", Map.of(), Map.of(), Map.of()))
        .doesNotContain("against the backbone");
  }

  @Test
  void aDatasetWithOneLabelTypeHasNoPairedRow() {
    List<CellResult> hardOnly = cells().stream().filter(c -> c.labelType().equals("hard")).toList();
    assertThat(ReportRenderer.pairedDifferences(hardOnly)).isEmpty();
    assertThat(ReportRenderer.markdown(hardOnly, List.of(), "quick", Map.of(), Map.of(), Map.of()))
        .doesNotContain("paired by split");
  }
}
