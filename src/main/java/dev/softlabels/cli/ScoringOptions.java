package dev.softlabels.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** What a job that runs a trained model over a split reads and writes: checkpoint, part, output. */
final class ScoringOptions {

  @Option(names = "--checkpoint", paramLabel = "NAME", description = "best (default) or last.")
  String checkpoint;

  @Option(
      names = "--split-name",
      paramLabel = "NAME",
      description = "test (default), validation or train.")
  String splitName;

  @Option(names = "--output", paramLabel = "DIR", description = "Output directory.")
  String output;

  @Option(names = "--overwrite", description = "Replace an existing output directory.")
  Boolean overwrite;

  /**
   * @param scope the job's settings, e.g. softlabels.evaluate
   */
  void addTo(Map<String, Object> options, String scope) {
    options.put(scope + ".checkpoint", checkpoint);
    options.put(scope + ".split-name", splitName);
    options.put(scope + ".output", output);
    options.put(scope + ".overwrite", overwrite);
  }
}
