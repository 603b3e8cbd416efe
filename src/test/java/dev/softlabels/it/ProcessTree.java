package dev.softlabels.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process a test starts, in a session and process group of its own (setsid), stopped with
 * everything it started when the test is done with it: its group's members, including those its
 * exited scripts left behind, and its descendants, which catch those that moved to a group of their
 * own (timeout(1), Jupyter's kernels, Chromium's helpers). Linux only, as are the scripts it runs
 * (unshare, /proc).
 */
final class ProcessTree implements AutoCloseable {

  /**
   * How long the tree has to stop on SIGTERM (bin/with-s3mock stops its server in a few seconds).
   */
  private static final Duration GRACE = Duration.ofSeconds(10);

  private static final Set<ProcessTree> OPEN = ConcurrentHashMap.newKeySet();

  static {
    // In a session of its own a tree no longer gets the terminal's Ctrl-C, so a test JVM that is
    // stopped itself (Ctrl-C, failsafe's own timeout) stops its trees on the way out.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(ProcessTree::close)));
  }

  private final Process process;

  private ProcessTree(Process process) {
    this.process = process;
  }

  /**
   * Starts the builder's command under setsid. setsid forks only when its caller leads a process
   * group, which a JVM's fresh child never does: so the process started is the group's leader and
   * its PID is the group's ID.
   */
  static ProcessTree start(ProcessBuilder builder) throws IOException {
    List<String> command = builder.command();
    List<String> inSession = new ArrayList<>(command.size() + 1);
    inSession.add("setsid");
    inSession.addAll(command);
    ProcessTree tree;
    try {
      tree = new ProcessTree(builder.command(inSession).start());
    } finally {
      builder.command(command);
    }
    OPEN.add(tree);
    return tree;
  }

  Process process() {
    return process;
  }

  /** Sends a signal (STOP, CONT, ...) to every member of the tree. */
  void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, "--", "-" + process.pid()).inheritIO().start();
    if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** True when the process ended within the limit. */
  boolean waitFor(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * SIGTERM to every member, then SIGKILL to whatever is left after the grace period or started
   * meanwhile.
   */
  @Override
  public void close() {
    OPEN.remove(this);
    List<ProcessHandle> members = members();
    members.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + GRACE.toNanos();
    while (members.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      pause();
    }
    for (int round = 0; round < 20; round++) {
      members = members();
      if (members.isEmpty()) {
        return;
      }
      members.forEach(ProcessHandle::destroyForcibly);
      pause();
    }
    throw new IllegalStateException(process.pid() + "'s processes survive SIGKILL: " + members);
  }

  /**
   * The live members: the descendants are listed before anything is signalled, as a killed parent's
   * children are reparented and no longer descendants.
   */
  private List<ProcessHandle> members() {
    Set<ProcessHandle> members = new LinkedHashSet<>();
    members.add(process.toHandle());
    process.descendants().forEach(members::add);
    ProcessHandle.allProcesses()
        .filter(p -> groupOf(p.pid()) == process.pid())
        .forEach(members::add);
    return members.stream().filter(ProcessHandle::isAlive).toList();
  }

  /**
   * The process group, from /proc/PID/stat: its fifth field, counted after the command name in
   * brackets.
   */
  private static long groupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    } catch (IOException e) {
      return -1; // ended meanwhile
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
