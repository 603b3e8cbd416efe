package dev.softlabels.aggregate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.config.Json;
import dev.softlabels.labels.Agreement;
import dev.softlabels.votes.RejectionHints;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

/**
 * What an aggregate run did: written as summary.json beside labels/ and quarantine/. Invariant:
 * rowsRead = rowsUsed + rowsQuarantined, and rowsQuarantined is the sum over reasons.
 * unknownLabels: the most frequent labels quarantined as unknown_class, with their rows, most first
 * (a few at most). agreement: how much the votes on the same image agree ({@link Agreement}:
 * Krippendorff's alpha, Fleiss' kappa, per class), whatever the method.
 */
public record AggregateSummary(
    @JsonProperty("input") String input,
    @JsonProperty("output") String output,
    @JsonProperty("classes") List<String> classes,
    @JsonProperty("classes_from") String classesFrom,
    @JsonProperty("method") String method,
    @JsonProperty("rows_read") long rowsRead,
    @JsonProperty("rows_used") long rowsUsed,
    @JsonProperty("rows_quarantined") long rowsQuarantined,
    @JsonProperty("quarantined_by_reason") SortedMap<String, Long> quarantinedByReason,
    @JsonProperty("unknown_labels") List<RejectionHints.LabelCount> unknownLabels,
    @JsonProperty("images") long images,
    @JsonProperty("ties") long ties,
    @JsonProperty("unanimous") long unanimous,
    @JsonProperty("mean_entropy") double meanEntropy,
    @JsonProperty("annotations_per_image") SortedMap<Integer, Long> annotationsPerImage,
    @JsonProperty("agreement") Agreement.Figures agreement,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("em") @JsonInclude(JsonInclude.Include.NON_NULL) EmSummary em) {

  /**
   * How the fit of a method's model went (every method but the majority vote).
   *
   * @param iterations EM iterations after the first pass (0 for Wawa)
   * @param logLikelihoods the log-likelihood entering each iteration (none for Wawa, which does not
   *     iterate)
   * @param firstPassSeconds the pass that starts EM from the vote fractions: a majority vote's pass
   *     over the cached votes, the yardstick of an iteration
   * @param hardLabelsChanged images whose hard label differs from their majority vote
   * @param tiedPosteriors images whose posterior has two or more classes at its maximum
   * @param certainPosteriors images whose posterior puts all its mass on one class
   * @param classPrior how the class prior was set (learned, uniform, given); null for Wawa, which
   *     has none
   * @param voteShares each class's share of the votes (the mean vote fractions)
   * @param fittedShares each class's share of the fitted posteriors
   * @param warnings the {@link FitCheck}'s signs of a degenerate fit; empty for a sound one
   */
  public record EmSummary(
      @JsonProperty("iterations") int iterations,
      @JsonProperty("converged") boolean converged,
      @JsonProperty("log_likelihoods") List<Double> logLikelihoods,
      @JsonProperty("seconds_per_iteration") double secondsPerIteration,
      @JsonProperty("first_pass_seconds") double firstPassSeconds,
      @JsonProperty("annotators") int annotators,
      @JsonProperty("hard_labels_changed") long hardLabelsChanged,
      @JsonProperty("tied_posteriors") long tiedPosteriors,
      @JsonProperty("certain_posteriors") long certainPosteriors,
      @JsonProperty("class_prior") @JsonInclude(JsonInclude.Include.NON_NULL) String classPrior,
      @JsonProperty("vote_shares") List<Double> voteShares,
      @JsonProperty("fitted_shares") List<Double> fittedShares,
      @JsonProperty("warnings") List<String> warnings) {}

  public String toJson() {
    return Json.write(this);
  }

  public static AggregateSummary fromJson(String json) {
    return Json.read(json, AggregateSummary.class);
  }

  /** The one-line console summary. */
  public String line() {
    return String.format(
        Locale.ROOT,
        "aggregate: %,d rows read, %,d used, %,d quarantined%s; %,d images, %,d ties, %,d unanimous, "
            + "mean entropy %.4f, Krippendorff's alpha %s%s; %s; %.1f s -> %s",
        rowsRead,
        rowsUsed,
        rowsQuarantined,
        reasonsText(),
        images,
        ties,
        unanimous,
        meanEntropy,
        agreement == null || agreement.krippendorffAlpha() == null
            ? "undefined"
            : String.format(Locale.ROOT, "%.3f", agreement.krippendorffAlpha()),
        emText(),
        "classes " + classes + " (" + classesFrom + ")",
        seconds,
        output);
  }

  private String emText() {
    if (em == null) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "; %s: %s after %d iterations (%.2f s each)%s, %,d annotators, "
            + "%,d hard labels differ from the majority vote, posteriors: %,d tied, %,d certain%s",
        method,
        em.converged() ? "converged" : "NOT converged",
        em.iterations(),
        em.secondsPerIteration(),
        em.classPrior() == null ? "" : ", class prior " + em.classPrior(),
        em.annotators(),
        em.hardLabelsChanged(),
        em.tiedPosteriors(),
        em.certainPosteriors(),
        em.warnings().isEmpty()
            ? ""
            : "; WARNING, the fit may be degenerate: " + String.join("; ", em.warnings()));
  }

  private String reasonsText() {
    StringBuilder text = new StringBuilder();
    quarantinedByReason.forEach(
        (reason, n) -> {
          if (n > 0) {
            text.append(text.length() == 0 ? " (" : ", ")
                .append(reason)
                .append(' ')
                .append(String.format(Locale.ROOT, "%,d", n));
            if (reason.equals(QuarantineReason.UNKNOWN_CLASS.code())
                && unknownLabels != null
                && !unknownLabels.isEmpty()) {
              text.append(": ")
                  .append(RejectionHints.text(unknownLabels))
                  .append(
                      n > unknownLabels.stream().mapToLong(RejectionHints.LabelCount::rows).sum()
                          ? ", ..."
                          : "");
            }
          }
        });
    return text.length() == 0 ? "" : text.append(')').toString();
  }
}
