package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.quality.QualityPage;
import dev.softlabels.testing.Environment;
import dev.softlabels.testing.ExampleQualityReports;
import dev.softlabels.testing.Pixels;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label-quality page as a reader sees it: rendered by headless Chromium ({@link
 * HeadlessChromium}) from a hand-built night's report, its charts visible and every section there.
 */
@Environment
@Order(8)
class QualityReportScreenshotIT {

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 4000;

  private final String html =
      QualityPage.html(ExampleQualityReports.night(), ExampleQualityReports.thumbnails());

  @TempDir Path dir;

  @Test
  void textAndChartsAreVisible() throws Exception {
    BufferedImage page = HeadlessChromium.screenshot(dir, "quality.html", html, WIDTH, HEIGHT);
    assertThat(page.getWidth()).isEqualTo(WIDTH);
    assertThat(page.getHeight()).isEqualTo(HEIGHT);
    long text = Pixels.count(page, Pixels::dark);
    long charts = Pixels.count(page, Pixels::saturated);
    assertThat(text).as("dark pixels of the headings, tables and labels").isGreaterThan(20_000);
    assertThat(charts).as("saturated pixels of the charts' bars and lines").isGreaterThan(50_000);

    // The same page with every chart's PNG taken out (broken images; the JPEG thumbnail stays): the
    // count above really comes from the charts.
    String stripped = html.replaceAll("src=\"data:image/png;base64,[^\"]*\"", "src=\"\"");
    assertThat(stripped).isNotEqualTo(html);
    BufferedImage broken =
        HeadlessChromium.screenshot(dir, "stripped.html", stripped, WIDTH, HEIGHT);
    assertThat(Pixels.count(broken, Pixels::saturated)).isLessThan(charts / 20);
  }

  @Test
  void everySectionIsInTheDomChromiumBuilt() throws Exception {
    String dom = HeadlessChromium.dom(dir, "quality.html", html);

    for (String heading :
        List.of(
            "<h2 id=\"crowd-at-a-glance\">Crowd at a glance</h2>",
            "<h2 id=\"agreement\">Agreement</h2>",
            "<h2 id=\"annotators\">Annotators</h2>",
            "<h2 id=\"method-diagnostics\">Method diagnostics</h2>",
            "<h2 id=\"ambiguous-and-contested-items\">Ambiguous and contested items</h2>",
            "<h2 id=\"the-night\">The night</h2>",
            "<h2 id=\"trend-over-nights\">Trend over nights</h2>",
            "<h2 id=\"needs-annotations\">Needs annotations</h2>")) {
      assertThat(dom).contains(heading);
    }
    assertThat(dom).contains("<td>img|7</td>", "alt=\"thumbnail of img-1\"");
  }
}
