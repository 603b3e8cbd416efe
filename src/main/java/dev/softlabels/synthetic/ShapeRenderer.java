package dev.softlabels.synthetic;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Draws a {@link Shape} as one filled, anti-aliased ellipse on black and encodes it as PNG. */
final class ShapeRenderer {

  static {
    // ImageIO otherwise buffers every in-memory write through a temporary file.
    ImageIO.setUseCache(false);
  }

  private ShapeRenderer() {}

  public static BufferedImage render(Shape shape, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.BLACK);
      g.fillRect(0, 0, size, size);
      int[] rgb = shape.rgb();
      g.setColor(new Color(rgb[0], rgb[1], rgb[2]));
      g.translate(shape.centerX(), shape.centerY());
      g.rotate(shape.angle());
      double minor = shape.radius() * shape.axisRatio();
      g.fill(new Ellipse2D.Double(-shape.radius(), -minor, 2 * shape.radius(), 2 * minor));
    } finally {
      g.dispose();
    }
    return image;
  }

  public static byte[] png(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed", e);
    }
    return bytes.toByteArray();
  }
}
