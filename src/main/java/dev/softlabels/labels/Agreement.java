package dev.softlabels.labels;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much the votes on the same image agree, over a whole label table: Krippendorff's alpha for
 * nominal data, Fleiss' kappa and each class's agreement, from sufficient statistics that add up
 * image by image. Because they add (and subtract), a job sums them where it already walks the
 * images, and a relabel night updates the store's by taking out a touched image's earlier counts
 * and putting in its new ones, without reading the store.
 *
 * <p>Definitions. An image u with m_u votes, n_uc of them for class c, is pairable when m_u &ge; 2.
 * Over pairable images, Krippendorff's coincidences of c with itself are o_cc = &Sigma;_u n_uc
 * (n_uc &minus; 1) / (m_u &minus; 1), and n_c = &Sigma;_u n_uc, n = &Sigma;_c n_c. Then alpha = 1
 * &minus; (n &minus; 1) (n &minus; &Sigma;_c o_cc) / (n&sup2; &minus; &Sigma;_c n_c&sup2;)
 * (Krippendorff, <i>Computing Krippendorff's Alpha-Reliability</i>, 2011, section C: nominal data,
 * any number of observers, missing values). Fleiss' kappa (Fleiss 1971) is (P&#772; &minus; P_e) /
 * (1 &minus; P_e) with P_u = &Sigma;_c n_uc (n_uc &minus; 1) / (m_u (m_u &minus; 1)) averaged over
 * pairable images and P_e = &Sigma;_c (n_c / n)&sup2;; with the same number of votes on every image
 * it is Fleiss' own, and with varying numbers each image's P_u is taken over its own votes. A
 * class's agreement is o_cc / n_c: the chance that, given a vote for c, another vote on the same
 * image is c too. Images with one vote carry no agreement and are not counted.
 */
public final class Agreement implements Serializable {

  private static final long serialVersionUID = 1L;

  private final double[] matched;
  private final long[] pairable;
  private double imageAgreement;
  private long images;

  private Agreement(double[] matched, long[] pairable, double imageAgreement, long images) {
    this.matched = matched;
    this.pairable = pairable;
    this.imageAgreement = imageAgreement;
    this.images = images;
  }

  /** No votes yet over {@code classes} classes. */
  public static Agreement empty(int classes) {
    return new Agreement(new double[classes], new long[classes], 0, 0);
  }

  /** The statistics a {@link State} kept. */
  public static Agreement of(State state) {
    return new Agreement(
        state.matched().clone(), state.pairable().clone(), state.imageAgreement(), state.images());
  }

  /** Adds one image's vote counts. */
  public Agreement add(int[] counts) {
    return change(counts, 1);
  }

  /** Takes out one image's vote counts, added before. */
  public Agreement remove(int[] counts) {
    return change(counts, -1);
  }

  private Agreement change(int[] counts, int sign) {
    int m = 0;
    for (int n : counts) {
      m += n;
    }
    if (m < 2) {
      return this;
    }
    double agreeing = 0;
    for (int c = 0; c < counts.length; c++) {
      double pairs = (double) counts[c] * (counts[c] - 1);
      matched[c] += sign * pairs / (m - 1);
      pairable[c] += sign * counts[c];
      agreeing += pairs;
    }
    imageAgreement += sign * agreeing / ((double) m * (m - 1));
    images += sign;
    return this;
  }

  public Agreement merge(Agreement other) {
    for (int c = 0; c < matched.length; c++) {
      matched[c] += other.matched[c];
      pairable[c] += other.pairable[c];
    }
    imageAgreement += other.imageAgreement;
    images += other.images;
    return this;
  }

  /** Images with two votes or more: those the figures are over. */
  public long images() {
    return images;
  }

  private long votes() {
    return Arrays.stream(pairable).sum();
  }

  /**
   * Krippendorff's alpha (nominal); null when undefined: fewer than two pairable votes, or every
   * vote for one class.
   */
  public Double krippendorffAlpha() {
    double n = votes();
    double squares = Arrays.stream(pairable).mapToDouble(nc -> (double) nc * nc).sum();
    if (n < 2 || n * n - squares <= 0) {
      return null;
    }
    return 1 - (n - 1) * (n - Arrays.stream(matched).sum()) / (n * n - squares);
  }

  /** Fleiss' kappa; null when undefined: no pairable image, or every vote for one class. */
  public Double fleissKappa() {
    double expected = expected();
    if (images == 0 || expected >= 1) {
      return null;
    }
    return (observed() - expected) / (1 - expected);
  }

  /**
   * The mean over pairable images of the share of their vote pairs that agree (Fleiss' P&#772;);
   * null without a pairable image.
   */
  public Double observed() {
    return images == 0 ? null : imageAgreement / images;
  }

  /** The pair agreement expected by chance from the class shares of the votes (Fleiss' P_e). */
  private double expected() {
    double n = votes();
    return n == 0 ? 1 : Arrays.stream(pairable).mapToDouble(nc -> (nc / n) * (nc / n)).sum();
  }

  /** Each class's agreement o_cc / n_c, by name; null for a class without a pairable vote. */
  public Map<String, Double> classAgreement(List<String> classes) {
    Map<String, Double> byClass = new LinkedHashMap<>();
    for (int c = 0; c < matched.length; c++) {
      byClass.put(classes.get(c), pairable[c] == 0 ? null : matched[c] / pairable[c]);
    }
    return byClass;
  }

  /** The figures, with the state they come from. */
  public Figures figures(List<String> classes) {
    return new Figures(
        krippendorffAlpha(), fleissKappa(), observed(), images, classAgreement(classes), state());
  }

  public State state() {
    return new State(matched.clone(), pairable.clone(), imageAgreement, images);
  }

  /**
   * The sufficient statistics, as summaries and the ledger keep them.
   *
   * @param matched o_cc per class
   * @param pairable n_c per class
   * @param imageAgreement the sum of P_u
   * @param images pairable images
   */
  public record State(
      @JsonProperty("matched") double[] matched,
      @JsonProperty("pairable") long[] pairable,
      @JsonProperty("image_agreement") double imageAgreement,
      @JsonProperty("images") long images)
      implements Serializable {

    /** By value: ledger entries read back compare equal to those written. */
    @Override
    public boolean equals(Object other) {
      return other instanceof State that
          && Arrays.equals(matched, that.matched)
          && Arrays.equals(pairable, that.pairable)
          && Double.compare(imageAgreement, that.imageAgreement) == 0
          && images == that.images;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Arrays.hashCode(matched) + Arrays.hashCode(pairable))
          + Long.hashCode(images);
    }

    @Override
    public String toString() {
      return "State[matched="
          + Arrays.toString(matched)
          + ", pairable="
          + Arrays.toString(pairable)
          + ", imageAgreement="
          + imageAgreement
          + ", images="
          + images
          + "]";
    }
  }

  /**
   * The agreement figures of summary.json and the reports.
   *
   * @param krippendorffAlpha nominal alpha; null when undefined
   * @param fleissKappa null when undefined
   * @param pairAgreement the mean share of agreeing vote pairs per image (Fleiss' P&#772;)
   * @param images images with two votes or more
   * @param classAgreement each class's o_cc / n_c
   */
  public record Figures(
      @JsonProperty("krippendorff_alpha") Double krippendorffAlpha,
      @JsonProperty("fleiss_kappa") Double fleissKappa,
      @JsonProperty("pair_agreement") Double pairAgreement,
      @JsonProperty("images") long images,
      @JsonProperty("class_agreement") Map<String, Double> classAgreement,
      @JsonProperty("state") State state) {}
}
