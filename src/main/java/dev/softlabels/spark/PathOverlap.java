package dev.softlabels.spark;

import dev.softlabels.config.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Whether two paths are, contain or lie inside one another, compared as the file system resolves
 * them: {@code o2link/a.csv} with {@code o2link -> o2} is inside {@code o2}, which comparing the
 * strings misses (and an output written over its own input deletes it).
 */
public final class PathOverlap {

  private PathOverlap() {}

  /**
   * The path qualified, with every symbolic link on the local file system resolved; the part that
   * does not exist yet is appended to its nearest existing folder's real path.
   */
  public static Path canonical(FileSystem fs, Path path) throws IOException {
    Path qualified = fs.makeQualified(path);
    if (!"file".equals(fs.getUri().getScheme())) {
      return qualified;
    }
    java.nio.file.Path local = java.nio.file.Path.of(qualified.toUri()).normalize();
    Deque<String> missing = new ArrayDeque<>();
    while (local.getParent() != null && !Files.exists(local)) {
      missing.push(local.getFileName().toString());
      local = local.getParent();
    }
    java.nio.file.Path real = local.toRealPath();
    while (!missing.isEmpty()) {
      real = real.resolve(missing.pop());
    }
    return fs.makeQualified(new Path(real.toString()));
  }

  /**
   * Fails with one line when {@code other} is, contains or lies inside {@code canonical}.
   *
   * @param canonical a path from {@link #canonical}
   * @param subject what {@code canonical} is, for the message ("--output out")
   * @param object what {@code other} is ("the input a.csv")
   * @param advice what to do instead
   */
  public static void refuse(
      FileSystem fs, Path canonical, Path other, String subject, String object, String advice)
      throws IOException {
    String a = canonical.toString();
    String b = canonical(other.getFileSystem(fs.getConf()), other).toString();
    if (a.equals(b) || b.startsWith(a + "/") || a.startsWith(b + "/")) {
      String relation = a.equals(b) ? "is" : b.startsWith(a + "/") ? "contains" : "is inside";
      throw new UserError(subject + " " + relation + " " + object + ": " + advice);
    }
  }
}
