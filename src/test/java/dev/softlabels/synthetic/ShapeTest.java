package dev.softlabels.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ShapeTest {

  private static final int RED = 0;
  private static final int GREEN = 1;
  private static final int BLUE = 2;

  @Test
  void softLabelIsColourWeightsTimesShapeWeights() {
    // 75 % red / 25 % green, 40 % of the way to the ellipse; worked by hand.
    Shape shape = new Shape("colour+shape", RED, GREEN, 0.25, 0.4, 0.8, 16, 16, 8, 0);
    assertThat(shape.softLabel())
        .containsExactly(new double[] {0.45, 0.3, 0.15, 0.1, 0, 0}, within(1e-12));
    assertThat(shape.hardLabel()).isZero();
    assertThat(shape.rgb()).containsExactly(191, 64, 0);
  }

  @Test
  void anEvenSplitGoesToTheLowestClassIndex() {
    Shape halfRedHalfBlue = new Shape("colour", BLUE, RED, 0.5, 0, 1, 16, 16, 8, 0);
    assertThat(halfRedHalfBlue.softLabel()).containsExactly(0.5, 0, 0, 0, 0.5, 0);
    assertThat(halfRedHalfBlue.hardLabel()).as("red_circle (0) before blue_circle (4)").isZero();
    Shape halfway = new Shape("shape", GREEN, GREEN, 0, 0.5, 0.75, 16, 16, 8, 0);
    assertThat(halfway.hardLabel()).as("green_circle (2) before green_ellipse (3)").isEqualTo(2);
  }

  @Test
  void pureShapesAreOneHot() {
    assertThat(new Shape("pure", BLUE, BLUE, 0, 1, 0.5, 16, 16, 8, 0).softLabel())
        .containsExactly(0, 0, 0, 0, 0, 1.0);
    assertThat(new Shape("pure", GREEN, GREEN, 0, 0, 1, 16, 16, 8, 0).rgb())
        .containsExactly(0, 255, 0);
  }

  @Test
  void rendersAFilledEllipseOnBlackWithItsAxesWhereTheyShouldBe() {
    // Major radius 8 along x, minor radius 4 along y, centred in a 32 px image.
    BufferedImage flat =
        ShapeRenderer.render(new Shape("pure", RED, RED, 0, 1, 0.5, 16, 16, 8, 0), 32);
    assertThat(flat.getRGB(16, 16) & 0xFFFFFF).isEqualTo(0xFF0000);
    assertThat(flat.getRGB(22, 16) & 0xFFFFFF)
        .as("inside along the major axis")
        .isEqualTo(0xFF0000);
    assertThat(flat.getRGB(16, 22) & 0xFFFFFF).as("outside along the minor axis").isZero();
    assertThat(flat.getRGB(0, 0) & 0xFFFFFF).isZero();
    // Turned by 90 degrees the axes swap.
    BufferedImage turned =
        ShapeRenderer.render(new Shape("pure", RED, RED, 0, 1, 0.5, 16, 16, 8, Math.PI / 2), 32);
    assertThat(turned.getRGB(16, 22) & 0xFFFFFF).isEqualTo(0xFF0000);
    assertThat(turned.getRGB(22, 16) & 0xFFFFFF).isZero();
  }

  @Test
  void pngBytesDecodeToTheSamePixels() throws Exception {
    BufferedImage image =
        ShapeRenderer.render(new Shape("colour", RED, BLUE, 0.3, 0, 1, 10, 12, 6, 0), 24);
    BufferedImage decoded =
        javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(ShapeRenderer.png(image)));
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 24; x++) {
        assertThat(decoded.getRGB(x, y)).isEqualTo(image.getRGB(x, y));
      }
    }
  }
}
