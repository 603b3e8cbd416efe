package dev.softlabels.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.softlabels.labels.ClassList;
import dev.softlabels.synthetic.SyntheticClasses;
import java.awt.Color;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointColoursTest {

  @Test
  void syntheticColourIsTheRgbMixOfTheColourMarginal() {
    assertThat(PointColours.SYNTHETIC_COLOUR.of(new double[] {0, 1, 0, 0, 0, 0}))
        .isEqualTo(new Color(255, 0, 0));
    // 70 % red (0.35 circle + 0.35 ellipse), 30 % green: 0.7 * 255 = 178.5 -> 179, 0.3 * 255 = 76.5
    // -> 77.
    assertThat(PointColours.SYNTHETIC_COLOUR.of(new double[] {0.35, 0.35, 0.15, 0.15, 0, 0}))
        .isEqualTo(new Color(179, 77, 0));
  }

  @Test
  void syntheticShapeMixesCircleAndEllipseColours() {
    assertThat(PointColours.SYNTHETIC_SHAPE.of(new double[] {0, 0, 0, 0, 1, 0}))
        .isEqualTo(PointColours.CIRCLE);
    assertThat(PointColours.SYNTHETIC_SHAPE.of(new double[] {0, 0.2, 0, 0.3, 0, 0.5}))
        .isEqualTo(PointColours.ELLIPSE);
    // Half circle (red), half ellipse (green): ((230 + 94) / 2, (97 + 60) / 2, (1 + 153) / 2) =
    // (162, 78.5, 77).
    assertThat(PointColours.SYNTHETIC_SHAPE.of(new double[] {0.5, 0, 0, 0.5, 0, 0}))
        .isEqualTo(new Color(162, 79, 77));
  }

  @Test
  void classMixWeighsThePalette() {
    assertThat(PointColours.CLASS_MIX.of(new double[] {0, 1, 0}))
        .isEqualTo(new Color(255, 127, 14));
    // 0.5 * (31, 119, 180) + 0.5 * (44, 160, 44) = (37.5, 139.5, 112) -> (38, 140, 112).
    assertThat(PointColours.CLASS_MIX.of(new double[] {0.5, 0, 0.5}))
        .isEqualTo(new Color(38, 140, 112));
  }

  @Test
  void marginals() {
    double[] p = {0.1, 0.2, 0.3, 0.1, 0.25, 0.05};
    assertThat(PointColours.marginal(p, 0)).containsExactly(0.30000000000000004, 0.4, 0.3);
    assertThat(PointColours.marginal(p, 1)).containsExactly(0.65, 0.35000000000000003);
  }

  @Test
  void legendsNameTheAnchorColours() {
    assertThat(PointColours.SYNTHETIC_COLOUR.legend(SyntheticClasses.CLASSES))
        .containsExactly(
            entry("red", Color.RED), entry("green", Color.GREEN), entry("blue", Color.BLUE));
    assertThat(PointColours.SYNTHETIC_SHAPE.legend(SyntheticClasses.CLASSES))
        .containsExactly(
            entry("circle", PointColours.CIRCLE), entry("ellipse", PointColours.ELLIPSE));
    assertThat(PointColours.CLASS_MIX.legend(new ClassList(List.of("cat", "dog"))))
        .containsExactly(
            entry("cat", PointColours.PALETTE.get(0)), entry("dog", PointColours.PALETTE.get(1)));
  }
}
