/**
 * Spark support every job shares: the session and its settings ({@link
 * dev.softlabels.spark.Sessions}), paths on any Hadoop file system ({@link
 * dev.softlabels.spark.HadoopPaths}, {@link dev.softlabels.spark.PathOverlap}), the journalled
 * commit of a job's outputs ({@link dev.softlabels.spark.StagedOutput}, {@link
 * dev.softlabels.spark.OutputFiles}, {@link dev.softlabels.spark.WriterLock}, {@link
 * dev.softlabels.spark.CrashPoints} for the tests that stop a commit at each step), progress and
 * phase logging ({@link dev.softlabels.spark.ProgressReporter}, {@link
 * dev.softlabels.spark.PhaseLog}), CSV export ({@link dev.softlabels.spark.CsvExport}) and the
 * Hadoop configuration shipped to executors ({@link dev.softlabels.spark.HadoopConfSnapshot}).
 *
 * <p>Spark's non-public row API is used only in the {@code spark.internal} sub-package.
 */
package dev.softlabels.spark;
