package dev.softlabels.spark;

import dev.softlabels.config.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.SparkSession;

/** File operations on any Hadoop file system (local, s3a://, hdfs://) with the session's settings. */
public final class HadoopPaths {

  private final Configuration hadoopConf;

  private HadoopPaths(Configuration hadoopConf) {
    this.hadoopConf = hadoopConf;
  }

  public static HadoopPaths of(SparkSession spark) {
    return new HadoopPaths(spark.sparkContext().hadoopConfiguration());
  }

  /** For executor-side code, with the driver's settings from a {@link HadoopConfSnapshot}. */
  public static HadoopPaths of(Configuration hadoopConf) {
    return new HadoopPaths(hadoopConf);
  }

  /** The path with its file system's scheme and, when relative, the working directory: file:/abs/path. */
  public String qualified(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(hadoopConf).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path, e);
    }
  }

  public boolean exists(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(hadoopConf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  public boolean isDirectory(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(hadoopConf).getFileStatus(p).isDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  /** Fails with a user error naming the option when the path is missing. */
  public void requireExists(String path, String what) {
    if (path == null || path.isBlank()) {
      throw new UserError(what + " is not set");
    }
    if (!exists(path)) {
      throw new UserError(what + " not found: " + path);
    }
  }

  public void delete(String path) {
    try {
      Path p = new Path(path);
      p.getFileSystem(hadoopConf).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }

  public void rename(String from, String to) {
    try {
      Path source = new Path(from);
      if (!source.getFileSystem(hadoopConf).rename(source, new Path(to))) {
        throw new IOException("rename returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + from + " to " + to, e);
    }
  }

  /** Copies a file or a directory tree (within or across file systems). */
  public void copy(String from, String to) {
    try {
      Path source = new Path(from);
      Path target = new Path(to);
      if (!FileUtil.copy(source.getFileSystem(hadoopConf), source, target.getFileSystem(hadoopConf), target, false,
          hadoopConf)) {
        throw new IOException("copy returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  /** Names of the visible files directly inside a directory (no _SUCCESS or dot files). */
  public List<String> fileNames(String directory) {
    try {
      Path p = new Path(directory);
      FileSystem fs = p.getFileSystem(hadoopConf);
      return Arrays.stream(fs.listStatus(p))
          .filter(FileStatus::isFile)
          .map(s -> s.getPath().getName())
          .filter(n -> !n.startsWith("_") && !n.startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  /** Names of the sub-directories directly inside a directory (none when it does not exist). */
  public List<String> directoryNames(String directory) {
    try {
      Path p = new Path(directory);
      FileSystem fs = p.getFileSystem(hadoopConf);
      if (!fs.exists(p)) {
        return List.of();
      }
      return Arrays.stream(fs.listStatus(p)).filter(FileStatus::isDirectory).map(s -> s.getPath().getName())
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  public void writeText(String path, String text) {
    writeBytes(path, text.getBytes(StandardCharsets.UTF_8));
  }

  public String readText(String path) {
    return new String(readBytes(path), StandardCharsets.UTF_8);
  }

  /**
   * Writes a whole file. On the local disk it is written beside its place and moved over it, so a
   * reader (or a run killed meanwhile) never sees half a file; an object store's upload appears whole
   * anyway.
   */
  public void writeBytes(String path, byte[] bytes) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoopConf);
      if (fs instanceof LocalFileSystem local) {
        java.nio.file.Path file = local.pathToFile(p).toPath();
        java.nio.file.Path directory = Files.createDirectories(file.getParent());
        // Not createTempFile: its owner-only permissions would stick to the file.
        java.nio.file.Path partial = directory.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".partial");
        Files.write(partial, bytes);
        // A checksum of an earlier version would no longer match.
        Files.deleteIfExists(directory.resolve("." + file.getFileName() + ".crc"));
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return;
      }
      try (OutputStream out = fs.create(p, true)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  /** The file's bytes, decompressed when its extension names a codec (.gz, .bz2, ...), as Spark's readers take it. */
  public InputStream openDecompressed(String path) throws IOException {
    Path p = new Path(path);
    InputStream in = p.getFileSystem(hadoopConf).open(p);
    CompressionCodec codec = new CompressionCodecFactory(hadoopConf).getCodec(p);
    return codec == null ? in : codec.createInputStream(in);
  }

  public byte[] readBytes(String path) {
    try {
      Path p = new Path(path);
      try (var in = p.getFileSystem(hadoopConf).open(p)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /**
   * Fails fast, before any Spark start, when a path on the local disk is missing; paths on other
   * file systems are checked by the job once it has a session.
   */
  public static void requireLocalExists(String path, String what) {
    if (path == null || path.isBlank()) {
      return;
    }
    String scheme = new Path(path).toUri().getScheme();
    if ((scheme == null || scheme.equals("file")) && !new java.io.File(new Path(path).toUri().getPath()).exists()) {
      throw new UserError(what + " not found: " + path);
    }
  }

  /** Joins a directory and a child name the way Hadoop paths do, for local and remote schemes. */
  public static String child(String directory, String name) {
    return new Path(directory, name).toString();
  }
}
