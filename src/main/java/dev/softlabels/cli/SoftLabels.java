package dev.softlabels.cli;

import com.typesafe.config.ConfigException;
import dev.softlabels.config.DataRejected;
import dev.softlabels.config.UserError;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** The softlabels command line: one subcommand per job. */
@Command(
    name = "softlabels",
    mixinStandardHelpOptions = true,
    description = "Crowdsourced annotations to label distributions, on Apache Spark.",
    subcommands = {
      AggregateCommand.class,
      GenerateCommand.class,
      AnnotateCommand.class,
      TrainCommand.class,
      BackboneCommand.class,
      EvaluateCommand.class,
      EmbedCommand.class,
      ReproduceCommand.class,
      RelabelCommand.class,
      ToCsvCommand.class,
      BenchStubCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Run 'softlabels COMMAND --help' for a command's options."})
public final class SoftLabels implements Callable<Integer> {

  /** Exit code for user mistakes (bad option, missing path, bad configuration). */
  public static final int USER_ERROR = 2;

  /** Exit code after a stop by a signal (the JVM's own for SIGTERM, 128 + 15). */
  static final int STOPPED = 143;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  static final int HELP_WIDTH = 110;

  public static void main(String[] args) {
    exit(commandLine(), args);
  }

  /**
   * Runs {@code args} on {@code commandLine} (one of this class's) and exits the JVM with its code:
   * the product's main and the benchmarks' share what a signal does and how a run ends.
   */
  public static void exit(CommandLine commandLine, String[] args) {
    Termination.install();
    int exitCode = 1;
    try {
      exitCode = commandLine.execute(args);
    } finally {
      // Also when an Error escapes: the JVM then exits on its own, and that is not a stop by a
      // signal.
      Termination.finished(exitCode);
    }
    System.exit(exitCode);
  }

  public static CommandLine commandLine() {
    return configured(new CommandLine(new SoftLabels()));
  }

  /**
   * The command line with {@code benchCommand} in place of the bench stub: the entry point of the
   * benchmarks, which live outside this jar (src/bench; bin/softlabels bench runs them).
   */
  public static CommandLine commandLine(Object benchCommand) {
    CommandLine commandLine = new CommandLine(new SoftLabels());
    CommandLine bench = new CommandLine(benchCommand);
    commandLine.getCommandSpec().removeSubcommand(bench.getCommandName());
    commandLine.addSubcommand(bench);
    return configured(commandLine);
  }

  private static CommandLine configured(CommandLine commandLine) {
    // Descriptions are written as lines of up to 100 characters; the default 80 would rewrap them.
    commandLine
        .setUsageHelpWidth(HELP_WIDTH)
        .setParameterExceptionHandler(SoftLabels::badParameters)
        .setExecutionExceptionHandler(SoftLabels::failed);
    withProjectVersion(commandLine);
    return commandLine;
  }

  /**
   * Every command's --version (mixinStandardHelpOptions) prints the project version; picocli gives
   * a subcommand no version of its own, and inheriting the top command's attributes would copy its
   * footer too.
   */
  private static void withProjectVersion(CommandLine command) {
    command.getCommandSpec().versionProvider(new ProjectVersion());
    command.getSubcommands().values().forEach(SoftLabels::withProjectVersion);
  }

  private static int badParameters(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    String hint =
        e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()
            ? "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?"
            : "";
    command.getErr().println(name + ": " + e.getMessage() + hint + " (see '" + name + " --help')");
    return USER_ERROR;
  }

  private static int failed(Exception e, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    if (Termination.stopping()) {
      return STOPPED;
    }
    String name = command.getCommandSpec().qualifiedName();
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof UserError || cause instanceof ConfigException) {
        err.println(name + ": error: " + cause.getMessage());
        return USER_ERROR;
      }
      if (cause instanceof DataRejected) {
        err.println(name + ": error: " + cause.getMessage());
        return DataRejected.EXIT_CODE;
      }
    }
    err.println(name + ": failed: " + e);
    e.printStackTrace(err);
    return 1;
  }
}
