package dev.softlabels.annotations;

import java.util.Locale;

/**
 * Why an annotation row was not used. Checked in this order; a row gets the first that applies. The
 * codes are stable: they are written to quarantine/ and summary.json.
 */
public enum QuarantineReason {
  /**
   * The record could not be parsed: a number of fields other than the header's, text after a
   * closing quote, a quote never closed, a record over the reader's size limit, broken JSON.
   */
  UNPARSABLE_ROW,
  /**
   * A tool's export says the annotator gave no answer: a Label Studio annotation cancelled
   * (skipped), a Toloka assignment SKIPPED or EXPIRED.
   */
  SKIPPED_BY_ANNOTATOR,
  /**
   * A tool's export says the requester rejected the work: an MTurk assignment Rejected, a Toloka
   * assignment REJECTED. Its answer may be filled in, but the requester judged it not fit to use.
   */
  REJECTED_BY_REQUESTER,
  /**
   * Image id, annotator id or label holds bytes the encoding (softlabels.annotations.csv.encoding)
   * cannot decode, or U+FFFD, the mark such bytes leave when an earlier step decoded them: ids that
   * differed in those bytes would otherwise become one.
   */
  UNDECODABLE_TEXT,
  /** Image id null or blank. */
  MISSING_IMAGE_ID,
  /** Annotator id null or blank. */
  MISSING_ANNOTATOR_ID,
  /** Label null or blank. */
  MISSING_LABEL,
  /** Label names no class of softlabels.classes (or an index outside it). */
  UNKNOWN_CLASS,
  /**
   * A second or later usable vote of the same annotator on the same image; the first one counts.
   */
  DUPLICATE_VOTE;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
