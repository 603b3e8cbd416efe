package dev.softlabels.aggregate;

import dev.softlabels.truth.EmSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whether a fitted model can be trusted: the signs of a degenerate fit, each as one line a user can
 * act on. A fit is flagged when its class shares (the posteriors' mean) have moved far from the
 * vote shares (the vote fractions' mean), when a class the votes give weight to nearly vanishes,
 * when most images' hard labels are flipped against their majority vote, or when EM stopped at its
 * iteration cap. Plain Java: the figures come from the fit and the label table's statistics.
 */
final class FitCheck {

  /**
   * Total variation distance between the fitted and the vote shares above which the fit is flagged.
   */
  static final double MAX_SHARE_DISTANCE = 0.2;

  /**
   * A class with at least this share of the votes vanishes when its fitted share falls below a
   * third of it.
   */
  static final double VANISHING_VOTE_SHARE = 0.01;

  static final double VANISHING_RATIO = 1.0 / 3;

  /**
   * Above this share of images with a hard label other than their majority vote, the fit is
   * flagged.
   */
  static final double MAX_FLIPPED_SHARE = 0.5;

  private FitCheck() {}

  /**
   * The warnings, none for a fit that looks sound.
   *
   * @param classes the class names, in index order
   * @param flipped images whose hard label differs from their majority vote
   * @param iterationCap the iteration cap, for the message when it was hit
   */
  public static List<String> warnings(
      List<String> classes,
      double[] voteShares,
      double[] fittedShares,
      long images,
      long flipped,
      boolean converged,
      int iterationCap) {
    List<String> warnings = new ArrayList<>();
    double distance = 0;
    for (int c = 0; c < voteShares.length; c++) {
      distance += Math.abs(fittedShares[c] - voteShares[c]) / 2;
    }
    for (int c = 0; c < voteShares.length; c++) {
      if (voteShares[c] >= VANISHING_VOTE_SHARE
          && fittedShares[c] < VANISHING_RATIO * voteShares[c]) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "class %s nearly vanishes: %.3f of the fitted posteriors against "
                    + "%.3f of the votes",
                classes.get(c),
                fittedShares[c],
                voteShares[c]));
      }
    }
    if (distance > MAX_SHARE_DISTANCE) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "fitted class shares %s are far from the vote shares %s (distance " + "%.2f > %.2f)",
              shares(fittedShares),
              shares(voteShares),
              distance,
              MAX_SHARE_DISTANCE));
    }
    if (images > 0 && (double) flipped / images > MAX_FLIPPED_SHARE) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "%,d of %,d images (%.0f %%) get a hard label other than their " + "majority vote",
              flipped,
              images,
              100.0 * flipped / images));
    }
    if (!converged) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "not converged: stopped at the iteration cap of %d " + "(%smax-iterations)",
              iterationCap,
              EmSettings.KEY));
    }
    return List.copyOf(warnings);
  }

  private static String shares(double[] shares) {
    return Arrays.stream(shares)
        .mapToObj(s -> String.format(Locale.ROOT, "%.3f", s))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
