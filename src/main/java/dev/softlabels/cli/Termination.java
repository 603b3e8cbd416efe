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
  private static volatile boolean finished;
  private static volatile boolean stopping;

  private Termination() {}

  static void install() {
    ShutdownHookManager.get().addShutdownHook(Termination::stopped, BEFORE_SPARK);
  }

  /** The command returned: the JVM is exiting on its own, not stopped. */
  static void finished() {
    finished = true;
  }

  /** True once a signal is stopping the JVM: failures from then on are its consequence, not news. */
  static boolean stopping() {
    return stopping;
  }

  private static void stopped() {
    if (finished) {
      return;
    }
    stopping = true;
    Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
    List<String> outputs = StagedOutput.abandonAll();
    System.err.println("softlabels: stopped by a signal" + (outputs.isEmpty() ? ""
        : "; not written, any previous output left as it was: " + String.join(", ", outputs)));
    System.err.flush();
  }
}
