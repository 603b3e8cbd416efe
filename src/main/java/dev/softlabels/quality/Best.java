package dev.softlabels.quality;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The first {@code limit} of the values added, in {@code order}: what a report lists of an input of
 * any size. Sorted and cut whenever it doubles, and mergeable, so Spark tasks keep a bounded list
 * each and the driver merges them.
 */
public final class Best<T> implements Serializable {

  private static final long serialVersionUID = 1L;
  private final int limit;
  private final Comparator<T> order;
  private final List<T> rows = new ArrayList<>();
  private T last;

  /** {@code order} must be serializable: it travels with the list to the tasks. */
  public Best(int limit, Comparator<T> order) {
    this.limit = limit;
    this.order = order;
  }

  public void add(T row) {
    // Once a cut has filled the list, a value after its last cannot make the first {@code limit}:
    // most values of a large input stop at this one comparison.
    if (limit == 0 || (last != null && order.compare(row, last) >= 0)) {
      return;
    }
    rows.add(row);
    if (rows.size() >= 2 * limit + 16) {
      cut();
    }
  }

  public void merge(Best<T> other) {
    rows.addAll(other.rows);
    cut();
  }

  /** The first {@code limit}, in order. */
  public List<T> rows() {
    cut();
    return List.copyOf(rows);
  }

  private void cut() {
    rows.sort(order);
    if (rows.size() > limit) {
      rows.subList(limit, rows.size()).clear();
    }
    last = rows.size() == limit && limit > 0 ? rows.get(limit - 1) : null;
  }
}
