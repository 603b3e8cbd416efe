package dev.softlabels.synthetic;

import dev.softlabels.labels.LabelMath;
import java.util.Arrays;

/**
 * One synthetic image's content: which interpolation it is, its weights, and where the shape sits.
 *
 * @param kind pure, colour, shape or colour+shape
 * @param colourFrom index into {@link SyntheticClasses#COLOURS}
 * @param colourTo the second colour of a colour interpolation (equal to colourFrom otherwise)
 * @param colourWeight weight of colourTo, in [0, 1]; 0 for images without colour interpolation
 * @param ellipseWeight weight of the ellipse class, in [0, 1]
 * @param axisRatio minor / major axis: 1 for the circle, the configured ratio for the ellipse,
 *     linearly in between by ellipseWeight
 * @param centerX centre in pixels
 * @param centerY centre in pixels
 * @param radius semi-major axis in pixels
 * @param angle rotation of the major axis, radians in [0, pi)
 */
public record Shape(
    String kind,
    int colourFrom,
    int colourTo,
    double colourWeight,
    double ellipseWeight,
    double axisRatio,
    double centerX,
    double centerY,
    double radius,
    double angle) {

  public double[] colourWeights() {
    double[] w = new double[SyntheticClasses.COLOURS.size()];
    w[colourFrom] += 1 - colourWeight;
    w[colourTo] += colourWeight;
    return w;
  }

  public double[] shapeWeights() {
    return new double[] {1 - ellipseWeight, ellipseWeight};
  }

  public double[] softLabel() {
    return SyntheticClasses.softLabel(colourWeights(), shapeWeights());
  }

  /** Argmax of the soft label; ties go to the lowest class index. */
  public int hardLabel() {
    return LabelMath.argmax(softLabel());
  }

  /** The fill colour: the colour weights applied to the pure RGB values. */
  public int[] rgb() {
    double[] w = colourWeights();
    int[] rgb = new int[3];
    for (int channel = 0; channel < 3; channel++) {
      double value = 0;
      for (int c = 0; c < w.length; c++) {
        value += w[c] * SyntheticClasses.RGB[c][channel];
      }
      rgb[channel] = (int) Math.round(value);
    }
    return rgb;
  }

  @Override
  public String toString() {
    return kind + " " + Arrays.toString(softLabel());
  }
}
