package dev.softlabels.spark;

import dev.softlabels.config.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
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
  private static final String UNFINISHED_JOURNAL = ".commit-unfinished";
  private static final String LOCK = ".lock";

  /**
   * Inside an output folder (beside a one-file output): the job that wrote it, for {@code
   * --overwrite}.
   */
  static final String MARKER = ".softlabels-output";

  private static final String NO_PREVIOUS = "-";

  /** Staging folders of this JVM that are not yet committed: a signal handler removes them. */
  private static final Set<StagedOutput> OPEN = ConcurrentHashMap.newKeySet();

  /** Outputs this JVM has moved into place. */
  private static final List<String> WRITTEN = new CopyOnWriteArrayList<>();

  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final String what;
  private final String given;
  private final String job;
  private final boolean overwrite;
  private final boolean file;
  private final WriterLock lock;
  private boolean committed;

  private StagedOutput(
      FileSystem fs,
      Path target,
      Path staging,
      String what,
      String given,
      String job,
      boolean overwrite,
      boolean file,
      WriterLock lock) {
    this.fs = fs;
    this.target = target;
    this.staging = staging;
    this.what = what;
    this.given = given;
    this.job = job;
    this.overwrite = overwrite;
    this.file = file;
    this.lock = lock;
  }

  /**
   * Takes the output's writer lock, checks the output before any work and opens its staging folder:
   * refuses an output that another run is writing, an existing output without {@code overwrite} and
   * with it one that is not an earlier output of {@code job}, an output that is, contains or lies
   * inside one of {@code inputs} or a label store (symbolic links resolved), an output folder that
   * cannot be renamed (a mount point) and an output whose folder cannot be written.
   *
   * @param what the option that names the output, for messages ("output", "--output")
   * @param job the command that writes it, recorded in the output's marker ("aggregate")
   * @param inputs paths the job reads (blank entries are ignored)
   */
  public static StagedOutput directory(
      SparkSession spark,
      String output,
      boolean overwrite,
      String what,
      String job,
      Collection<String> inputs) {
    return open(
        spark.sparkContext().hadoopConfiguration(), output, overwrite, what, job, inputs, false);
  }

  /**
   * {@link #directory(SparkSession, String, boolean, String, String, Collection)} for a job run on
   * the driver alone.
   */
  public static StagedOutput directory(
      HadoopPaths paths,
      String output,
      boolean overwrite,
      String what,
      String job,
      Collection<String> inputs) {
    return open(paths.configuration(), output, overwrite, what, job, inputs, false);
  }

  /**
   * The same for an output that is one file, written as {@link #file()} inside the staging folder.
   */
  public static StagedOutput file(
      SparkSession spark,
      String output,
      boolean overwrite,
      String what,
      String job,
      Collection<String> inputs) {
    return open(
        spark.sparkContext().hadoopConfiguration(), output, overwrite, what, job, inputs, true);
  }

  static StagedOutput open(
      Configuration conf,
      String output,
      boolean overwrite,
      String what,
      String job,
      Collection<String> inputs,
      boolean file) {
    if (output == null || output.isBlank()) {
      throw new UserError(what + " is not set");
    }
    Path target;
    FileSystem fs;
    WriterLock lock;
    try {
      Path given = HadoopPaths.path(output);
      target = given.getFileSystem(conf).makeQualified(given);
      // Named after the target: its staging folder, backup and journal have its colons too.
      fs = HadoopPaths.fileSystem(target, conf);
      if (target.getParent() == null) {
        throw new UserError(what + " cannot be the root of a file system: " + output);
      }
      // Read-only checks first: a refused output leaves nothing behind, not even its lock file.
      Path canonical = PathOverlap.canonical(fs, target);
      for (String input : inputs) {
        if (input != null && !input.isBlank()) {
          PathOverlap.refuse(
              fs,
              canonical,
              HadoopPaths.path(input),
              what + " " + output,
              "the input " + input,
              "write the output somewhere else");
        }
      }
      refuseLabelStore(fs, canonical, what, output);
      lock =
          WriterLock.take(
              fs,
              sibling(target, LOCK),
              what + " " + output,
              "wait for it to finish and run this again");
    } catch (IOException e) {
      throw new UserError("cannot write " + what + " " + output + ": " + firstLine(e));
    }
    try {
      recover(fs, target);
      if (fs.exists(target)) {
        if (!overwrite) {
          throw new UserError(
              what + " already exists: " + output + " (pass --overwrite to replace it)");
        }
        requireEarlierOutput(fs, target, what, output, job, file);
        requireRenamable(fs, target, what, output);
      }
      Path staging = sibling(target, STAGING + UUID.randomUUID().toString().substring(0, 8));
      try {
        if (!fs.mkdirs(staging)) {
          throw new IOException("mkdirs returned false");
        }
      } catch (IOException e) {
        throw new UserError("cannot write " + what + " " + output + ": " + firstLine(e));
      }
      StagedOutput staged =
          new StagedOutput(fs, target, staging, what, output, job, overwrite, file, lock);
      OPEN.add(staged);
      return staged;
    } catch (IOException | RuntimeException e) {
      lock.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot prepare " + output, io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Marks a folder a job writes in place (a model directory trained across runs), when it exists,
   * as its output, so that a later staged run of the job may replace it.
   */
  public static void markIfThere(SparkSession spark, String folder, String job) {
    try {
      Path path = HadoopPaths.path(folder);
      FileSystem fs = HadoopPaths.fileSystem(path, spark.sparkContext().hadoopConfiguration());
      if (fs.exists(path)) {
        writeText(fs, new Path(path, MARKER), job);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + folder, e);
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

  /**
   * Moves the complete output into place, replacing the previous one (if any) only now. Each step
   * is one rename, and the journal written before the first names what the next run must undo if
   * this one stops between two of them ({@link #recover}).
   */
  public void commit() {
    Path source = file ? HadoopPaths.child(staging, target.getName()) : staging;
    Path backup =
        sibling(
            target, REPLACED + staging.getName().substring(staging.getName().lastIndexOf('-') + 1));
    try {
      boolean replacing = fs.exists(target);
      if (replacing && !overwrite) {
        throw new UserError(
            what
                + " "
                + given
                + " was created by another run while this one was writing it;"
                + " nothing written (pass --overwrite to replace it)");
      }
      if (file) {
        markFile(fs, target, job);
      } else {
        writeText(fs, new Path(staging, MARKER), job);
      }
      writeJournal(fs, target, replacing ? backup.getName() : NO_PREVIOUS);
      CrashPoints.reached("output:journal-written");
      if (replacing) {
        move(fs, target, backup);
        CrashPoints.reached("output:previous-moved-aside");
      }
      move(fs, source, target);
      CrashPoints.reached("output:output-moved-in");
      fs.delete(sibling(target, JOURNAL), false);
      committed = true;
      WRITTEN.add(given);
      OPEN.remove(this);
      CrashPoints.reached("output:journal-removed");
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

  /**
   * Removes the staging folder of an output that was not committed (a failed run), and lets the
   * output go.
   */
  @Override
  public void close() {
    if (!committed) {
      OPEN.remove(this);
      deleteQuietly(staging);
    }
    lock.close();
  }

  /** For a signal handler: the outputs this JVM has committed, when none is being written now. */
  public static List<String> writtenAndNoneOpen() {
    return OPEN.isEmpty() ? List.copyOf(WRITTEN) : List.of();
  }

  /**
   * For a signal handler: removes every staging folder this JVM has open. Tasks still writing may
   * leave a few files behind, which the next run removes.
   *
   * @return the outputs that were being written
   */
  public static List<String> abandonAll() {
    List<String> targets = OPEN.stream().map(StagedOutput::target).toList();
    OPEN.forEach(
        staged -> {
          staged.deleteQuietly(staged.staging);
          staged.lock.close();
        });
    OPEN.clear();
    return targets;
  }

  /**
   * Undoes what a killed run left beside {@code target}: puts the previous output back when a swap
   * was interrupted, and removes staging folders and backups. A journal is renamed into place
   * whole, but one that cannot be read (a disk that lost its last write) is taken to name the one
   * backup there is.
   */
  static void recover(FileSystem fs, Path target) throws IOException {
    Path parent = target.getParent();
    if (!fs.exists(parent) || !fs.getFileStatus(parent).isDirectory()) {
      return;
    }
    fs.delete(sibling(target, UNFINISHED_JOURNAL), false);
    Path journal = sibling(target, JOURNAL);
    if (fs.exists(journal)) {
      String named = readJournal(fs, journal);
      Optional<Path> backup =
          named.isEmpty()
              ? leftovers(fs, target, REPLACED).stream().findFirst()
              : Optional.of(HadoopPaths.child(parent, named));
      if (named.equals(NO_PREVIOUS) || backup.isPresent() && !fs.exists(backup.get())) {
        backup = Optional.empty();
      }
      if (backup.isPresent()) {
        LOG.warn(
            "{}: a run was stopped while replacing it; putting the previous output back", target);
        deleteWhole(fs, target);
        move(fs, backup.get(), target);
      } else if (named.equals(NO_PREVIOUS)) {
        LOG.warn(
            "{}: a run was stopped while moving it into place; removing the partial output",
            target);
        deleteWhole(fs, target);
      }
      // Otherwise the run stopped before it moved the previous output aside: that is where it was.
      fs.delete(journal, false);
    }
    for (String kind : List.of(STAGING, REPLACED)) {
      for (Path leftover : leftovers(fs, target, kind)) {
        LOG.info(
            "{}: removing {} left by an earlier run that did not finish",
            target,
            leftover.getName());
        fs.delete(leftover, true);
      }
    }
  }

  private static List<Path> leftovers(FileSystem fs, Path target, String kind) throws IOException {
    String prefix = "." + target.getName() + kind;
    return Arrays.stream(fs.listStatus(target.getParent()))
        .map(FileStatus::getPath)
        .filter(path -> path.getName().startsWith(prefix))
        .sorted()
        .toList();
  }

  /**
   * Deletes a path so that nothing is left at it: a backup is never moved into a folder that
   * stayed.
   */
  private static void deleteWhole(FileSystem fs, Path path) throws IOException {
    fs.delete(path, true);
    if (fs.exists(path)) {
      throw new IOException(
          path
              + " cannot be removed (a mount point?), so the previous output waits in the"
              + " hidden backup beside it: move that back by hand");
    }
  }

  /**
   * {@code --overwrite} replaces what this job wrote before, never a folder or file it did not: an
   * output carries a marker naming its job. An empty folder holds nothing to lose.
   */
  private static void requireEarlierOutput(
      FileSystem fs, Path target, String what, String output, String job, boolean file)
      throws IOException {
    FileStatus status = fs.getFileStatus(target);
    if (!file && status.isDirectory() && fs.listStatus(target).length == 0) {
      return;
    }
    Path marker = file ? sibling(target, MARKER) : new Path(target, MARKER);
    String found = status.isDirectory() == !file && fs.exists(marker) ? readText(fs, marker) : "";
    if (found.equals(job)) {
      return;
    }
    String is =
        status.isDirectory() == file
            ? "is a " + (file ? "folder" : "file")
            : !found.isEmpty()
                ? "is an output of softlabels " + found
                : "was not written by softlabels " + job + " (it has no " + MARKER + " marker)";
    throw new UserError(
        what
            + " "
            + output
            + " "
            + is
            + ", and --overwrite replaces only an earlier output of"
            + " softlabels "
            + job
            + ": choose another "
            + what.replaceFirst("^--", "")
            + " or remove it yourself");
  }

  /**
   * The commit renames the previous output aside, which a mount point (a container's volume) or an
   * immutable folder refuses: found out now, by renaming it aside and back under the journal,
   * rather than after the work. Only where a rename is cheap (on S3 it is a copy, and there are no
   * mount points).
   */
  private static void requireRenamable(FileSystem fs, Path target, String what, String output)
      throws IOException {
    if (!List.of("file", "hdfs").contains(fs.getUri().getScheme())) {
      return;
    }
    Path aside = sibling(target, REPLACED + "probe");
    writeJournal(fs, target, aside.getName());
    try {
      move(fs, target, aside);
    } catch (IOException e) {
      fs.delete(sibling(target, JOURNAL), false);
      throw new UserError(
          what
              + " "
              + output
              + " cannot be renamed ("
              + firstLine(e)
              + "; a mount point or an"
              + " immutable folder?): softlabels writes an output beside its place and renames it there, so give a"
              + " folder inside it instead, e.g. "
              + HadoopPaths.child(HadoopPaths.path(output), "run"));
    }
    move(fs, aside, target);
    fs.delete(sibling(target, JOURNAL), false);
  }

  /**
   * Refuses an output that is, contains or lies inside a label store (a folder with
   * labels/_delta_log).
   */
  private static void refuseLabelStore(FileSystem fs, Path target, String what, String output)
      throws IOException {
    for (Path p = target; p != null; p = p.getParent()) {
      if (fs.exists(new Path(new Path(p, "labels"), "_delta_log"))) {
        throw new UserError(
            what
                + " "
                + output
                + (p.equals(target) ? " is" : " is inside")
                + " the label store "
                + shown(p)
                + ": write the output somewhere else");
      }
    }
    if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
      for (FileStatus child : fs.listStatus(target)) {
        if (child.isDirectory()
            && fs.exists(new Path(new Path(child.getPath(), "labels"), "_delta_log"))) {
          throw new UserError(
              what
                  + " "
                  + output
                  + " contains the label store "
                  + shown(child.getPath())
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

  /**
   * A one-file output's marker sits beside it, outside the swap, so it is left as it is when it
   * already names this job: rewriting it would truncate it first, and a run killed in that instant
   * would leave the previous output, put back by {@link #recover}, without the marker that lets the
   * rerun's --overwrite replace it. A marker of another job is only here when its output is not.
   */
  private static void markFile(FileSystem fs, Path target, String job) throws IOException {
    Path marker = sibling(target, MARKER);
    if (fs.exists(marker)) {
      if (readText(fs, marker).equals(job)) {
        return;
      }
      fs.delete(marker, false);
    }
    writeText(fs, marker, job);
  }

  /**
   * Written whole under another name and renamed: a journal is never seen empty or half written.
   */
  private static void writeJournal(FileSystem fs, Path target, String backup) throws IOException {
    Path unfinished = sibling(target, UNFINISHED_JOURNAL);
    writeText(fs, unfinished, backup);
    CrashPoints.reached("output:journal-unfinished");
    move(fs, unfinished, sibling(target, JOURNAL));
  }

  /**
   * A small file of the commit's own, without a checksum file beside it (the local disk's
   * .NAME.crc).
   */
  private static void writeText(FileSystem fs, Path path, String text) throws IOException {
    FileSystem plain =
        fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    try (FSDataOutputStream out = plain.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String readJournal(FileSystem fs, Path journal) {
    try {
      return readText(fs, journal);
    } catch (IOException e) {
      LOG.warn("{}: unreadable ({}); looking for the backup it would name", journal, firstLine(e));
      return "";
    }
  }

  private static String readText(FileSystem fs, Path path) throws IOException {
    try (var in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  /**
   * One rename that never lands inside an existing folder (Hadoop's rename would move the source
   * into it) and never copies: on the local file system Hadoop falls back to copy-and-delete when a
   * rename fails (a mount point), which empties the source and leaves the copy. There a folder
   * moves with the operating system's atomic rename; a file keeps Hadoop's rename, which moves its
   * checksum file too.
   */
  private static void move(FileSystem fs, Path from, Path to) throws IOException {
    if (fs.exists(to)) {
      throw new IOException("cannot move " + from + " to " + to + ": it exists");
    }
    if ("file".equals(fs.getUri().getScheme()) && fs.getFileStatus(from).isDirectory()) {
      Files.move(
          java.nio.file.Path.of(fs.makeQualified(from).toUri()),
          java.nio.file.Path.of(fs.makeQualified(to).toUri()),
          StandardCopyOption.ATOMIC_MOVE);
    } else if (!fs.rename(from, to)) {
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
