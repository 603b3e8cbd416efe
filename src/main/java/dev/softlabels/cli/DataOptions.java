package dev.softlabels.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** Where the images and labels are and which seeded split: the softlabels.train data keys. */
final class DataOptions {

  @Option(names = "--images", paramLabel = "PATH",
      description = "generate's images/ (Parquet) or a directory of PNG/JPEG files.")
  String images;

  @Option(names = "--labels", paramLabel = "PATH", description = "A label table (aggregate's or generate's labels/).")
  String labels;

  @Option(names = "--split", paramLabel = "K", description = "Which seeded split (default 0).")
  Integer split;

  void addTo(Map<String, Object> options) {
    options.put("softlabels.train.images", images);
    options.put("softlabels.train.labels", labels);
    options.put("softlabels.train.split", split);
  }
}
