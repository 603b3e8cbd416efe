package dev.softlabels.dataset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Encoded image bytes (PNG, JPEG) to the network's input: RGB planes (CHW), scaled to [0, 1]. */
final class ImageDecoding {

  public static final int CHANNELS = 3;

  static {
    ImageIO.setUseCache(false);
  }

  private ImageDecoding() {}

  public static BufferedImage image(byte[] bytes, String imageId) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      if (image == null) {
        throw new IllegalArgumentException("image " + imageId + " is not a PNG or JPEG");
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode image " + imageId, e);
    }
  }

  /**
   * Writes the image's CHW floats into {@code out} at {@code offset}; its size must be height x
   * width.
   */
  public static void chw(
      byte[] bytes, String imageId, int height, int width, float[] out, int offset) {
    BufferedImage image = image(bytes, imageId);
    if (image.getHeight() != height || image.getWidth() != width) {
      throw new IllegalArgumentException(
          "image "
              + imageId
              + " is "
              + image.getWidth()
              + "x"
              + image.getHeight()
              + ", expected "
              + width
              + "x"
              + height
              + " like the first image");
    }
    int plane = height * width;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = image.getRGB(x, y);
        int at = offset + y * width + x;
        out[at] = ((rgb >> 16) & 0xFF) / 255f;
        out[at + plane] = ((rgb >> 8) & 0xFF) / 255f;
        out[at + 2 * plane] = (rgb & 0xFF) / 255f;
      }
    }
  }
}
