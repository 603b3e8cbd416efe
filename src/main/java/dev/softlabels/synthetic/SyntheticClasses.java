package dev.softlabels.synthetic;

import dev.softlabels.labels.ClassList;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's six synthetic classes: colour {red, green, blue} x shape {circle, ellipse}, class
 * index = 2 * colour + shape (red_circle 0, red_ellipse 1, green_circle 2, green_ellipse 3,
 * blue_circle 4, blue_ellipse 5).
 */
public final class SyntheticClasses {

  public static final List<String> COLOURS = List.of("red", "green", "blue");
  public static final List<String> SHAPES = List.of("circle", "ellipse");

  /** Pure RGB of each colour, in COLOURS order. */
  static final int[][] RGB = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};

  public static final ClassList CLASSES = new ClassList(names());

  private SyntheticClasses() {}

  public static int classIndex(int colour, int shape) {
    return colour * SHAPES.size() + shape;
  }

  /**
   * The exact label distribution of an image: p(colour c, shape h) = colourWeights[c] *
   * shapeWeights[h], the outer product of the two interpolation weight vectors.
   */
  public static double[] softLabel(double[] colourWeights, double[] shapeWeights) {
    double[] p = new double[COLOURS.size() * SHAPES.size()];
    for (int c = 0; c < COLOURS.size(); c++) {
      for (int h = 0; h < SHAPES.size(); h++) {
        p[classIndex(c, h)] = colourWeights[c] * shapeWeights[h];
      }
    }
    return p;
  }

  private static List<String> names() {
    List<String> names = new ArrayList<>();
    for (String colour : COLOURS) {
      for (String shape : SHAPES) {
        names.add(colour + "_" + shape);
      }
    }
    return names;
  }
}
