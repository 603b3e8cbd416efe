package dev.softlabels.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.sql.Dataset;
import org.apache.spark.storage.StorageLevel;

/**
 * The datasets a job persisted, released together when it closes (try-with-resources), so that no
 * exit, thrown or returned, leaves one cached in a session that outlives the job.
 */
final class PersistedDatasets implements AutoCloseable {

  private final Deque<Dataset<?>> persisted = new ArrayDeque<>();

  /** Persists {@code dataset} in memory, spilling to disk, until this closes. */
  public <T> Dataset<T> persist(Dataset<T> dataset) {
    Dataset<T> kept = dataset.persist(StorageLevel.MEMORY_AND_DISK());
    persisted.push(kept);
    return kept;
  }

  @Override
  public void close() {
    while (!persisted.isEmpty()) {
      persisted.pop().unpersist();
    }
  }
}
