package dev.softlabels.spark;

/**
 * Named steps of the commits (an output's swap, a night's, a compaction's) where the data-safety
 * tests stop the process dead, as {@code kill -9} would at exactly that step: random kill delays
 * hit the few-millisecond windows between two renames almost never. {@code
 * SOFTLABELS_CRASH_AT=STEP} in the environment halts the JVM (exit 137, no shutdown hooks) when the
 * run reaches {@code STEP}; {@code STEP/TERM} sends it SIGTERM there instead (a scheduler stopping
 * it at that moment) and goes on half a second later. Unset, a step costs one comparison.
 */
public final class CrashPoints {

  /** Halted at a crash point: the status a process killed by SIGKILL has. */
  public static final int KILLED = 137;

  private static final String AT = System.getenv("SOFTLABELS_CRASH_AT");
  private static final String TERMINATED = "/TERM";

  /** How long a step that raised SIGTERM waits for its handler to start before going on. */
  private static final long HANDLER_MILLIS = 500;

  private CrashPoints() {}

  public static void reached(String step) {
    if (step.equals(AT)) {
      System.err.println("softlabels: halted at crash point " + step);
      System.err.flush();
      Runtime.getRuntime().halt(KILLED);
    } else if ((step + TERMINATED).equals(AT)) {
      sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
      // The signal is handled on a thread of its own: a run on the driver alone would otherwise
      // often have returned before the handler starts, and the step's moment would be missed.
      try {
        Thread.sleep(HANDLER_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
