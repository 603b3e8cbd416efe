package dev.softlabels.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.labels.ConfidenceBins;
import dev.softlabels.labels.Metrics;
import dev.softlabels.testing.Pixels;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;

class ReliabilityDiagramTest {

  /** Overconfident: 10 images at mean confidence .95, 6 of them right (ECE .35). */
  static final ConfidenceBins HARD = bins(new double[] {9, 10, 9.5, 6});

  /**
   * Two bins: 4 images at .25 with 1 right and 4 at .75 with 3 right, both on the diagonal (ECE 0).
   */
  static final ConfidenceBins SOFT = bins(new double[] {2, 4, 1, 1}, new double[] {7, 4, 3, 3});

  /** Bins empty but for {bin, images, confidence sum, correct predictions} each. */
  static ConfidenceBins bins(double[]... nonEmpty) {
    long[] images = new long[Metrics.ECE_BINS];
    double[] confidence = new double[Metrics.ECE_BINS];
    double[] correct = new double[Metrics.ECE_BINS];
    for (double[] bin : nonEmpty) {
      int b = (int) bin[0];
      images[b] = (long) bin[1];
      confidence[b] = bin[2];
      correct[b] = bin[3];
    }
    return ConfidenceBins.of(images, confidence, correct);
  }

  static Map<String, ConfidenceBins> models() {
    Map<String, ConfidenceBins> models = new LinkedHashMap<>();
    models.put("hard", HARD);
    models.put("soft", SOFT);
    return models;
  }

  @Test
  void aSeriesPerModelOfItsNonEmptyBinsNamedWithItsEce() {
    XYPlot plot = ReliabilityDiagram.chart("Split 0", models()).getXYPlot();

    LegendItemCollection legend = plot.getLegendItems();
    assertThat(IntStream.range(0, legend.getItemCount()).mapToObj(i -> legend.get(i).getLabel()))
        .containsExactly(ReliabilityDiagram.DIAGONAL, "hard (ECE 0.350)", "soft (ECE 0.000)");
    assertThat(plot.getDataset().getItemCount(1)).isEqualTo(1);
    assertThat(plot.getDataset().getItemCount(2)).as("empty bins skipped").isEqualTo(2);
    assertThat(plot.getDataset().getXValue(2, 1)).isEqualTo(0.75);
    assertThat(plot.getDataset().getYValue(2, 1)).isEqualTo(0.75);
    assertThat(plot.getDomainAxis().getRange().getLowerBound()).isZero();
    assertThat(plot.getRangeAxis().getRange().getUpperBound()).isEqualTo(1.0);
  }

  @Test
  void drawsEachModelsPointsWhereTheirBinsAre() throws IOException {
    BufferedImage image =
        ImageIO.read(new ByteArrayInputStream(ReliabilityDiagram.png("Split 0", models())));

    assertThat(image.getWidth()).isEqualTo(ReliabilityDiagram.WIDTH);
    assertThat(image.getHeight()).isEqualTo(ReliabilityDiagram.HEIGHT);
    // The same chart laid out again, for where its data area lies in the image.
    JFreeChart chart = ReliabilityDiagram.chart("Split 0", models());
    ChartRenderingInfo info = new ChartRenderingInfo();
    chart.createBufferedImage(ReliabilityDiagram.WIDTH, ReliabilityDiagram.HEIGHT, info);
    Rectangle2D area = info.getPlotInfo().getDataArea();
    XYPlot plot = chart.getXYPlot();
    Color hard = ReliabilityDiagram.colour(0);
    Color soft = ReliabilityDiagram.colour(1);

    assertThat(near(image, plot, area, 0.95, 0.6, hard)).isTrue();
    assertThat(near(image, plot, area, 0.25, 0.25, soft)).isTrue();
    assertThat(near(image, plot, area, 0.75, 0.75, soft)).isTrue();
    assertThat(near(image, plot, area, 0.25, 0.75, soft)).as("nothing in the upper left").isFalse();
    assertThat(near(image, plot, area, 0.25, 0.75, hard)).isFalse();
    // Beyond the soft model's segment, which covers the diagonal between .25 and .75.
    assertThat(near(image, plot, area, 0.15, 0.15, Color.GRAY)).as("the diagonal").isTrue();
    assertThat(near(image, plot, area, 0.85, 0.85, Color.GRAY)).as("the diagonal").isTrue();
    assertThat(near(image, plot, area, 0.15, 0.85, Color.GRAY)).isFalse();
    assertThat(Pixels.count(image, 0, (int) area.getMinY(), Pixels::dark))
        .as("title text")
        .isGreaterThan(30);
  }

  /** Whether a pixel of {@code colour} lies within 2 pixels of the data point (x, y). */
  private static boolean near(
      BufferedImage image, XYPlot plot, Rectangle2D area, double x, double y, Color colour) {
    int px = (int) plot.getDomainAxis().valueToJava2D(x, area, plot.getDomainAxisEdge());
    int py = (int) plot.getRangeAxis().valueToJava2D(y, area, plot.getRangeAxisEdge());
    for (int dy = -2; dy <= 2; dy++) {
      for (int dx = -2; dx <= 2; dx++) {
        if (Pixels.near(image.getRGB(px + dx, py + dy) & 0xFFFFFF, colour)) {
          return true;
        }
      }
    }
    return false;
  }
}
