package dev.softlabels.relabel;

import java.util.Locale;

/**
 * What a night did to an image it voted on. The codes are stable: they are written to the change
 * report.
 */
enum ImageChange {
  /** The store had no row for the image. */
  NEW,
  /** The image's hard label changed. */
  FLIPPED,
  /** More votes, same hard label. */
  UPDATED;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
