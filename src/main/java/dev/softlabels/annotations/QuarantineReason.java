package dev.softlabels.annotations;

import java.util.Locale;

/**
 * Why an annotation row was not used. Checked in this order; a row gets the first that applies.
 * The codes are stable: they are written to quarantine/ and summary.json.
 */
public enum QuarantineReason {
  /** The line could not be parsed (wrong number of fields, broken JSON). */
  UNPARSABLE_ROW,
  /** Image id null or blank. */
  MISSING_IMAGE_ID,
  /** Annotator id null or blank. */
  MISSING_ANNOTATOR_ID,
  /** Label null or blank. */
  MISSING_LABEL,
  /** Label names no class of softlabels.classes (or an index outside it). */
  UNKNOWN_CLASS,
  /** A second or later usable vote of the same annotator on the same image; the first one counts. */
  DUPLICATE_VOTE;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
