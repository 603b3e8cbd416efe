package dev.softlabels.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every package of the product and the benchmarks says its concern and its public classes. */
class PackageInfoTest {

  @Test
  void everyPackageHasAPackageInfo() throws IOException {
    List<Path> missing;
    try (Stream<Path> folders =
        Stream.of(Path.of("src/main/java/dev"), Path.of("src/bench/java/dev"))
            .flatMap(PackageInfoTest::folders)) {
      missing =
          folders
              .filter(PackageInfoTest::holdsJava)
              .filter(folder -> !Files.exists(folder.resolve("package-info.java")))
              .toList();
    }
    assertThat(missing).as("packages without a package-info.java").isEmpty();
  }

  private static Stream<Path> folders(Path root) {
    try {
      return Files.walk(root).filter(Files::isDirectory).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean holdsJava(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.anyMatch(file -> file.toString().endsWith(".java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
