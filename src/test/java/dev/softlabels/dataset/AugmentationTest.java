package dev.softlabels.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  /** One 3x3 image with two channels: 1..9 and 11..19. */
  private static float[] image() {
    return new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  }

  private static float[] moved(boolean mirror, int dy, int dx) {
    float[] image = image();
    Augmentation.move(image, 0, 2, 3, 3, mirror, dy, dx, new float[18]);
    return image;
  }

  @Test
  void aMirrorReversesEachRowOfEveryChannel() {
    assertThat(moved(true, 0, 0))
        .containsExactly(3, 2, 1, 6, 5, 4, 9, 8, 7, 13, 12, 11, 16, 15, 14, 19, 18, 17);
  }

  @Test
  void aShiftShowsTheNeighbouringPixelsAndZerosBeyondTheEdge() {
    // Pixel (y, x) shows (y + 1, x - 1): the top row takes the middle row moved right, a zero
    // enters on the left.
    assertThat(moved(false, 1, -1))
        .containsExactly(0, 4, 5, 0, 7, 8, 0, 0, 0, 0, 14, 15, 0, 17, 18, 0, 0, 0);
    // Shifted, then mirrored: rows 2 3 0 (shown from one pixel to the right) read backwards.
    assertThat(moved(true, 0, 1))
        .containsExactly(0, 3, 2, 0, 6, 5, 0, 9, 8, 0, 13, 12, 0, 16, 15, 0, 19, 18);
    assertThat(moved(false, 0, 0)).containsExactly(image());
  }

  @Test
  void eachImageGetsItsOwnDrawAndTheSameSeedTheSameDraws() {
    Augmentation augmentation = new Augmentation(true, 1);
    int examples = 200;
    float[] batch = new float[examples * 18];
    for (int i = 0; i < examples; i++) {
      System.arraycopy(image(), 0, batch, i * 18, 18);
    }
    float[] again = batch.clone();
    augmentation.apply(
        batch, examples, 2, 3, 3, Augmentation.random(7, 3, "part-00000-000001.minibatch"));
    augmentation.apply(
        again, examples, 2, 3, 3, Augmentation.random(7, 3, "part-00000-000001.minibatch"));
    assertThat(again).containsExactly(batch);

    Set<List<Float>> possible = new HashSet<>();
    for (boolean mirror : new boolean[] {false, true}) {
      for (int dy = -1; dy <= 1; dy++) {
        for (int dx = -1; dx <= 1; dx++) {
          possible.add(asList(moved(mirror, dy, dx), 0));
        }
      }
    }
    Set<List<Float>> seen = new HashSet<>();
    for (int i = 0; i < examples; i++) {
      List<Float> one = asList(batch, i * 18);
      assertThat(possible).contains(one);
      seen.add(one);
    }
    assertThat(seen).as("200 draws of 18 equally likely moves").hasSize(18);

    float[] otherEpoch = again.clone();
    new Augmentation(true, 1).apply(otherEpoch, 0, 2, 3, 3, Augmentation.random(7, 4, "x"));
    Augmentation.NONE.apply(otherEpoch, examples, 2, 3, 3, new SplittableRandom(1));
    assertThat(otherEpoch)
        .as("no augmentation leaves the images as they are")
        .containsExactly(again);
  }

  private static List<Float> asList(float[] values, int offset) {
    Float[] boxed = new Float[18];
    for (int i = 0; i < 18; i++) {
      boxed[i] = values[offset + i];
    }
    return List.of(boxed);
  }
}
