package dev.softlabels.aggregate;

import dev.softlabels.labels.Agreement;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import dev.softlabels.quality.CrowdFigures;
import java.io.Serializable;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The label table's figures for summary.json, summed over label rows where they are made, so no job
 * reads the labels again: images, votes used, images whose votes tie or are unanimous, images whose
 * soft label (a posterior under an annotator model) ties or is certain, the entropy's sum, images
 * per annotation count, hard labels that differ from the votes' majority, and the votes' agreement.
 */
final class LabelStatistics implements Serializable {

  private static final long serialVersionUID = 1L;
  private long images;
  private long votes;
  private long ties;
  private long unanimous;
  private long softTies;
  private long softCertain;
  private double entropy;
  private long changedFromMajority;
  private final TreeMap<Integer, Long> histogram = new TreeMap<>();
  private final Agreement agreement;
  private final CrowdFigures crowd;

  /**
   * @param crowd the quality report's figures of the images, summed in the same pass; null without
   *     a report
   */
  LabelStatistics(int classes, CrowdFigures crowd) {
    agreement = Agreement.empty(classes);
    this.crowd = crowd;
  }

  /** Counts one label row. */
  public LabelStatistics add(LabelRow label) {
    int n = label.annotations();
    images++;
    votes += n;
    // Loops, not streams: this runs once per image, a million times for 10 M votes.
    int[] counts = label.counts();
    int top = 0;
    int atTop = 0;
    for (int count : counts) {
      if (count > top) {
        top = count;
        atTop = 1;
      } else if (count == top) {
        atTop++;
      }
    }
    ties += atTop > 1 ? 1 : 0;
    unanimous += n > 0 && top == n ? 1 : 0;
    softTies += label.isTie() ? 1 : 0;
    softCertain += label.agreement() == 1.0 ? 1 : 0;
    entropy += label.entropy();
    changedFromMajority += LabelMath.argmax(label.counts()) != label.hardLabel() ? 1 : 0;
    histogram.merge(n, 1L, Long::sum);
    agreement.add(label.counts());
    if (crowd != null) {
      crowd.add(label);
    }
    return this;
  }

  public LabelStatistics merge(LabelStatistics other) {
    images += other.images;
    votes += other.votes;
    ties += other.ties;
    unanimous += other.unanimous;
    softTies += other.softTies;
    softCertain += other.softCertain;
    entropy += other.entropy;
    changedFromMajority += other.changedFromMajority;
    other.histogram.forEach((n, count) -> histogram.merge(n, count, Long::sum));
    agreement.merge(other.agreement);
    if (crowd != null) {
      crowd.merge(other.crowd);
    }
    return this;
  }

  public long images() {
    return images;
  }

  public long votes() {
    return votes;
  }

  /** Images whose votes have two or more classes at the highest count. */
  public long ties() {
    return ties;
  }

  /** Images whose votes all name one class. */
  public long unanimous() {
    return unanimous;
  }

  /** Images whose soft label has two or more classes at its maximum. */
  public long softTies() {
    return softTies;
  }

  /** Images whose soft label puts all its mass on one class. */
  public long softCertain() {
    return softCertain;
  }

  public double meanEntropy() {
    return images == 0 ? 0.0 : entropy / images;
  }

  public long changedFromMajority() {
    return changedFromMajority;
  }

  /** The quality report's figures of the images; null without a report. */
  public CrowdFigures crowd() {
    return crowd;
  }

  /** How much the votes on the same image agree. */
  public Agreement agreement() {
    return agreement;
  }

  /** Images per annotation count. */
  public SortedMap<Integer, Long> histogram() {
    return new TreeMap<>(histogram);
  }
}
