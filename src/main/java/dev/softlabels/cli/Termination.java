package dev.softlabels.cli;

import dev.softlabels.spark.StagedOutput;
import java.util.List;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * What a command does when it is stopped by a signal (SIGTERM from a scheduler, Ctrl-C): one line
 * saying which outputs were left unchanged, instead of the stack traces of every Spark thread whose
 * context is being stopped under it. The hook runs before Spark's own shutdown hooks (Hadoop's hook
 * manager runs higher priorities first; Spark's context hook has 40).
 */
final class Termination {

  private static final int BEFORE_SPARK = 60;

  /**
   * How long a signal that came after the outputs were committed waits for the command to return.
   */
  private static final long FINISHING_MILLIS = 5_000;

  private static volatile boolean finished;
  private static volatile int exitCode;
  private static volatile boolean stopping;

  private Termination() {}

  static void install() {
    ShutdownHookManager.get().addShutdownHook(Termination::stopped, BEFORE_SPARK);
  }

  /** The command returned: the JVM is exiting on its own, not stopped. */
  static void finished(int code) {
    exitCode = code;
    finished = true;
  }

  /**
   * True once a signal is stopping the JVM: failures from then on are its consequence, not news.
   */
  static boolean stopping() {
    return stopping;
  }

  /** How long a log line already on its way is given to be written. */
  private static final long SETTLE_MILLIS = 100;

  private static void settle() {
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the command returns within {@link #FINISHING_MILLIS}. */
  private static boolean finishes() {
    long deadline = System.currentTimeMillis() + FINISHING_MILLIS;
    while (!finished && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return finished;
  }

  private static void stopped() {
    if (finished) {
      return;
    }
    List<String> written = StagedOutput.writtenAndNoneOpen();
    if (!written.isEmpty() && finishes()) {
      // The signal came after the commit, while the command was saying so: its outputs are
      // complete, and
      // a scheduler told 143 would run it again (and be refused: the output exists).
      System.err.println(
          "softlabels: a signal arrived after the command had written "
              + String.join(", ", written)
              + "; it finished");
      System.err.flush();
      Runtime.getRuntime().halt(exitCode);
    }
    stopping = true;
    Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
    // A line the command was logging as the signal came (past its level check already) is written
    // in the next moments: a job on the driver logs its phases a few milliseconds apart, and this
    // line must be the last.
    settle();
    List<String> outputs = StagedOutput.abandonAll();
    System.err.println(
        "softlabels: stopped by a signal"
            + (outputs.isEmpty()
                ? ""
                : "; not written, any previous output left as it was: "
                    + String.join(", ", outputs)));
    System.err.flush();
  }
}
