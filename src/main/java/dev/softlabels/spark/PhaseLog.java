package dev.softlabels.spark;

import java.util.Locale;
import org.slf4j.Logger;

/**
 * One log line per phase of a job, with the phase's seconds and the job's so far: where the time
 * went.
 */
public final class PhaseLog {

  private final Logger log;
  private final String job;
  private final long started;
  private long last;

  public PhaseLog(Logger log, String job, long started) {
    this.log = log;
    this.job = job;
    this.started = started;
    this.last = started;
  }

  /** Logs that {@code phase} (a format with {@code arguments}) has just finished. */
  public void done(String phase, Object... arguments) {
    long now = System.nanoTime();
    log.info(
        String.format(
            Locale.ROOT,
            "%s: %s: %.2f s (%.1f s in all)",
            job,
            String.format(Locale.ROOT, phase, arguments),
            (now - last) / 1e9,
            (now - started) / 1e9));
    last = now;
  }

  /** Seconds since the job started. */
  public double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
