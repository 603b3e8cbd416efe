package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * An HTML page as a reader's browser shows it: bin/screenshot-report renders it in headless
 * Chromium (the build installs chromium first with bin/install-test-tools), as a screenshot or as
 * the DOM Chromium built, its scripts run.
 */
final class HeadlessChromium {

  private HeadlessChromium() {}

  /** A screenshot of {@code html}, written to {@code dir} as {@code name} with its PNG beside. */
  static BufferedImage screenshot(Path dir, String name, String html, int width, int height)
      throws IOException, InterruptedException {
    Path shot = dir.resolve(name + ".png");
    render(
        dir,
        name,
        html,
        page ->
            List.of(
                page.toString(), shot.toString(), String.valueOf(width), String.valueOf(height)));
    return ImageIO.read(shot.toFile());
  }

  /** The DOM Chromium builds of {@code html}, written to {@code dir} as {@code name}. */
  static String dom(Path dir, String name, String html) throws IOException, InterruptedException {
    Path dom = dir.resolve(name + ".dom.html");
    render(dir, name, html, page -> List.of("--dump-dom", page.toString(), dom.toString()));
    return Files.readString(dom);
  }

  /** Runs bin/screenshot-report with the arguments given the page's path. */
  private static void render(
      Path dir, String name, String html, Function<Path, List<String>> arguments)
      throws IOException, InterruptedException {
    Path page = Files.writeString(dir.resolve(name), html);
    Path log = dir.resolve(name + ".log");
    List<String> command =
        new ArrayList<>(List.of(LauncherIT.HOME.resolve("bin/screenshot-report").toString()));
    command.addAll(arguments.apply(page));
    try (ProcessTree chromium =
        ProcessTree.start(
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()))) {
      assertThat(chromium.waitFor(Duration.ofMinutes(3))).as("Chromium within 3 minutes").isTrue();
      assertThat(chromium.process().exitValue()).as(Files.readString(log)).isZero();
    }
  }
}
