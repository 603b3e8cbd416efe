package dev.softlabels.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlPageTest {

  @Test
  void aSelfContainedPageWithItsTitleEscapedAndItsTablesSortable() {
    String html = HtmlPage.html("Cats & <dogs>", "| a | b |\n|---|---|\n| 1 | 2 |\n", Map.of());

    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<title>Cats &amp; &lt;dogs&gt;</title>", "<table>", "<script>")
        .contains("addEventListener('click'")
        .doesNotContain("<link", "<script src", "http://", "https://");
  }

  @Test
  void headingsGetAnchorsFromTheirTextUniqueOnThePage() {
    String html =
        HtmlPage.html("t", "# Crowd at a *glance*\n\n## Cramér's V\n\n## Cramér's V\n", Map.of());

    assertThat(html)
        .contains(
            "<h1 id=\"crowd-at-a-glance\">", "<h2 id=\"cramér-s-v\">", "<h2 id=\"cramér-s-v-2\">");
    assertThat(HtmlPage.anchor("Trend over nights")).isEqualTo("trend-over-nights");
    assertThat(HtmlPage.anchor("—")).isEqualTo("section");
  }

  @Test
  void aLongCellWrapsWhereFiguresStayOnOneLine() {
    String prose = "a rule of many words ".repeat(4);

    String html = HtmlPage.html("t", "| a | b |\n|---|---|\n| 0.25 | " + prose + " |\n", Map.of());

    assertThat(html).contains("<td>0.25</td>", "<td class=\"prose\">" + prose.strip() + "</td>");
  }

  @Test
  void imagesAreInlinedWithTheTypeTheirBytesTell() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    byte[] jpeg = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0x10, 'J', 'F', 'I', 'F'};

    String html =
        HtmlPage.html(
            "t",
            "![a chart](chart.png) ![a photo](photo) ![missing](elsewhere.png)",
            Map.of("chart.png", png, "photo", jpeg));

    assertThat(html)
        .contains(
            "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"a chart\"",
            "<img src=\"data:image/jpeg;base64,",
            "<img src=\"elsewhere.png\" alt=\"missing\"");
  }
}
