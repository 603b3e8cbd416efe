package dev.softlabels.relabel;

import static dev.softlabels.labels.LabelColumns.HARD_LABEL_NAME;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.N_ANNOTATIONS;

import dev.softlabels.labels.Agreement;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import dev.softlabels.quality.Best;
import dev.softlabels.quality.CrowdFigures;
import dev.softlabels.spark.internal.InternalRows;
import dev.softlabels.spark.internal.RowView;
import dev.softlabels.votes.VoteTally;
import java.io.Serializable;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * What a night's ledger entry, summary and ranking take from its table ({@link
 * TouchedImages#NIGHT}), from one Spark job over it: the rows used and rejected by reason; the
 * images touched, new and flipped; the largest shifts and flips; the touched images' best ranks and
 * which of them the kept ranking lists. Every list is bounded by a setting, not by the night.
 */
final class NightFigures implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int IMAGE_FIELD = TouchedImages.SCHEMA.fieldIndex(IMAGE);
  private static final int CHANGE_FIELD = TouchedImages.SCHEMA.fieldIndex(TouchedImages.CHANGE);
  private static final int SHIFT_FIELD = TouchedImages.SCHEMA.fieldIndex(TouchedImages.SHIFT_KL);
  private static final int COUNTS_FIELD = TouchedImages.SCHEMA.fieldIndex(LabelColumns.COUNTS);
  private static final int PREVIOUS_N_FIELD =
      TouchedImages.SCHEMA.fieldIndex(TouchedImages.PREVIOUS + N_ANNOTATIONS);
  private static final int PREVIOUS_SOFT_FIELD =
      TouchedImages.SCHEMA.fieldIndex(TouchedImages.PREVIOUS + LabelColumns.SOFT_LABEL);

  /** Largest shift first, then image id. */
  private static final Comparator<RowView> BY_SHIFT =
      (Comparator<RowView> & Serializable)
          (a, b) -> {
            int shift = Double.compare(b.getDouble(SHIFT_FIELD), a.getDouble(SHIFT_FIELD));
            return shift != 0 ? shift : a.compareText(IMAGE_FIELD, b);
          };

  private final Broadcast<Set<String>> kept;
  private final Best<RowView> flips;
  private final Best<RowView> shifts;
  private final Best<Row> ranked;
  private final Set<String> keptTouched = new HashSet<>();
  private final VoteTally.Sums sums = new VoteTally.Sums();
  private final ClassList classes;
  private final Agreement agreementChange;
  private final CrowdFigures crowd;
  private long images;
  private long newImages;
  private long flipped;

  private NightFigures(
      Broadcast<Set<String>> kept, int examples, int depth, ClassList classes, int listed) {
    this.kept = kept;
    this.classes = classes;
    this.agreementChange = Agreement.empty(classes.size());
    this.crowd = new CrowdFigures(classes.size(), listed);
    this.flips = new Best<>(examples, BY_SHIFT);
    this.shifts = new Best<>(examples, BY_SHIFT);
    this.ranked = new Best<>(depth, NeedsRanking.RANK);
  }

  /**
   * @param kept the image ids on the previous night's kept ranking
   * @param examples how many flips and shifts the summary shows
   * @param depth how many of the touched images' best ranks the ranking needs
   * @param listed how many images the quality report's lists keep
   */
  static NightFigures of(
      Dataset<Row> night,
      Set<String> kept,
      int examples,
      int depth,
      ClassList classes,
      int listed) {
    Broadcast<Set<String>> ids =
        JavaSparkContext.fromSparkContext(night.sparkSession().sparkContext()).broadcast(kept);
    try {
      return InternalRows.aggregate(
          night,
          new NightFigures(ids, examples, depth, classes, listed),
          NightFigures::add,
          NightFigures::merge);
    } finally {
      ids.destroy();
    }
  }

  /** Rows used and rejected by reason: rows read = used + quarantined. */
  VoteTally.Counts counts() {
    return sums.counts();
  }

  long images() {
    return images;
  }

  long newImages() {
    return newImages;
  }

  long flipped() {
    return flipped;
  }

  /**
   * How the store's agreement statistics change: the touched images' new counts in, their earlier
   * counts out.
   */
  Agreement agreementChange() {
    return agreementChange;
  }

  /** The touched images' figures, as they are after the night. */
  CrowdFigures crowd() {
    return crowd;
  }

  /** The touched images among the kept ranking's, and the touched images' best ranks. */
  NeedsRanking.Touched ranking() {
    return new NeedsRanking.Touched(keptTouched, ranked.rows());
  }

  /** The largest flips, largest first: image, from, to, shift_kl. */
  List<Map<String, Object>> flips() {
    return flips.rows().stream()
        .map(
            row ->
                entry(row, "from", TouchedImages.PREVIOUS + HARD_LABEL_NAME, "to", HARD_LABEL_NAME))
        .toList();
  }

  /** The largest shifts of images the store had, largest first: image, shift_kl, from_n, to_n. */
  List<Map<String, Object>> shifts() {
    return shifts.rows().stream()
        .map(
            row ->
                entry(row, "from_n", TouchedImages.PREVIOUS + N_ANNOTATIONS, "to_n", N_ANNOTATIONS))
        .toList();
  }

  private static Map<String, Object> entry(
      RowView row, String from, String fromField, String to, String toField) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put(IMAGE, row.getString(IMAGE_FIELD));
    entry.put(from, value(row, TouchedImages.SCHEMA.fieldIndex(fromField)));
    entry.put(to, value(row, TouchedImages.SCHEMA.fieldIndex(toField)));
    entry.put(TouchedImages.SHIFT_KL, row.getDouble(SHIFT_FIELD));
    return entry;
  }

  /** A label name or an annotation count as Java gives it. */
  private static Object value(RowView row, int field) {
    return TouchedImages.SCHEMA.fields()[field].dataType() == DataTypes.StringType
        ? row.getString(field)
        : row.getInt(field);
  }

  private NightFigures add(RowView row) {
    if (TouchedImages.isRejected(row)) {
      sums.rejected(TouchedImages.reason(row));
      return this;
    }
    sums.used(TouchedImages.nightVotes(row));
    images++;
    int[] counts = row.getIntArray(COUNTS_FIELD);
    String image = row.getString(IMAGE_FIELD);
    agreementChange.add(counts);
    crowd.add(LabelRow.of(image, counts, LabelMath.soft(counts), classes));
    if (!row.isNullAt(PREVIOUS_N_FIELD)) {
      agreementChange.remove(previousCounts(row));
    }
    String change = row.getString(CHANGE_FIELD);
    if (change.equals(ImageChange.NEW.code())) {
      newImages++;
    } else {
      // The row is a reused buffer of the cached table: what is kept is a copy.
      if (change.equals(ImageChange.FLIPPED.code())) {
        flipped++;
        flips.add(row.copy());
      }
      shifts.add(row.copy());
    }
    ranked.add(NeedsRanking.entry(row));
    if (kept.value().contains(image)) {
      keptTouched.add(image);
    }
    return this;
  }

  private NightFigures merge(NightFigures other) {
    sums.merge(other.sums);
    images += other.images;
    newImages += other.newImages;
    flipped += other.flipped;
    flips.merge(other.flips);
    shifts.merge(other.shifts);
    ranked.merge(other.ranked);
    keptTouched.addAll(other.keptTouched);
    agreementChange.merge(other.agreementChange);
    crowd.merge(other.crowd);
    return this;
  }

  /** The image's counts before the night: its earlier vote fractions times its earlier votes. */
  private static int[] previousCounts(RowView row) {
    double[] soft = row.getDoubleArray(PREVIOUS_SOFT_FIELD);
    int votes = row.getInt(PREVIOUS_N_FIELD);
    int[] counts = new int[soft.length];
    for (int c = 0; c < soft.length; c++) {
      counts[c] = (int) Math.round(soft[c] * votes);
    }
    return counts;
  }
}
