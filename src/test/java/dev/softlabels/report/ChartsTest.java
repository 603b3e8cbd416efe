package dev.softlabels.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.report.Charts.Series;
import dev.softlabels.testing.Pixels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ChartsTest {

  @Test
  void barsDrawEachSeriesInItsColour() throws IOException {
    BufferedImage chart =
        image(
            Charts.bars(
                "Class shares",
                "class",
                "share",
                List.of("cat", "dog", "bird"),
                List.of(
                    new Series("votes", List.of(0.5, 0.3, 0.2)),
                    new Series("labels", List.of(0.6, 0.3, 0.1)))));

    assertThat(chart.getWidth()).isEqualTo(Charts.WIDTH);
    assertThat(chart.getHeight()).isEqualTo(Charts.HEIGHT);
    assertThat(Pixels.count(chart, rgb -> Pixels.near(rgb, Charts.colour(0)))).isGreaterThan(2_000);
    assertThat(Pixels.count(chart, rgb -> Pixels.near(rgb, Charts.colour(1)))).isGreaterThan(2_000);
  }

  @Test
  void linesLeaveAGapWhereAValueIsNull() throws IOException {
    long whole = pointsAndLines(List.of(0.1, 0.9, 0.1, 0.9));
    long gap = pointsAndLines(Arrays.asList(0.1, null, 0.1, 0.9));

    assertThat(gap).isPositive().isLessThan(whole * 2 / 3);
  }

  /** The pixels of a one-series line chart over four nights. */
  private static long pointsAndLines(List<Double> values) throws IOException {
    List<String> nights = List.of("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04");
    BufferedImage chart =
        image(Charts.lines("t", "night", "alpha", nights, List.of(new Series("a", values))));
    return Pixels.count(chart, rgb -> Pixels.near(rgb, Charts.colour(0)));
  }

  @Test
  void stackedSharesGiveEachClassItsColourAndEachRowItsHeight() throws IOException {
    List<String> classes = List.of("cat", "dog", "bird");
    BufferedImage chart =
        image(
            Charts.stackedShares(
                "Soft labels",
                "image",
                "share",
                List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"),
                classes,
                List.of(
                    new double[] {0, 0, 1},
                    new double[] {0, 0, 1},
                    new double[] {0, 0, 1},
                    new double[] {0, 0, 1},
                    new double[] {0, 0, 1},
                    new double[] {0, 0, 1},
                    new double[] {0, 0, 1},
                    new double[] {0, 0, 1},
                    new double[] {0, 0, 1},
                    new double[] {0.5, 0.5, 0})));

    assertThat(chart.getHeight()).isEqualTo(Charts.HEIGHT / 2 + 10 * Charts.ROW_HEIGHT);
    long cat = Pixels.count(chart, rgb -> Pixels.near(rgb, Charts.colour(0)));
    long bird = Pixels.count(chart, rgb -> Pixels.near(rgb, Charts.colour(2)));
    assertThat(bird)
        .as("nine whole bars of bird against half a bar of cat")
        .isGreaterThan(10 * cat);
  }

  private static BufferedImage image(byte[] png) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(png));
  }
}
