/**
 * The command line: one picocli command per job ({@code aggregate}, {@code relabel}, {@code
 * generate}, {@code annotate}, {@code train}, {@code evaluate}, {@code embed}, {@code backbone},
 * {@code reproduce}, {@code to-csv}, {@code bench}), each a thin layer that parses flags into
 * configuration, validates everything before Spark starts, runs the job and maps user mistakes to
 * one line and an exit code.
 *
 * <p>Public: {@link dev.softlabels.cli.SoftLabels}, the main class, and {@link
 * dev.softlabels.cli.ConfigOptions}, the {@code --config}/{@code -D} options the benchmarks'
 * command line (src/bench) shares. Everything else is package-private: other packages never call
 * the command line.
 */
package dev.softlabels.cli;
