package dev.softlabels.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One command run as a fresh process, measured from outside: wall-clock seconds, the peak memory of
 * its process tree and its CPU seconds.
 *
 * <p>How: while the process runs, every {@link #SAMPLE_MILLIS} ms this JVM reads {@code
 * /proc/PID/status} of the process and each of its descendants (listed again every second). The
 * tree's resident set at a sample is the sum of its processes' {@code VmRSS}; the peak is the
 * largest such sum, or the largest {@code VmHWM} (a process's own high-water mark of its resident
 * set, kept by the kernel, which also catches a peak between two samples) when that is larger. A
 * process's last read is at most one interval before it exits (once it has exited its status has no
 * memory lines). CPU seconds are the user + system time of each process of the tree at its last
 * sample ({@link ProcessHandle.Info#totalCpuDuration}, from {@code /proc/PID/stat}), summed: what
 * the last interval and short-lived children that exit between two samples use is not counted. The
 * aggregate benchmarks' commands are one process once started (bin/softlabels execs its JVM), so
 * their peak is that JVM's {@code VmHWM} and their CPU seconds its own. Without {@code /proc} (not
 * Linux) the memory and CPU figures are unknown (-1).
 */
final class WholeProcess {

  /** How often the process tree is read. */
  static final long SAMPLE_MILLIS = 100;

  /** Every how many samples the tree's members are listed again. */
  static final int RELIST_SAMPLES = 10;

  private WholeProcess() {}

  /**
   * What one run measured.
   *
   * @param peakBytes the process tree's peak resident set, -1 when unknown
   * @param cpuSeconds user + system seconds of the tree, -1 when unknown
   */
  record Run(double seconds, long peakBytes, double cpuSeconds) {

    /** The peak in MB (10^6 bytes), -1 when unknown. */
    double peakMegabytes() {
      return peakBytes < 0 ? -1 : peakBytes / 1e6;
    }
  }

  /**
   * Runs {@code command} with its standard output and error in {@code log}, waits for it and
   * measures it. The log is removed after a run that succeeds and kept after one that fails, whose
   * exception names it. A process still running after {@code timeout} is killed with its
   * descendants, and so is one whose wait is interrupted.
   *
   * @throws IllegalStateException when the process exits with a code other than 0 or is killed for
   *     its timeout
   */
  static Run run(List<String> command, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TreeUsage usage = new TreeUsage();
    try {
      do {
        usage.sample(process.toHandle());
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "%s ran over its timeout of %d s and was killed with its descendants; see %s",
                  String.join(" ", command.subList(0, Math.min(2, command.size()))),
                  timeout.toSeconds(),
                  log));
        }
      } while (!process.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS));
    } finally {
      if (process.isAlive()) {
        kill(process);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command.subList(0, Math.min(2, command.size())))
              + " failed with exit code "
              + process.exitValue()
              + "; see "
              + log);
    }
    Files.deleteIfExists(log);
    return new Run(seconds, usage.peakBytes(), usage.cpuSeconds());
  }

  /** Kills the process and its descendants (found first: a killed parent's children move away). */
  private static void kill(Process process) throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // Already gone or unkillable: nothing more to do from here.
      }
    }
  }

  /**
   * The value of a {@code /proc/PID/status} field in kB ({@code "VmHWM:\t 123456 kB"}), or -1 when
   * the text has no such field (a kernel thread, an exited process).
   */
  static long kilobytes(String status, String field) {
    String prefix = field + ":";
    return status
        .lines()
        .filter(line -> line.startsWith(prefix))
        .findFirst()
        .map(line -> line.substring(prefix.length()).trim().split("\\s+")[0])
        .map(Long::parseLong)
        .orElse(-1L);
  }

  /** What the samples of one process tree have seen so far. */
  static final class TreeUsage {

    private long peakKilobytes = -1;
    private final Map<ProcessHandle, Duration> cpu = new HashMap<>();
    private List<ProcessHandle> members = List.of();
    private int samples;

    /**
     * Reads the process and its live descendants once. Finding the descendants walks every process
     * of the machine (about 2.5 ms with 80 of them, against 0.5 ms to read one process), so the
     * tree's members are listed again only every {@link #RELIST_SAMPLES} samples.
     */
    void sample(ProcessHandle root) {
      if (samples++ % RELIST_SAMPLES == 0) {
        members = Stream.concat(Stream.of(root), root.descendants()).toList();
      }
      long residentKilobytes = 0;
      boolean any = false;
      // isAlive also tells a member from a later process given its PID (by its start time).
      for (ProcessHandle handle : members.stream().filter(ProcessHandle::isAlive).toList()) {
        String status;
        try {
          status = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "status"));
        } catch (IOException | UnsupportedOperationException e) {
          // Exited since, or no /proc here.
          continue;
        }
        long resident = kilobytes(status, "VmRSS");
        long highWater = kilobytes(status, "VmHWM");
        if (resident >= 0) {
          any = true;
          residentKilobytes += resident;
        }
        peakKilobytes = Math.max(peakKilobytes, highWater);
        handle.info().totalCpuDuration().ifPresent(time -> cpu.put(handle, time));
      }
      if (any) {
        peakKilobytes = Math.max(peakKilobytes, residentKilobytes);
      }
    }

    /** The peak resident set of the tree, -1 when no sample read one. */
    long peakBytes() {
      return peakKilobytes < 0 ? -1 : peakKilobytes * 1024;
    }

    /** User + system seconds of the tree's processes at their last samples, -1 when none. */
    double cpuSeconds() {
      return cpu.isEmpty() ? -1 : cpu.values().stream().mapToLong(Duration::toNanos).sum() / 1e9;
    }
  }
}
