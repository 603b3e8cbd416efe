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
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;

/**
 * File operations on any Hadoop file system (local, s3a://, hdfs://) with the session's settings.
 */
public final class HadoopPaths {

  /** A file system's URI scheme, followed by a slash as they all are: s3a://, hdfs://, file:/. */
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/");

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

  /** The file systems' configuration these paths are reached with. */
  public Configuration configuration() {
    return hadoopConf;
  }

  /**
   * The path with its file system's scheme and, when relative, the working directory:
   * file:/abs/path.
   */
  public String qualified(String path) {
    try {
      Path p = path(path);
      return p.getFileSystem(hadoopConf).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path, e);
    }
  }

  public boolean exists(String path) {
    try {
      Path p = path(path);
      return fileSystem(p, hadoopConf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  public boolean isDirectory(String path) {
    try {
      Path p = path(path);
      return fileSystem(p, hadoopConf).getFileStatus(p).isDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  /**
   * The bytes of the files at {@code path}: a file, every file under a directory, or those of a
   * glob's matches (0 when nothing matches).
   */
  public long bytes(String path) {
    try {
      Path p = path(path);
      FileSystem fs = fileSystem(p, hadoopConf);
      FileStatus[] matches = fs.globStatus(p);
      long bytes = 0;
      for (FileStatus match : matches == null ? new FileStatus[0] : matches) {
        bytes +=
            match.isDirectory()
                ? fs.getContentSummary(match.getPath()).getLength()
                : match.getLen();
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + path, e);
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
      Path p = path(path);
      fileSystem(p, hadoopConf).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }

  public void rename(String from, String to) {
    try {
      Path source = path(from);
      Path target = path(to);
      if (!fileSystem(source, hadoopConf, target).rename(source, target)) {
        throw new IOException("rename returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + from + " to " + to, e);
    }
  }

  /** Copies a file or a directory tree (within or across file systems). */
  public void copy(String from, String to) {
    try {
      Path source = path(from);
      Path target = path(to);
      if (!FileUtil.copy(
          fileSystem(source, hadoopConf),
          source,
          fileSystem(target, hadoopConf),
          target,
          false,
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
      Path p = path(directory);
      FileSystem fs = fileSystem(p, hadoopConf);
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

  /**
   * The files directly inside a directory, by name, with their modification times in milliseconds
   * (none when it does not exist).
   */
  public Map<String, Long> modificationTimes(String directory) {
    try {
      Path p = path(directory);
      FileSystem fs = fileSystem(p, hadoopConf);
      if (!fs.exists(p)) {
        return Map.of();
      }
      Map<String, Long> times = new TreeMap<>();
      for (FileStatus status : fs.listStatus(p)) {
        if (status.isFile()) {
          times.put(status.getPath().getName(), status.getModificationTime());
        }
      }
      return times;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  /** Names of the sub-directories directly inside a directory (none when it does not exist). */
  public List<String> directoryNames(String directory) {
    try {
      Path p = path(directory);
      FileSystem fs = fileSystem(p, hadoopConf);
      if (!fs.exists(p)) {
        return List.of();
      }
      return Arrays.stream(fs.listStatus(p))
          .filter(FileStatus::isDirectory)
          .map(s -> s.getPath().getName())
          .sorted()
          .toList();
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
   * reader (or a run killed meanwhile) never sees half a file; an object store's upload appears
   * whole anyway.
   */
  public void writeBytes(String path, byte[] bytes) {
    try {
      Path p = path(path);
      FileSystem fs = p.getFileSystem(hadoopConf);
      if (fs instanceof LocalFileSystem local) {
        java.nio.file.Path file = local.pathToFile(p).toPath();
        java.nio.file.Path directory = Files.createDirectories(file.getParent());
        // Not createTempFile: its owner-only permissions would stick to the file.
        java.nio.file.Path partial =
            directory.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".partial");
        Files.write(partial, bytes);
        // A checksum of an earlier version would no longer match.
        Files.deleteIfExists(directory.resolve("." + file.getFileName() + ".crc"));
        Files.move(
            partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return;
      }
      try (OutputStream out = fs.create(p, true)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  /**
   * The file's bytes, decompressed when its extension names a codec (.gz, .bz2, ...), as Spark's
   * readers take it.
   */
  public InputStream openDecompressed(String path) throws IOException {
    Path p = path(path);
    InputStream in = fileSystem(p, hadoopConf).open(p);
    CompressionCodec codec = new CompressionCodecFactory(hadoopConf).getCodec(p);
    return codec == null ? in : codec.createInputStream(in);
  }

  public byte[] readBytes(String path) {
    return head(path, Integer.MAX_VALUE);
  }

  /** Up to the first {@code count} bytes of a file. */
  public byte[] head(String path, int count) {
    try {
      Path p = path(path);
      try (var in = fileSystem(p, hadoopConf).open(p)) {
        return in.readNBytes(count);
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
    java.net.URI uri = path(path).toUri();
    if ((uri.getScheme() == null || uri.getScheme().equals("file"))
        && !new java.io.File(uri.getPath()).exists()) {
      throw new UserError(what + " not found: " + path);
    }
  }

  /** Joins a directory and a child name the way Hadoop paths do, for local and remote schemes. */
  public static String child(String directory, String name) {
    return child(path(directory), name).toString();
  }

  /**
   * {@code directory}/{@code name}, for a name with a colon too (Hadoop would parse "a:b" as a
   * URI).
   */
  public static Path child(Path directory, String name) {
    return new Path(directory, new Path(null, null, name));
  }

  /**
   * A path as the user gave it. Hadoop's own parser takes whatever precedes a colon that comes
   * before every slash for a URI scheme, so a local name such as 2026-11-01T10:00.csv would be the
   * scheme "2026-11-01T10" with a relative path, which it refuses; file systems' schemes are
   * followed by a slash (s3a://b/k, file:/x), so only such a prefix is taken for one.
   */
  public static Path path(String given) {
    return misread(given) ? new Path(null, null, given) : new Path(given);
  }

  private static boolean misread(String given) {
    int colon = given.indexOf(':');
    int slash = given.indexOf('/');
    return colon >= 0 && (slash < 0 || colon < slash) && !SCHEME.matcher(given).lookingAt();
  }

  /**
   * {@code path} for Spark's readers and writers, which parse it with Hadoop's own parser:
   * qualified where that parser would misread it ({@link #path}), else as given.
   */
  public String forSpark(String path) {
    return misread(path) ? qualified(path) : path;
  }

  /**
   * The file system to use for {@code path} (and {@code others} on the same one): on the local
   * disk, when a name has a colon, the raw one. The checksummed one finds a file's .crc sibling by
   * parsing ".NAME.crc" as a path, which fails for such a name (Hadoop takes the part before the
   * colon for a URI scheme).
   */
  public static FileSystem fileSystem(Path path, Configuration conf, Path... others)
      throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    boolean colon =
        Stream.concat(Stream.of(path), Stream.of(others)).anyMatch(p -> p.getName().contains(":"));
    return fs instanceof LocalFileSystem local && colon ? local.getRawFileSystem() : fs;
  }

  /**
   * {@code reader} reading the local disk through Hadoop's raw file system, which can open files
   * named with a colon (a time such as 10:12:31.json) that the checksummed one cannot ({@link
   * #fileSystem}): Spark lists a folder's files itself, so the names are not known beforehand. Read
   * options reach this read's Hadoop configuration only, and other schemes (s3a) ignore them.
   */
  public static DataFrameReader rawLocal(DataFrameReader reader) {
    return reader
        .option("fs.file.impl", RawLocalFileSystem.class.getName())
        .option("fs.file.impl.disable.cache", true);
  }
}
