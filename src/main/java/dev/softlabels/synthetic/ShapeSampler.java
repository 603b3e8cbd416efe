package dev.softlabels.synthetic;

import java.util.SplittableRandom;

/**
 * Draws image {@code index}'s content from (seed, index) alone. A share of images are pure classes;
 * the rest interpolate the colour between two colours, the shape between circle and ellipse, or
 * both, with equal probability and a uniform weight in (0, 1).
 */
final class ShapeSampler {

  public static final String PURE = "pure";
  public static final String COLOUR = "colour";
  public static final String SHAPE = "shape";
  public static final String BOTH = "colour+shape";
  private static final long STREAM = 1;

  private ShapeSampler() {}

  public static Shape sample(GenerateSettings settings, long index) {
    SplittableRandom random = Seeds.stream(settings.seed(), STREAM, index);
    int colours = SyntheticClasses.COLOURS.size();
    String kind;
    if (random.nextDouble() < settings.pureShare()) {
      kind = PURE;
    } else {
      kind = new String[] {COLOUR, SHAPE, BOTH}[random.nextInt(3)];
    }
    boolean mixColour = kind.equals(COLOUR) || kind.equals(BOTH);
    boolean mixShape = kind.equals(SHAPE) || kind.equals(BOTH);
    int colourFrom = random.nextInt(colours);
    // A different second colour, uniformly among the other two.
    int colourTo =
        mixColour ? (colourFrom + 1 + random.nextInt(colours - 1)) % colours : colourFrom;
    double colourWeight = mixColour ? random.nextDouble() : 0;
    double ellipseWeight = mixShape ? random.nextDouble() : random.nextInt(2);
    double axisRatio = 1 - ellipseWeight * (1 - settings.ellipseAxisRatio());
    double radius =
        settings.size()
            * (settings.minRadius()
                + random.nextDouble() * (settings.maxRadius() - settings.minRadius()));
    // The whole rotated shape stays inside the image: its bounding circle has the major radius.
    double centerX = radius + random.nextDouble() * (settings.size() - 2 * radius);
    double centerY = radius + random.nextDouble() * (settings.size() - 2 * radius);
    double angle = random.nextDouble() * Math.PI;
    return new Shape(
        kind,
        colourFrom,
        colourTo,
        colourWeight,
        ellipseWeight,
        axisRatio,
        centerX,
        centerY,
        radius,
        angle);
  }

  /**
   * The split of an image for one split number: train, validation or test, a pure function of
   * (seed, split, index) with the configured fractions.
   */
  public static String split(GenerateSettings settings, int split, long index) {
    double u = Seeds.stream(settings.seed(), 100 + split, index).nextDouble();
    if (u < settings.trainFraction()) {
      return "train";
    }
    return u < settings.trainFraction() + settings.validationFraction() ? "validation" : "test";
  }
}
