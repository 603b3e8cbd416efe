package dev.softlabels.spark;

import java.util.Map;
import org.apache.spark.sql.Observation;

/** Reading what a Spark {@link Observation} collected. */
public final class Observations {

  private Observations() {}

  /** The observed values by name, once an action has run over the observed rows (waits for it otherwise). */
  public static Map<String, Object> values(Observation observation, String what) {
    try {
      return observation.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }
}
