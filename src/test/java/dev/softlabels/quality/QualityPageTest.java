package dev.softlabels.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.testing.ExampleQualityReports;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class QualityPageTest {

  private static final List<String> SECTIONS =
      List.of(
          "## Crowd at a glance",
          "## Agreement",
          "## Annotators",
          "## Method diagnostics",
          "## Ambiguous and contested items");

  private static final List<String> NIGHT_SECTIONS =
      List.of("## The night", "## Trend over nights", "## Needs annotations");

  private final String night = QualityPage.markdown(ExampleQualityReports.night(), Map.of());

  @Test
  void aNightsPageHasEverySectionInOrder() {
    List<String> headings = night.lines().filter(line -> line.startsWith("## ")).toList();

    assertThat(headings)
        .containsExactlyElementsOf(
            Stream.concat(SECTIONS.stream(), NIGHT_SECTIONS.stream()).toList());
  }

  @Test
  void anAggregateRunsPageHasNoNightSections() {
    String aggregate = QualityPage.markdown(ExampleQualityReports.aggregate(), Map.of());

    assertThat(aggregate).contains(SECTIONS);
    assertThat(aggregate)
        .doesNotContain(NIGHT_SECTIONS)
        .doesNotContain("(#the-night)", "(#trend-over-nights)");
  }

  @Test
  void theCrowdStatesReadAsUsedPlusQuarantinedAndTheClassesByName() {
    assertThat(night)
        .contains(
            "**Rows**: 1,210 read = 1,200 used + 10 quarantined.",
            "| unknown class | 7 | 0.6 % |",
            "**Images**: 300, 14 of them tied",
            "| class | votes | share of votes | labels by dawid-skene | share of labels |",
            "| cat | 500 | 41.7 % | 130 | 43.3 % |",
            "| bird | 300 | 25.0 % | 70 | 23.3 % |");
  }

  @Test
  void agreementNamesItsSourcesAndSaysUndefinedForAClassWithoutVotes() {
    assertThat(night)
        .contains(
            "Krippendorff 2011, \"Computing Krippendorff's Alpha-Reliability\"",
            "Fleiss 1971",
            "| pairable images | 3 |",
            "| bird | undefined |");
  }

  @Test
  void annotatorsShowTheFlagsRulesTheShownShareAndConfusionByClassName() {
    assertThat(night).contains("showing 2 of 5");
    for (AnnotatorFlag flag : AnnotatorFlag.values()) {
      assertThat(night)
          .contains(
              "| "
                  + flag.code()
                  + " | "
                  + (flag == AnnotatorFlag.SPAMMER ? 1 : 0)
                  + " | "
                  + flag.rule()
                  + " |");
    }
    assertThat(night)
        .contains(
            "| ann-spam | 30 | 0.400 |",
            "| ann-careful | 50 | 0.900 |",
            "spammer: Cramér's V",
            "#### ann-spam (spammer)",
            "#### ann-careful\n",
            "| consensus ↓ / given → | cat | dog | bird |",
            "| **cat** | 4 | 3 | 3 |",
            "| **bird** | 0 | 2 | 10 |");
    // ann-careful has no method accuracy (a blank cell), the spammer the method's 0.35.
    assertThat(night).containsPattern("\\| ann-careful \\| 50 \\| 0.900 \\| [0-9.]+ \\|  \\| ");
    assertThat(night).containsPattern("\\| ann-spam \\| 30 \\| 0.400 \\| [0-9.]+ \\| 0.350 \\| ");
    assertThat(night.indexOf("#### ann-spam")).isLessThan(night.indexOf("#### ann-careful"));
  }

  @Test
  void atMostTwelveConfusionMatricesTheFlaggedFirst() {
    QualityReport base = ExampleQualityReports.aggregate();
    List<AnnotatorQuality> shown = new ArrayList<>(base.annotators().shown());
    for (int i = 0; i < 14; i++) {
      shown.add(
          AnnotatorQuality.of(
              "spammer-" + i,
              new long[][] {{4, 3, 3}, {3, 4, 3}, {3, 3, 4}},
              null,
              ExampleQualityReports.CLASSES));
    }
    QualityReport many =
        new QualityReport(
            base.title(),
            base.classes(),
            base.method(),
            base.rows(),
            base.crowd(),
            base.agreement(),
            new QualityReport.Annotators(
                100, base.annotators().flagged(), base.annotators().rules(), shown),
            base.diagnostics(),
            base.ambiguous(),
            base.contested(),
            null);

    String markdown = QualityPage.markdown(many, Map.of());

    List<String> matrices = markdown.lines().filter(line -> line.startsWith("#### ")).toList();
    assertThat(matrices).hasSize(12).doesNotContain("#### ann-careful");
    assertThat(markdown)
        .contains("showing 16 of 100", "The votes of the first 12, the flagged first");
  }

  @Test
  void diagnosticsShowTheFitAndTheLabelsItChangedOrSayTheMajorityVoteFitsNothing() {
    assertThat(night)
        .contains(
            "dawid-skene ran 12 iterations and converged.",
            "- 2 annotators have fewer than 20 votes",
            "not their majority vote: 3; some of them:",
            "| img-4 | cat 1 · dog 2 | dog → cat |");

    QualityReport base = ExampleQualityReports.aggregate();
    QualityReport majority =
        new QualityReport(
            base.title(),
            base.classes(),
            "majority-vote",
            base.rows(),
            base.crowd(),
            base.agreement(),
            base.annotators(),
            null,
            base.ambiguous(),
            base.contested(),
            null);
    assertThat(QualityPage.markdown(majority, Map.of()))
        .contains("## Method diagnostics\n\nmajority-vote fits nothing")
        .doesNotContain("Log-likelihood");
  }

  @Test
  void itemsAreListedByClassNameWithAPipeInAnIdEscaped() {
    assertThat(night)
        .contains(
            "### Ambiguous",
            "### Contested",
            "| img\\|7 | cat 2 · dog 1 · bird 2 | 0.960 | bird | cat |",
            "| img-9 | cat 3 · dog 2 | 0.610 | cat | cat |");
  }

  @Test
  void theNightsTrendHasARowPerNightAndADashForAMissingFigure() {
    String trend =
        night.substring(
            night.indexOf("## Trend over nights"), night.indexOf("## Needs annotations"));

    assertThat(trend.lines().filter(line -> line.startsWith("| 2026-"))).hasSize(3);
    assertThat(trend)
        .contains(
            "| 2026-03-01 | — | 300 | 0 | 0.410 | 0.400 | 0.700 |",
            "| 2026-03-02 | 320 | 40 | 2 | — | 0.420 | 0.710 |");
    assertThat(night)
        .contains(
            "The night of 2026-03-03: 120 images touched, 20 of them new, 4 flipped",
            "| image | from | to | shift (KL) |",
            "| img-2 | cat | dog | 0.421 |",
            "| image | shift (KL) | votes before | votes after |",
            "| img-3 | 0.200 | 3 | 5 |",
            "| image id | n annotations | hard label name | agreement | flip probability |",
            "| img-5 | 2 | dog | 0.500 | 0.500 |");
  }

  @Test
  void theHtmlInlinesEveryChartAndTheThumbnailAnItemHas() {
    Map<String, byte[]> thumbnails = ExampleQualityReports.thumbnails();
    String html = QualityPage.html(ExampleQualityReports.night(), thumbnails);

    // Crowd 4, log-likelihood 1, soft labels 2, trend 3.
    assertThat(count(html, "<img src=\"data:image/png;base64,")).isEqualTo(10);
    assertThat(html)
        .contains(
            "<title>Label quality: annotations.csv</title>",
            "<img src=\"data:image/jpeg;base64,"
                + Base64.getEncoder()
                    .encodeToString(thumbnails.get(ExampleQualityReports.WITH_THUMBNAIL))
                + "\" alt=\"thumbnail of img-1\"",
            "<td>img|7</td>",
            "<h2 id=\"crowd-at-a-glance\">",
            "<a href=\"#needs-annotations\">")
        .doesNotContain("src=\"image-", "<link", "<script src", "http://", "https://");
    assertThat(QualityPage.markdown(ExampleQualityReports.night(), thumbnails))
        .contains("| thumbnail | image | votes |", "| ![thumbnail of img-1](image-")
        .contains("|  | img\\|7 |");
  }

  private static int count(String text, String part) {
    Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
  }
}
