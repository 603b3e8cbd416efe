package dev.softlabels.testing;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.function.IntPredicate;

/**
 * Pixel counts for checking rendered images (plots, screenshots) without comparing them to goldens.
 */
public final class Pixels {

  private Pixels() {}

  /** Pixels of rows [top, bottom) whose 0xRRGGBB value passes {@code test}. */
  public static long count(BufferedImage image, int top, int bottom, IntPredicate test) {
    long n = 0;
    for (int y = top; y < bottom; y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (test.test(image.getRGB(x, y) & 0xFFFFFF)) {
          n++;
        }
      }
    }
    return n;
  }

  public static long count(BufferedImage image, IntPredicate test) {
    return count(image, 0, image.getHeight(), test);
  }

  /** Text-like: every channel below 100. */
  public static boolean dark(int rgb) {
    return max(rgb) < 100;
  }

  /** Strongly coloured: the channels differ by more than 120 (white, grey and black do not). */
  public static boolean saturated(int rgb) {
    return max(rgb) - min(rgb) > 120;
  }

  /** Each channel within 40 of {@code colour}'s. */
  public static boolean near(int rgb, Color colour) {
    return Math.abs(red(rgb) - colour.getRed()) < 40
        && Math.abs(green(rgb) - colour.getGreen()) < 40
        && Math.abs(blue(rgb) - colour.getBlue()) < 40;
  }

  private static int red(int rgb) {
    return rgb >> 16 & 0xFF;
  }

  private static int green(int rgb) {
    return rgb >> 8 & 0xFF;
  }

  private static int blue(int rgb) {
    return rgb & 0xFF;
  }

  private static int max(int rgb) {
    return Math.max(red(rgb), Math.max(green(rgb), blue(rgb)));
  }

  private static int min(int rgb) {
    return Math.min(red(rgb), Math.min(green(rgb), blue(rgb)));
  }
}
