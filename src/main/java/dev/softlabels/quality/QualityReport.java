package dev.softlabels.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.config.Json;
import dev.softlabels.labels.Agreement;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The figures of one label-quality report (report.json beside report.html): every list is bounded
 * by a setting, not by the input, so the report reads the same at 100 images and at 100,000.
 *
 * @param title what the report is of: the input of an aggregate run, or a relabel night
 * @param classes the class names, in index order: every per-class array follows it
 * @param method the aggregation method whose labels are the consensus
 * @param annotators null where the votes' annotators are not at hand
 * @param diagnostics null for the majority vote, which fits nothing
 * @param night null for an aggregate run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QualityReport(
    @JsonProperty("title") String title,
    @JsonProperty("classes") List<String> classes,
    @JsonProperty("method") String method,
    @JsonProperty("rows") Rows rows,
    @JsonProperty("crowd") Crowd crowd,
    @JsonProperty("agreement") Agreement.Figures agreement,
    @JsonProperty("annotators") Annotators annotators,
    @JsonProperty("method_diagnostics") Diagnostics diagnostics,
    @JsonProperty("ambiguous") List<Item> ambiguous,
    @JsonProperty("contested") List<Item> contested,
    @JsonProperty("night") NightPart night) {

  public String toJson() {
    return Json.write(this);
  }

  public static QualityReport fromJson(String json) {
    return Json.read(json, QualityReport.class);
  }

  /** Rows read = used + quarantined; quarantined is the sum over reasons. */
  public record Rows(
      @JsonProperty("read") long read,
      @JsonProperty("used") long used,
      @JsonProperty("quarantined") long quarantined,
      @JsonProperty("quarantined_by_reason") SortedMap<String, Long> quarantinedByReason) {}

  /**
   * The images at a glance.
   *
   * @param votesPerImage images per number of votes
   * @param agreementHistogram images by the share of their votes for the top class, in tenths: bin
   *     b holds shares in [b/10, (b+1)/10), the last one 1.0 too
   * @param entropyHistogram images by the normalised entropy of their soft label, in tenths
   * @param ties images whose votes have two or more classes at the highest count
   * @param votesByClass each class's votes
   * @param labelsByClass each class's hard labels by the method
   */
  public record Crowd(
      @JsonProperty("images") long images,
      @JsonProperty("votes_per_image") SortedMap<Integer, Long> votesPerImage,
      @JsonProperty("agreement_histogram") long[] agreementHistogram,
      @JsonProperty("entropy_histogram") long[] entropyHistogram,
      @JsonProperty("ties") long ties,
      @JsonProperty("votes_by_class") long[] votesByClass,
      @JsonProperty("labels_by_class") long[] labelsByClass) {}

  /**
   * The annotators: how many, how many of them each flag marks, and those the page lists (every
   * flagged one first, then by votes, up to a setting).
   *
   * @param rules each flag's rule, as the page states it
   */
  public record Annotators(
      @JsonProperty("count") long count,
      @JsonProperty("flagged") Map<String, Long> flagged,
      @JsonProperty("rules") Map<String, String> rules,
      @JsonProperty("shown") List<AnnotatorQuality> shown) {}

  /**
   * A truth-inference method's own figures.
   *
   * @param changedFromMajority images whose hard label is not their majority vote
   * @param changed some of them (a setting's worth)
   */
  public record Diagnostics(
      @JsonProperty("iterations") int iterations,
      @JsonProperty("converged") boolean converged,
      @JsonProperty("log_likelihoods") List<Double> logLikelihoods,
      @JsonProperty("warnings") List<String> warnings,
      @JsonProperty("changed_from_majority") long changedFromMajority,
      @JsonProperty("changed") List<Item> changed) {}

  /**
   * One image as the page shows it.
   *
   * @param counts votes per class
   * @param soft the soft label (vote fractions or the method's posterior)
   * @param label the hard label's name
   * @param majority the majority vote's class name (differs from label where a method changed it)
   * @param entropy the soft label's normalised entropy
   */
  public record Item(
      @JsonProperty("image_id") String image,
      @JsonProperty("counts") int[] counts,
      @JsonProperty("soft") double[] soft,
      @JsonProperty("label") String label,
      @JsonProperty("majority") String majority,
      @JsonProperty("entropy") double entropy) {}

  /**
   * A relabel night's part: what the night changed, the trend over the nights so far (this one
   * last), and the top of needs-annotations.
   *
   * @param flips the largest flips: image_id, from, to, shift_kl
   * @param shifts the largest shifts: image_id, shift_kl, from_n, to_n
   * @param needsAnnotations the top of the ranking, its columns by name
   */
  public record NightPart(
      @JsonProperty("date") String date,
      @JsonProperty("images_touched") long imagesTouched,
      @JsonProperty("new_images") long newImages,
      @JsonProperty("flipped_images") long flippedImages,
      @JsonProperty("flips") List<Map<String, Object>> flips,
      @JsonProperty("shifts") List<Map<String, Object>> shifts,
      @JsonProperty("needs_annotations") List<Map<String, Object>> needsAnnotations,
      @JsonProperty("trend") List<TrendPoint> trend) {}

  /**
   * The store after one night. Figures a night written before stores kept them lacks are null.
   *
   * @param images the store's images after the night
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record TrendPoint(
      @JsonProperty("date") String date,
      @JsonProperty("images") Long images,
      @JsonProperty("images_touched") long imagesTouched,
      @JsonProperty("flipped_images") long flippedImages,
      @JsonProperty("krippendorff_alpha") Double krippendorffAlpha,
      @JsonProperty("fleiss_kappa") Double fleissKappa,
      @JsonProperty("pair_agreement") Double pairAgreement) {}
}
