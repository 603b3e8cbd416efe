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
    Path target = new Path(directory, name);
    Path staging = new Path(directory, name + ".tmp");
    try {
      FileSystem fs = target.getFileSystem(hadoopConf);
      fs.delete(staging, true);
      try (OutputStream out = fs.create(new Path(staging, MODEL), true)) {
        network.write(out);
      }
      try (OutputStream out = fs.create(new Path(staging, STATE), true)) {
        out.write(Json.write(state).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
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

  public NeuralNet network(String name) {
    Path dir =
        location(name)
            .orElseThrow(
                () -> new IllegalStateException("no checkpoint " + name + " in " + directory));
    try {
      return NeuralNet.read(dir.getFileSystem(hadoopConf), new Path(dir, MODEL), true);
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
