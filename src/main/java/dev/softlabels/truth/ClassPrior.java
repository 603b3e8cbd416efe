package dev.softlabels.truth;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.softlabels.config.UserError;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a method's class prior P(true class) is set at each M-step: learned from the posteriors, kept
 * uniform, or given by the user. Learning it is what Dawid and Skene do, and it recovers an
 * imbalanced truth; but a model that cannot express one-sided errors (one accuracy per annotator)
 * can raise its likelihood by shrinking a minority class instead, so that the prior runs away
 * (docs/methods.md#the-class-prior).
 */
public sealed interface ClassPrior extends Serializable {

  /** The prior of the next model, from a pass's posterior totals over {@code images} images. */
  double[] estimate(double[] posteriorTotals, long images);

  /** The choice in words, for the summary and the result line. */
  String text();

  /**
   * Re-estimated every M-step as the posteriors' class shares, with a symmetric Dirichlet prior of
   * {@code strength} pseudo-images per class: (strength + total[c]) / (images + k strength). A
   * large strength holds the prior near uniform on small inputs.
   */
  record Learned(double strength) implements ClassPrior {
    @Override
    public double[] estimate(double[] posteriorTotals, long images) {
      int k = posteriorTotals.length;
      double[] prior = new double[k];
      for (int c = 0; c < k; c++) {
        prior[c] = (strength + posteriorTotals[c]) / (images + k * strength);
      }
      return prior;
    }

    @Override
    public String text() {
      return String.format(Locale.ROOT, "learned (strength %s)", strength);
    }
  }

  /**
   * 1/k for every class, never updated: the prior of ZenCrowd's one-coin model and of GLAD's own
   * code.
   */
  record Uniform() implements ClassPrior {
    @Override
    public double[] estimate(double[] posteriorTotals, long images) {
      double[] prior = new double[posteriorTotals.length];
      Arrays.fill(prior, 1.0 / prior.length);
      return prior;
    }

    @Override
    public String text() {
      return "uniform";
    }
  }

  /** Shares the user knows (a gold sample's), in class-list order, never updated. */
  record Given(double[] shares, String key) implements ClassPrior {
    @Override
    public double[] estimate(double[] posteriorTotals, long images) {
      if (shares.length != posteriorTotals.length) {
        throw new UserError(
            String.format(
                Locale.ROOT,
                "%s gives %d class shares, but the class list has %d classes:"
                    + " give one share per class, in class-list order",
                key,
                shares.length,
                posteriorTotals.length));
      }
      return shares.clone();
    }

    @Override
    public String text() {
      return Arrays.stream(shares)
          .mapToObj(s -> String.format(Locale.ROOT, "%s", s))
          .collect(Collectors.joining(", ", "given [", "]"));
    }
  }

  /**
   * {@code learned}, {@code uniform}, or a list of shares (each &gt; 0, summing to 1 within 1e-6)
   * at {@code key}; {@code strength} is a learned prior's.
   */
  static ClassPrior parse(ConfigValue value, String key, double strength) {
    if (value.valueType() == ConfigValueType.LIST) {
      List<?> values = (List<?>) value.unwrapped();
      double[] shares = new double[values.size()];
      for (int c = 0; c < shares.length; c++) {
        if (!(values.get(c) instanceof Number n) || !(n.doubleValue() > 0)) {
          throw new UserError(key + " must list class shares above 0, got " + values);
        }
        shares[c] = n.doubleValue();
      }
      if (shares.length < 2 || Math.abs(Arrays.stream(shares).sum() - 1) > 1e-6) {
        throw new UserError(
            key + " must list one share per class (two or more) summing to 1, got " + values);
      }
      return new Given(shares, key);
    }
    String choice = String.valueOf(value.unwrapped()).trim();
    return switch (choice) {
      case "learned" -> new Learned(strength);
      case "uniform" -> new Uniform();
      default ->
          throw new UserError(
              key
                  + " must be learned, uniform or a list of class shares such as [0.88, 0.12],"
                  + " got '"
                  + choice
                  + "'");
    };
  }
}
