package dev.softlabels.quality;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The images' part of a quality report, summed label row by label row where a job already walks
 * them and merged across tasks: the histograms, class shares, ties, and the few images the page
 * lists (most ambiguous, most contested, changed from the majority vote). Its size is set by the
 * classes and the listed counts, not by the images.
 */
public final class CrowdFigures implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int BINS = 10;

  /** Highest soft-label entropy first, then image id. */
  private static final Comparator<LabelRow> MOST_AMBIGUOUS =
      (Comparator<LabelRow> & Serializable)
          (a, b) -> {
            int entropy = Double.compare(b.entropy(), a.entropy());
            return entropy != 0 ? entropy : a.image().compareTo(b.image());
          };

  /**
   * Closest vote first (the smallest lead of the top class over the next, as a share of the votes),
   * then more votes, then image id.
   */
  private static final Comparator<LabelRow> MOST_CONTESTED =
      (Comparator<LabelRow> & Serializable)
          (a, b) -> {
            int lead = Double.compare(lead(a.counts()), lead(b.counts()));
            if (lead != 0) {
              return lead;
            }
            int votes = Integer.compare(votes(b.counts()), votes(a.counts()));
            return votes != 0 ? votes : a.image().compareTo(b.image());
          };

  private static final Comparator<LabelRow> BY_IMAGE =
      (Comparator<LabelRow> & Serializable) (a, b) -> a.image().compareTo(b.image());

  private final long[] agreementHistogram = new long[BINS];
  private final long[] entropyHistogram = new long[BINS];
  private final long[] votesByClass;
  private final long[] labelsByClass;
  private final TreeMap<Integer, Long> votesPerImage = new TreeMap<>();
  private final Best<LabelRow> ambiguous;
  private final Best<LabelRow> contested;
  private final Best<LabelRow> changed;
  private long images;
  private long ties;
  private long changedFromMajority;

  /**
   * @param listed how many images each list keeps
   */
  public CrowdFigures(int classes, int listed) {
    votesByClass = new long[classes];
    labelsByClass = new long[classes];
    ambiguous = new Best<>(listed, MOST_AMBIGUOUS);
    contested = new Best<>(listed, MOST_CONTESTED);
    changed = new Best<>(listed, BY_IMAGE);
  }

  /** Counts one image's label row: plain loops, as it runs once per image of the input. */
  public CrowdFigures add(LabelRow label) {
    int[] counts = label.counts();
    int votes = 0;
    int top = 0;
    int majority = 0;
    boolean tie = false;
    for (int c = 0; c < counts.length; c++) {
      int n = counts[c];
      votes += n;
      votesByClass[c] += n;
      if (n > top) {
        top = n;
        majority = c;
        tie = false;
      } else if (n == top && n > 0) {
        tie = true;
      }
    }
    images++;
    votesPerImage.merge(votes, 1L, Long::sum);
    if (votes > 0) {
      agreementHistogram[bin((double) top / votes)]++;
      ties += tie ? 1 : 0;
    }
    entropyHistogram[bin(label.entropy())]++;
    labelsByClass[label.hardLabel()]++;
    ambiguous.add(label);
    if (votes >= 2) {
      contested.add(label);
    }
    if (votes > 0 && majority != label.hardLabel()) {
      changedFromMajority++;
      changed.add(label);
    }
    return this;
  }

  public CrowdFigures merge(CrowdFigures other) {
    images += other.images;
    ties += other.ties;
    changedFromMajority += other.changedFromMajority;
    other.votesPerImage.forEach((n, count) -> votesPerImage.merge(n, count, Long::sum));
    for (int b = 0; b < BINS; b++) {
      agreementHistogram[b] += other.agreementHistogram[b];
      entropyHistogram[b] += other.entropyHistogram[b];
    }
    for (int c = 0; c < votesByClass.length; c++) {
      votesByClass[c] += other.votesByClass[c];
      labelsByClass[c] += other.labelsByClass[c];
    }
    ambiguous.merge(other.ambiguous);
    contested.merge(other.contested);
    changed.merge(other.changed);
    return this;
  }

  public QualityReport.Crowd crowd() {
    return new QualityReport.Crowd(
        images,
        new TreeMap<>(votesPerImage),
        agreementHistogram.clone(),
        entropyHistogram.clone(),
        ties,
        votesByClass.clone(),
        labelsByClass.clone());
  }

  public List<QualityReport.Item> ambiguous(ClassList classes) {
    return items(ambiguous, classes);
  }

  public List<QualityReport.Item> contested(ClassList classes) {
    return items(contested, classes);
  }

  /** Images whose hard label is not their majority vote (a method's doing). */
  public long changedFromMajority() {
    return changedFromMajority;
  }

  public List<QualityReport.Item> changed(ClassList classes) {
    return items(changed, classes);
  }

  private static List<QualityReport.Item> items(Best<LabelRow> rows, ClassList classes) {
    return rows.rows().stream()
        .map(
            row ->
                new QualityReport.Item(
                    row.image(),
                    row.counts(),
                    row.soft(),
                    row.hardLabelName(),
                    row.annotations() == 0 ? null : classes.name(LabelMath.argmax(row.counts())),
                    row.entropy()))
        .toList();
  }

  /** Tenths, the last bin holding 1.0 as well. */
  private static int bin(double share) {
    return Math.min(BINS - 1, Math.max(0, (int) Math.floor(share * BINS)));
  }

  private static int votes(int[] counts) {
    int votes = 0;
    for (int n : counts) {
      votes += n;
    }
    return votes;
  }

  /** The top class's lead over the next as a share of the votes: 0 for a tie. */
  private static double lead(int[] counts) {
    int first = 0;
    int second = 0;
    int votes = 0;
    for (int n : counts) {
      votes += n;
      if (n > first) {
        second = first;
        first = n;
      } else if (n > second) {
        second = n;
      }
    }
    return counts.length < 2 || votes == 0 ? 1 : (double) (first - second) / votes;
  }
}
