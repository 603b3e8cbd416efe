package dev.softlabels.spark;

import dev.softlabels.config.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's output (a directory, or one file) written into a hidden sibling and moved into place only
 * once every part of it is complete — the commit-by-rename of Spark's own committers, one level up.
 * Until {@link #commit()} the target is untouched, so a run that is killed or fails leaves the
 * previous output as it was, and its staging folder is hidden ({@code .NAME.staging-ID}: Spark and
 * Hadoop skip names starting with a dot when they read a directory) and removed by the next run.
 *
 * <p>Commit is journalled: {@code .NAME.commit} names the backup of the previous output before the
 * swap (previous -> backup, staging -> target) and is deleted after it. A run that finds a journal
 * was killed inside a swap and puts the previous output back first. On a local disk or HDFS each
 * rename is atomic. On S3 a rename is a copy, so the swap takes as long as copying the output and a
 * kill during it leaves a partial target: the journal is what makes the next run restore the
 * previous output rather than keep the partial one.
 */
public final class StagedOutput implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StagedOutput.class);
  private static final String STAGING = ".staging-";
  private static final String REPLACED = ".replaced-";
  private static final String JOURNAL = ".commit";
  private static final String NO_PREVIOUS = "-";
  /** Staging folders of this JVM that are not yet committed: a signal handler removes them. */
  private static final Set<StagedOutput> OPEN = ConcurrentHashMap.newKeySet();

  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final String what;
  private final String given;
  private final boolean file;
  private boolean committed;

  private StagedOutput(FileSystem fs, Path target, Path staging, String what, String given, boolean file) {
    this.fs = fs;
    this.target = target;
    this.staging = staging;
    this.what = what;
    this.given = given;
    this.file = file;
  }

  /**
   * Checks an output before any work and opens its staging folder: refuses an existing output
   * without {@code overwrite}, an output that is, contains or lies inside one of {@code inputs} or a
   * label store, and an output whose folder cannot be written.
   *
   * @param what the option that names the output, for messages ("output", "--output")
   * @param inputs paths the job reads (blank entries are ignored)
   */
  public static StagedOutput directory(SparkSession spark, String output, boolean overwrite, String what,
      Collection<String> inputs) {
    return open(spark.sparkContext().hadoopConfiguration(), output, overwrite, what, inputs, false);
  }

  /** The same for an output that is one file, written as {@link #file()} inside the staging folder. */
  public static StagedOutput file(SparkSession spark, String output, boolean overwrite, String what,
      Collection<String> inputs) {
    return open(spark.sparkContext().hadoopConfiguration(), output, overwrite, what, inputs, true);
  }

  static StagedOutput open(Configuration conf, String output, boolean overwrite, String what,
      Collection<String> inputs, boolean file) {
    if (output == null || output.isBlank()) {
      throw new UserError(what + " is not set");
    }
    try {
      Path given = HadoopPaths.path(output);
      Path target = given.getFileSystem(conf).makeQualified(given);
      // Named after the target: its staging folder, backup and journal have its colons too.
      FileSystem fs = HadoopPaths.fileSystem(target, conf);
      if (target.getParent() == null) {
        throw new UserError(what + " cannot be the root of a file system: " + output);
      }
      recover(fs, target);
      for (String input : inputs) {
        if (input != null && !input.isBlank()) {
          refuseOverlap(fs, target, HadoopPaths.path(input), what, output, input);
        }
      }
      refuseLabelStore(fs, target, what, output);
      if (fs.exists(target) && !overwrite) {
        throw new UserError(what + " already exists: " + output + " (pass --overwrite to replace it)");
      }
      Path staging = sibling(target, STAGING + UUID.randomUUID().toString().substring(0, 8));
      try {
        if (!fs.mkdirs(staging)) {
          throw new IOException("mkdirs returned false");
        }
      } catch (IOException e) {
        throw new UserError("cannot write " + what + " " + output + ": " + firstLine(e));
      }
      StagedOutput staged = new StagedOutput(fs, target, staging, what, output, file);
      OPEN.add(staged);
      return staged;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + output, e);
    }
  }

  /** Where to write the output directory's parts. */
  public String path() {
    return staging.toString();
  }

  /** A part of the output directory, inside the staging folder. */
  public String child(String name) {
    return HadoopPaths.child(staging, name).toString();
  }

  /** Where to write a one-file output. */
  public String file() {
    return HadoopPaths.child(staging, target.getName()).toString();
  }

  /** The final location as the user gave it, for messages. */
  public String target() {
    return given;
  }

  /** Moves the complete output into place, replacing the previous one (if any) only now. */
  public void commit() {
    Path source = file ? HadoopPaths.child(staging, target.getName()) : staging;
    Path journal = sibling(target, JOURNAL);
    Path backup = sibling(target, REPLACED + staging.getName().substring(staging.getName().lastIndexOf('-') + 1));
    try {
      boolean replacing = fs.exists(target);
      writeJournal(journal, replacing ? backup.getName() : NO_PREVIOUS);
      if (replacing) {
        rename(target, backup);
      }
      rename(source, target);
      fs.delete(journal, false);
      committed = true;
      OPEN.remove(this);
      if (replacing) {
        fs.delete(backup, true);
      }
      if (file) {
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + what + " into place at " + given, e);
    }
  }

  /** Removes the staging folder of an output that was not committed (a failed run). */
  @Override
  public void close() {
    if (!committed) {
      OPEN.remove(this);
      deleteQuietly(staging);
    }
  }

  /**
   * For a signal handler: removes every staging folder this JVM has open. Tasks still writing may
   * leave a few files behind, which the next run removes.
   *
   * @return the outputs that were being written
   */
  public static List<String> abandonAll() {
    List<String> targets = OPEN.stream().map(StagedOutput::target).toList();
    OPEN.forEach(staged -> staged.deleteQuietly(staged.staging));
    OPEN.clear();
    return targets;
  }

  /**
   * Undoes what a killed run left beside {@code target}: puts the previous output back when a swap was
   * interrupted, and removes staging folders and backups.
   */
  static void recover(FileSystem fs, Path target) throws IOException {
    Path parent = target.getParent();
    if (!fs.exists(parent) || !fs.getFileStatus(parent).isDirectory()) {
      return;
    }
    Path journal = sibling(target, JOURNAL);
    if (fs.exists(journal)) {
      String backup = readJournal(fs, journal);
      if (!backup.equals(NO_PREVIOUS) && fs.exists(HadoopPaths.child(parent, backup))) {
        LOG.warn("{}: a run was stopped while replacing it; putting the previous output back", target);
        fs.delete(target, true);
        rename(fs, HadoopPaths.child(parent, backup), target);
      } else if (backup.equals(NO_PREVIOUS)) {
        LOG.warn("{}: a run was stopped while moving it into place; removing the partial output", target);
        fs.delete(target, true);
      }
      fs.delete(journal, false);
    }
    String prefix = "." + target.getName() + ".";
    for (FileStatus status : fs.listStatus(parent)) {
      String name = status.getPath().getName();
      if (name.startsWith(prefix + STAGING.substring(1)) || name.startsWith(prefix + REPLACED.substring(1))) {
        LOG.info("{}: removing {} left by an earlier run that did not finish", target, name);
        fs.delete(status.getPath(), true);
      }
    }
  }

  /** Refuses an output that is, contains or lies inside an input. */
  private static void refuseOverlap(FileSystem fs, Path target, Path input, String what, String output,
      String inputText) throws IOException {
    Path qualified = input.getFileSystem(fs.getConf()).makeQualified(input);
    String a = target.toString();
    String b = qualified.toString();
    if (a.equals(b) || b.startsWith(a + "/") || a.startsWith(b + "/")) {
      String relation = a.equals(b) ? "is" : b.startsWith(a + "/") ? "contains" : "is inside";
      throw new UserError(what + " " + output + " " + relation + " the input " + inputText
          + ": write the output somewhere else");
    }
  }

  /** Refuses an output that is, contains or lies inside a label store (a folder with labels/_delta_log). */
  private static void refuseLabelStore(FileSystem fs, Path target, String what, String output) throws IOException {
    for (Path p = target; p != null; p = p.getParent()) {
      if (fs.exists(new Path(new Path(p, "labels"), "_delta_log"))) {
        throw new UserError(what + " " + output + (p.equals(target) ? " is" : " is inside") + " the label store "
            + shown(p) + ": write the output somewhere else");
      }
    }
    if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
      for (FileStatus child : fs.listStatus(target)) {
        if (child.isDirectory() && fs.exists(new Path(new Path(child.getPath(), "labels"), "_delta_log"))) {
          throw new UserError(what + " " + output + " contains the label store " + shown(child.getPath())
              + ": write the output somewhere else");
        }
      }
    }
  }

  /** A path for messages: local ones without their file: scheme. */
  private static String shown(Path path) {
    return "file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString();
  }

  private static Path sibling(Path target, String suffix) {
    return HadoopPaths.child(target.getParent(), "." + target.getName() + suffix);
  }

  private void writeJournal(Path journal, String backup) throws IOException {
    try (FSDataOutputStream out = fs.create(journal, true)) {
      out.write(backup.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String readJournal(FileSystem fs, Path journal) throws IOException {
    try (var in = fs.open(journal)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  private void rename(Path from, Path to) throws IOException {
    rename(fs, from, to);
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " returned false");
    }
  }

  private void deleteQuietly(Path path) {
    try {
      fs.delete(path, true);
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot remove {}: {}", path, e.toString());
    }
  }

  private static String firstLine(IOException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
