package dev.softlabels.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Mount points for the data-safety tests, as container volumes are: a folder bind-mounted onto
 * itself. Mounting needs root (CI and the development machines run as root); where it is refused
 * the tests that need one are skipped, saying so.
 */
public final class Mounts {

  private Mounts() {}

  /** Makes {@code folder} a mount point of itself; false when this machine does not allow it. */
  public static boolean bind(Path folder) throws IOException, InterruptedException {
    return run("mount", "--bind", folder.toString(), folder.toString());
  }

  public static void unmount(Path folder) throws IOException, InterruptedException {
    if (!run("umount", folder.toString())) {
      throw new IOException("cannot unmount " + folder);
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException notInstalled) {
      return false;
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return false;
    }
    return process.exitValue() == 0;
  }
}
