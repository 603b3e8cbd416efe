package dev.softlabels.embed;

import dev.softlabels.labels.ClassList;
import dev.softlabels.synthetic.SyntheticClasses;
import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a point of a t-SNE plot is coloured from its ground-truth label distribution: pure functions
 * from a distribution to a colour, each a weighted mix of a few anchor colours.
 */
enum PointColours {

  /**
   * Synthetic data, colour axis: the RGB mix the distribution's colour marginal implies (a 70/30
   * red/green image is drawn in 0.7 red + 0.3 green). Classes are colour-major, shape-minor.
   */
  SYNTHETIC_COLOUR(
      "colour-interpolation", "colour interpolation (points in the RGB mix of their soft label)"),
  /**
   * Synthetic data, shape axis: from {@link #CIRCLE} (pure circle) to {@link #ELLIPSE} (pure
   * ellipse).
   */
  SYNTHETIC_SHAPE(
      "shape-interpolation",
      "shape interpolation (orange: circle, purple: ellipse, mixed between)"),
  /** Any class list: the mix of one palette colour per class, weighted by the distribution. */
  CLASS_MIX(
      "class-distribution", "ground-truth distribution (each class a colour, points in the mix)");

  /** Tableau's ten categorical colours, for class lists of up to ten classes; more repeat them. */
  static final List<Color> PALETTE =
      List.of(
          new Color(31, 119, 180),
          new Color(255, 127, 14),
          new Color(44, 160, 44),
          new Color(214, 39, 40),
          new Color(148, 103, 189),
          new Color(140, 86, 75),
          new Color(227, 119, 194),
          new Color(127, 127, 127),
          new Color(188, 189, 34),
          new Color(23, 190, 207));

  static final List<Color> SYNTHETIC_RGB = List.of(Color.RED, Color.GREEN, Color.BLUE);
  static final Color CIRCLE = new Color(230, 97, 1);
  static final Color ELLIPSE = new Color(94, 60, 153);

  private final String fileName;
  private final String description;

  PointColours(String fileName, String description) {
    this.fileName = fileName;
    this.description = description;
  }

  /** The plot's file name, without extension. */
  public String fileName() {
    return fileName;
  }

  public String description() {
    return description;
  }

  /** What the anchor colours stand for, in order: the plot's legend. */
  public Map<String, Color> legend(ClassList classes) {
    Map<String, Color> legend = new LinkedHashMap<>();
    switch (this) {
      case SYNTHETIC_COLOUR -> {
        for (int c = 0; c < SyntheticClasses.COLOURS.size(); c++) {
          legend.put(SyntheticClasses.COLOURS.get(c), SYNTHETIC_RGB.get(c));
        }
      }
      case SYNTHETIC_SHAPE -> {
        legend.put(SyntheticClasses.SHAPES.get(0), CIRCLE);
        legend.put(SyntheticClasses.SHAPES.get(1), ELLIPSE);
      }
      case CLASS_MIX -> {
        for (int k = 0; k < classes.size(); k++) {
          legend.put(classes.name(k), PALETTE.get(k % PALETTE.size()));
        }
      }
    }
    return legend;
  }

  public Color of(double[] distribution) {
    return switch (this) {
      case SYNTHETIC_COLOUR -> mix(marginal(distribution, 0), SYNTHETIC_RGB);
      case SYNTHETIC_SHAPE -> mix(marginal(distribution, 1), List.of(CIRCLE, ELLIPSE));
      case CLASS_MIX -> mix(distribution, PALETTE);
    };
  }

  /**
   * Marginal of a colour-major synthetic distribution (index = 2 * colour + shape): axis 0 sums
   * over shapes, giving one weight per colour; axis 1 sums over colours, giving (circle, ellipse).
   */
  static double[] marginal(double[] distribution, int axis) {
    int shapes = 2;
    double[] weights = new double[axis == 0 ? distribution.length / shapes : shapes];
    for (int k = 0; k < distribution.length; k++) {
      weights[axis == 0 ? k / shapes : k % shapes] += distribution[k];
    }
    return weights;
  }

  /** The weighted mean of anchor colours (anchor k % anchors.size() for weight k), per channel. */
  static Color mix(double[] weights, List<Color> anchors) {
    double red = 0;
    double green = 0;
    double blue = 0;
    double total = 0;
    for (int k = 0; k < weights.length; k++) {
      Color anchor = anchors.get(k % anchors.size());
      red += weights[k] * anchor.getRed();
      green += weights[k] * anchor.getGreen();
      blue += weights[k] * anchor.getBlue();
      total += weights[k];
    }
    if (total <= 0) {
      return Color.GRAY;
    }
    return new Color(channel(red / total), channel(green / total), channel(blue / total));
  }

  private static int channel(double value) {
    return (int) Math.max(0, Math.min(255, Math.round(value)));
  }
}
