package dev.softlabels.train;

import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.spark.HadoopPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The model directory: {@code last/} (the latest epoch, for resuming) and {@code best/} (lowest
 * validation loss), each a DL4J model zip with its updater state plus the {@link TrainState} that
 * produced it. A checkpoint is written beside the old one and then swapped in, so a run that dies
 * while saving leaves the previous checkpoint readable.
 */
public final class Checkpoints {

  public static final String LAST = "last";
  public static final String BEST = "best";
  public static final String MODEL = "model.zip";
  public static final String STATE = "state.json";

  private final String directory;
  private final Configuration hadoopConf;

  /** Checks a configured checkpoint name ({@code key} names the setting in the message). */
  public static String requireName(String name, String key) {
    if (!List.of(BEST, LAST).contains(name)) {
      throw new UserError(key + " must be best or last, got '" + name + "'");
    }
    return name;
  }

  /** Loads checkpoint {@code name}, or stops with a message saying to train first. */
  public NeuralNet require(String name) {
    if (state(name).isEmpty()) {
      throw new UserError("no " + name + " checkpoint in " + directory + " (run train first)");
    }
    return network(name);
  }

  public Checkpoints(SparkSession spark, String directory) {
    this.directory = directory;
    this.hadoopConf = spark.sparkContext().hadoopConfiguration();
  }

  public void save(String name, NeuralNet network, TrainState state) {
    swapIn(
        name,
        (fs, staging) -> {
          try (OutputStream out = fs.create(new Path(staging, MODEL), true)) {
            network.write(out);
          }
          try (OutputStream out = fs.create(new Path(staging, STATE), true)) {
            out.write(Json.write(state).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        });
  }

  /**
   * Checkpoint {@code from} saved again as {@code to}: its files copied, which for a large network
   * takes a fraction of serialising it a second time.
   */
  public void copy(String from, String to) {
    Path source = new Path(directory, from);
    swapIn(
        to,
        (fs, staging) -> {
          if (!FileUtil.copy(fs, source, fs, staging, false, hadoopConf)) {
            throw new IOException("copy " + source + " -> " + staging + " failed");
          }
        });
  }

  private interface Writer {
    void write(FileSystem fs, Path staging) throws IOException;
  }

  /** Writes checkpoint {@code name} beside the old one, then swaps it in. */
  private void swapIn(String name, Writer writer) {
    Path target = new Path(directory, name);
    Path staging = new Path(directory, name + ".tmp");
    try {
      FileSystem fs = target.getFileSystem(hadoopConf);
      fs.delete(staging, true);
      writer.write(fs, staging);
      fs.delete(target, true);
      if (!fs.rename(staging, target)) {
        throw new IOException("rename " + staging + " -> " + target + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save checkpoint " + target, e);
    }
  }

  /** The checkpoint's state, also from a staging copy that was fully written before a crash. */
  public Optional<TrainState> state(String name) {
    return location(name)
        .map(
            dir -> {
              try (InputStream in = dir.getFileSystem(hadoopConf).open(new Path(dir, STATE))) {
                return Json.read(
                    new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    TrainState.class);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dir, e);
              }
            });
  }

  /**
   * The checkpoint's network to score with or start another training from, without its updater
   * state: for ResNet50 that state is as large as the parameters.
   */
  public NeuralNet network(String name) {
    return read(name, false);
  }

  /** The checkpoint's network with its updater state, to go on training it. */
  NeuralNet resumable(String name) {
    return read(name, true);
  }

  private NeuralNet read(String name, boolean withUpdater) {
    Path dir =
        location(name)
            .orElseThrow(
                () -> new IllegalStateException("no checkpoint " + name + " in " + directory));
    try {
      return NeuralNet.read(dir.getFileSystem(hadoopConf), new Path(dir, MODEL), withUpdater);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + dir, e);
    }
  }

  private Optional<Path> location(String name) {
    for (String candidate : new String[] {name, name + ".tmp"}) {
      Path dir = new Path(directory, candidate);
      try {
        FileSystem fs = dir.getFileSystem(hadoopConf);
        if (fs.exists(new Path(dir, STATE)) && fs.exists(new Path(dir, MODEL))) {
          return Optional.of(dir);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot check " + dir, e);
      }
    }
    return Optional.empty();
  }

  public String path(String name) {
    return HadoopPaths.child(directory, name);
  }
}
