package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.embed.ScatterPlots;
import dev.softlabels.labels.Metrics;
import dev.softlabels.reproduce.CellResult;
import dev.softlabels.reproduce.FeatureSpace;
import dev.softlabels.reproduce.ReportRenderer;
import dev.softlabels.testing.Environment;
import dev.softlabels.testing.Pixels;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html as a reader sees it: rendered by headless Chromium ({@link HeadlessChromium}), with
 * its tables and inlined plots visible.
 */
@Environment
@Order(8)
class ReportScreenshotIT {

  private static final String PLOT = "synthetic/embedding/colour-interpolation.png";
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 1600;

  @TempDir Path dir;

  @Test
  void tablesAndInlinedPlotsAreVisible() throws Exception {
    String markdown =
        ReportRenderer.markdown(
            cells(),
            List.of(
                new FeatureSpace(
                    "synthetic", "A caption", Map.of("colour-interpolation", PLOT), measures())),
            "quick",
            Map.of(),
            Map.of(),
            Map.of());

    BufferedImage page =
        screenshot("report.html", ReportRenderer.html(markdown, Map.of(PLOT, plot())));
    assertThat(page.getWidth()).isEqualTo(WIDTH);
    assertThat(page.getHeight()).isEqualTo(HEIGHT);
    long text = Pixels.count(page, Pixels::dark);
    long points = Pixels.count(page, Pixels::saturated);
    assertThat(text).as("dark pixels of the headings, tables and captions").isGreaterThan(5_000);
    assertThat(points)
        .as("saturated pixels of the plot's red, green and blue points")
        .isGreaterThan(2_000);

    // The same page without the plot inlined: a broken image, so the count above really comes from
    // the plot.
    BufferedImage broken = screenshot("broken.html", ReportRenderer.html(markdown, Map.of()));
    assertThat(Pixels.count(broken, Pixels::saturated)).isLessThan(points / 10);
  }

  private BufferedImage screenshot(String name, String html)
      throws IOException, InterruptedException {
    return HeadlessChromium.screenshot(dir, name, html, WIDTH, HEIGHT);
  }

  private static List<CellResult> cells() {
    List<CellResult> cells = new ArrayList<>();
    for (int split = 0; split < 3; split++) {
      double value = 0.1 * (split + 1);
      for (String type : List.of("hard", "soft")) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        Metrics.LARGER_IS_BETTER.keySet().forEach(m -> metrics.put(m, value));
        cells.add(new CellResult("synthetic", split, type, metrics));
      }
    }
    return cells;
  }

  private static Map<String, Map<String, Double>> measures() {
    Map<String, Map<String, Double>> measures = new LinkedHashMap<>();
    for (String type : List.of("hard", "soft")) {
      measures.put(
          type, Map.of("features_class_purity", 0.9, "features_distribution_distance", 0.2));
    }
    return measures;
  }

  /** Three clusters of red, green and blue points, as the embed job draws them. */
  private static byte[] plot() {
    Random random = new Random(1);
    List<Color> colours = List.of(Color.RED, Color.GREEN, Color.BLUE);
    double[][] points = new double[300][];
    Color[] pointColours = new Color[300];
    for (int i = 0; i < 300; i++) {
      points[i] =
          new double[] {
            (i % 3) * 8 + random.nextGaussian(), (i % 3 == 1 ? 8 : 0) + random.nextGaussian()
          };
      pointColours[i] = colours.get(i % 3);
    }
    List<ScatterPlots.Panel> panels =
        List.of(
            new ScatterPlots.Panel("hard labels", points, pointColours),
            new ScatterPlots.Panel("soft labels", points, pointColours));
    return ScatterPlots.png("A title", "A caption", Map.of("red", Color.RED), panels, 400, 360);
  }
}
