package dev.softlabels.spark;

import dev.softlabels.config.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer at a time for an output or a label store: a lock file taken before any work (and
 * before the recovery of what an earlier run left, which would otherwise remove a running writer's
 * staging folder) and held until the run ends.
 *
 * <p>On the local file system the lock is the operating system's ({@code flock}-style, as {@code
 * relabel-nightly} takes): a killed run releases it with its process, and the file itself stays
 * (removing it while another process waits on it would let two runs lock two different files). On
 * other file systems (HDFS, S3) it is a file created only if absent, holding the owner, removed
 * when the run ends; one left by a killed run on this host is recognised by its process id and
 * taken over, one from another host is named in the message for whoever knows it is stale. On S3
 * "create if absent" is a check then a write, so two runs starting in the same instant may both
 * pass: the commits' own checks (an output that appeared meanwhile, Delta's conflict detection for
 * stores) are the second line.
 */
public final class WriterLock implements AutoCloseable {

  private final FileSystem fs;
  private final Path path;
  private final FileChannel channel;
  private final FileLock held;

  private WriterLock(FileSystem fs, Path path, FileChannel channel, FileLock held) {
    this.fs = fs;
    this.path = path;
    this.channel = channel;
    this.held = held;
  }

  /**
   * Takes the lock at {@code lock}, or fails with a user error naming {@code what} is being written
   * and by whom.
   *
   * @param what the thing written, for the message ("the output out/", "the label store s/")
   * @param advice what the refused run should do, for the message
   */
  public static WriterLock take(FileSystem fs, Path lock, String what, String advice)
      throws IOException {
    if (!fs.mkdirs(lock.getParent())) {
      throw new IOException("cannot create " + lock.getParent());
    }
    String shown =
        "file".equals(fs.getUri().getScheme()) ? lock.toUri().getPath() : lock.toString();
    String busy =
        "is writing " + what + "; " + advice + " (if no run is writing it, remove " + shown + ")";
    return "file".equals(fs.getUri().getScheme())
        ? local(fs, lock, busy)
        : remote(fs, lock, busy, true);
  }

  private static WriterLock local(FileSystem fs, Path lock, String busy) throws IOException {
    java.nio.file.Path file = java.nio.file.Path.of(fs.makeQualified(lock).toUri());
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock held;
    try {
      held = channel.tryLock();
    } catch (OverlappingFileLockException sameJvm) {
      held = null;
    }
    if (held == null) {
      channel.close();
      throw busy(busy, Files.readString(file, StandardCharsets.UTF_8));
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(owner().getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    return new WriterLock(fs, lock, channel, held);
  }

  private static WriterLock remote(FileSystem fs, Path lock, String busy, boolean mayTakeOver)
      throws IOException {
    try (FSDataOutputStream out = fs.create(lock, false)) {
      out.write(owner().getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException taken) {
      String holder = read(fs, lock);
      if (mayTakeOver && leftByADeadProcessHere(holder)) {
        fs.delete(lock, false);
        return remote(fs, lock, busy, false);
      }
      throw busy(busy, holder);
    }
    return new WriterLock(fs, lock, null, null);
  }

  /** "pid@host since instant": what a refused run is told about the holder. */
  private static String owner() {
    return ProcessHandle.current().pid() + "@" + hostName() + " since " + Instant.now();
  }

  private static boolean leftByADeadProcessHere(String holder) {
    int at = holder.indexOf('@');
    int since = holder.indexOf(' ');
    if (at < 1 || since < at || !holder.substring(at + 1, since).equals(hostName())) {
      return false;
    }
    try {
      return ProcessHandle.of(Long.parseLong(holder.substring(0, at))).isEmpty();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static UserError busy(String busy, String holder) {
    return new UserError(
        (holder.isBlank() ? "another run" : "another run (process " + holder.strip() + ")")
            + " "
            + busy);
  }

  private static String read(FileSystem fs, Path lock) {
    try (var in = fs.open(lock)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    try {
      if (channel != null) {
        held.release();
        channel.close();
      } else {
        fs.delete(path, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock " + path, e);
    }
  }
}
