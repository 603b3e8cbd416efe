package dev.softlabels.labels;

/**
 * Predicted distributions holding NaN or infinite values: they have no predicted class, so no
 * metrics can be computed from them. A network outputs them once its training has diverged; the
 * jobs that know which network it is say what to change.
 */
public final class NonFinitePredictions extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final long nonFinite;
  private final long rows;

  public NonFinitePredictions(String column, long nonFinite, long rows) {
    super(
        nonFinite
            + " of "
            + rows
            + " predicted distributions in column "
            + column
            + " hold NaN or infinite values");
    this.nonFinite = nonFinite;
    this.rows = rows;
  }

  /** How many of the rows hold a NaN or infinite value. */
  public long nonFinite() {
    return nonFinite;
  }

  public long rows() {
    return rows;
  }
}
