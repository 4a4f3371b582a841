package io.btfshybrid.testkit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Live threads and open file descriptors of this JVM at one moment, to check that a test leaves
 * none behind.
 */
record ResourceSnapshot(Set<Thread> threads, int threadCount, Set<String> fds) {
  private static final Path FD_DIR = Path.of("/proc/self/fd");

  static ResourceSnapshot take() throws IOException {
    return new ResourceSnapshot(
        Set.copyOf(Thread.getAllStackTraces().keySet()),
        ManagementFactory.getThreadMXBean().getThreadCount(),
        openFiles());
  }

  /**
   * Waits (joining, up to {@code patience} in all) for threads started since this snapshot to end,
   * then takes a new snapshot: threads that are merely shutting down are not counted as leaks.
   */
  ResourceSnapshot afterThreadsSettle(Duration patience) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    for (Thread t : newThreads(Thread.getAllStackTraces().keySet())) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, left / 1_000_000));
      }
    }
    return take();
  }

  /** The threads alive in {@code now} that were not in this snapshot. */
  List<Thread> newThreads(Set<Thread> now) {
    List<Thread> out = new ArrayList<>();
    for (Thread t : now) {
      if (t.isAlive() && !threads.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /** The names of threads alive now that were not in {@code before}. */
  List<String> threadsSince(ResourceSnapshot before) {
    return before.newThreads(threads).stream().map(Thread::getName).sorted().toList();
  }

  /** What the file descriptors open now but not in {@code before} point to. */
  Set<String> fdsSince(ResourceSnapshot before) {
    Set<String> out = new TreeSet<>(fds);
    out.removeAll(before.fds);
    return out;
  }

  /** {@code fd -> target} for every open descriptor; empty where /proc is not there. */
  private static Set<String> openFiles() throws IOException {
    if (!Files.isDirectory(FD_DIR)) {
      return Set.of();
    }
    Set<String> out = new TreeSet<>();
    try (Stream<Path> fds = Files.list(FD_DIR)) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          out.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
        } catch (IOException closedMeanwhile) {
          // the descriptor of the listing itself, or one closed while we looked
        }
      }
    }
    return out;
  }
}
