package dev.softlabels.dataset;

import static dev.softlabels.config.UserError.require;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The light augmentation of CIFAR-style training (softlabels.train.augment): each image of a
 * training minibatch is mirrored left-right with probability 1/2 and shifted by up to {@code
 * cropPadding} pixels each way — a random crop of the image padded with zeros — drawn anew every
 * epoch. Applied where the minibatches are read (the executors), to CHW float planes.
 */
public record Augmentation(boolean flip, int cropPadding) implements Serializable {

  public static final Augmentation NONE = new Augmentation(false, 0);

  public Augmentation {
    require(
        cropPadding >= 0, "softlabels.train.augment.crop-padding must be >= 0, got " + cropPadding);
  }

  public static Augmentation from(Config train) {
    Config augment = train.getConfig("augment");
    return new Augmentation(augment.getBoolean("flip"), augment.getInt("crop-padding"));
  }

  public boolean isNone() {
    return !flip && cropPadding == 0;
  }

  /**
   * Augments {@code examples} images of {@code channels} x {@code height} x {@code width} floats
   * each, stored one after another from index 0, in place.
   */
  public void apply(
      float[] images, int examples, int channels, int height, int width, SplittableRandom random) {
    if (isNone()) {
      return;
    }
    float[] scratch = new float[channels * height * width];
    for (int example = 0; example < examples; example++) {
      boolean mirror = flip && random.nextBoolean();
      int dy = cropPadding == 0 ? 0 : random.nextInt(-cropPadding, cropPadding + 1);
      int dx = cropPadding == 0 ? 0 : random.nextInt(-cropPadding, cropPadding + 1);
      move(images, example * scratch.length, channels, height, width, mirror, dy, dx, scratch);
    }
  }

  /**
   * The image at {@code offset}, shifted so that pixel (y, x) shows what was at (y + dy, x + dx)
   * (zero where that falls outside), then mirrored left-right when {@code mirror}.
   */
  static void move(
      float[] images,
      int offset,
      int channels,
      int height,
      int width,
      boolean mirror,
      int dy,
      int dx,
      float[] scratch) {
    if (!mirror && dy == 0 && dx == 0) {
      return;
    }
    int plane = height * width;
    System.arraycopy(images, offset, scratch, 0, channels * plane);
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        int fromY = y + dy;
        for (int x = 0; x < width; x++) {
          int fromX = (mirror ? width - 1 - x : x) + dx;
          boolean inside = fromY >= 0 && fromY < height && fromX >= 0 && fromX < width;
          images[offset + c * plane + y * width + x] =
              inside ? scratch[c * plane + fromY * width + fromX] : 0f;
        }
      }
    }
  }

  /**
   * The random draws of one minibatch in one epoch: the same run, epoch and minibatch give the same
   * ones.
   */
  public static SplittableRandom random(long seed, int epoch, String minibatch) {
    return new SplittableRandom(seed * 1_000_003L + epoch * 65_537L + minibatch.hashCode());
  }
}
