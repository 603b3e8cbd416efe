package dev.softlabels.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.testing.Pixels;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ScatterPlotsTest {

  @Test
  void drawsEveryPanelWithItsPointColoursTitleAndCaption() throws IOException {
    Random random = new Random(1);
    double[][] points = new double[60][2];
    Color[] colours = new Color[60];
    for (int i = 0; i < 60; i++) {
      points[i] = new double[] {(i % 2) * 10 + random.nextGaussian(), random.nextGaussian()};
      colours[i] = i % 2 == 0 ? Color.RED : Color.BLUE;
    }
    Color[] green = new Color[60];
    Arrays.fill(green, Color.GREEN);
    byte[] png =
        ScatterPlots.png(
            "A title",
            "A caption",
            Map.of("magenta", Color.MAGENTA),
            List.of(
                new ScatterPlots.Panel("hard", points, colours),
                new ScatterPlots.Panel("soft", points, green)),
            300,
            250);

    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(600);
    assertThat(image.getHeight()).isEqualTo(ScatterPlots.HEADER + 250 + ScatterPlots.FOOTER);
    int plotTop = ScatterPlots.HEADER;
    int plotBottom = plotTop + 250;
    // Each 5-pixel point covers ~20 pixels; overlaps make it fewer, but far more than none.
    assertThat(Pixels.count(image, plotTop, plotBottom, rgb -> Pixels.near(rgb, Color.RED)))
        .isGreaterThan(200);
    assertThat(Pixels.count(image, plotTop, plotBottom, rgb -> Pixels.near(rgb, Color.BLUE)))
        .isGreaterThan(200);
    assertThat(Pixels.count(image, plotTop, plotBottom, rgb -> Pixels.near(rgb, Color.GREEN)))
        .isGreaterThan(400);
    assertThat(Pixels.count(image, 0, plotTop, Pixels::dark)).as("title text").isGreaterThan(30);
    assertThat(Pixels.count(image, plotBottom, image.getHeight(), Pixels::dark))
        .as("legend and caption text")
        .isGreaterThan(60);
    assertThat(
            Pixels.count(
                image, plotBottom, image.getHeight(), rgb -> Pixels.near(rgb, Color.MAGENTA)))
        .as("legend marker")
        .isGreaterThan(10);
    assertThat(Pixels.count(image, 0, plotBottom, rgb -> Pixels.near(rgb, Color.MAGENTA))).isZero();
    // Red and blue only in the left panel, green only in the right one.
    BufferedImage left = image.getSubimage(0, 0, 300, image.getHeight());
    BufferedImage right = image.getSubimage(300, 0, 300, image.getHeight());
    assertThat(Pixels.count(right, plotTop, plotBottom, rgb -> Pixels.near(rgb, Color.RED)))
        .isZero();
    assertThat(Pixels.count(left, plotTop, plotBottom, rgb -> Pixels.near(rgb, Color.GREEN)))
        .isZero();
  }
}
