package dev.softlabels.relabel;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.labels.Agreement;
import java.time.LocalDate;

/**
 * One applied night in the label store's ledger. Written as the Delta commit's user metadata, so
 * the ledger entry and the labels it describes are one atomic commit; {@code version} and {@code
 * committedAt} come from the table history when the ledger is read. {@code agreement}: the store's
 * after the night (its statistics too, which the next night updates); null in nights written before
 * stores kept it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Night(
    @JsonProperty("date") String date,
    @JsonProperty("batch") String batch,
    @JsonProperty("rows_read") long rowsRead,
    @JsonProperty("rows_used") long rowsUsed,
    @JsonProperty("rows_quarantined") long rowsQuarantined,
    @JsonProperty("images_touched") long imagesTouched,
    @JsonProperty("new_images") long newImages,
    @JsonProperty("flipped_images") long flippedImages,
    @JsonProperty("agreement") Agreement.Figures agreement,
    @JsonProperty("version") Long version,
    @JsonProperty("committed_at") String committedAt) {

  /**
   * The night's date as a date: the ledger keeps it as text, the form Delta's user metadata holds.
   */
  public LocalDate day() {
    return LocalDate.parse(date);
  }

  Night committed(long version, String committedAt) {
    return new Night(
        date,
        batch,
        rowsRead,
        rowsUsed,
        rowsQuarantined,
        imagesTouched,
        newImages,
        flippedImages,
        agreement,
        version,
        committedAt);
  }
}
