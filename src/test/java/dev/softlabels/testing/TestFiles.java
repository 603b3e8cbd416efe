package dev.softlabels.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Small helpers for test inputs on disk and the shared data folder beside the checkout. */
public final class TestFiles {

  private TestFiles() {}

  public static Path write(Path dir, String name, String... lines) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, String.join("\n", lines) + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A folder of ../shared/data (the path surefire passes as softlabels.reproduce.shared-data);
   * skips the test with a message naming the missing folder when the shared data is absent.
   */
  public static Path sharedData(String child) {
    Path root =
        Path.of(
            Optional.ofNullable(System.getProperty("softlabels.reproduce.shared-data"))
                .orElse("../shared/data"));
    Path folder = root.resolve(child);
    Assumptions.assumeTrue(
        Files.isDirectory(folder),
        "shared data not found at "
            + folder.toAbsolutePath()
            + ": skipping (it lives beside the checkout)");
    return folder;
  }
}
