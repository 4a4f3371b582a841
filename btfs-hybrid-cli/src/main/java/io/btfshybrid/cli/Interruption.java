package io.btfshybrid.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) handling: a shutdown hook interrupts the command's thread, waits a few seconds
 * for it to stop cleanly (an interrupted S3 upload aborts its multipart upload), removes every
 * temporary file still registered, and prints what was done; the JVM then exits with 130.
 */
final class Interruption implements AutoCloseable {
  private static final long GRACE_SECONDS = 10;
  private static volatile Interruption current = new Interruption(null, null);

  private final Set<Path> temporary = ConcurrentHashMap.newKeySet();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread worker;
  private final PrintWriter err;
  private final Thread hook;
  private volatile boolean requested;
  private volatile String progress = "nothing was written yet";

  private Interruption(Thread worker, PrintWriter err) {
    this.worker = worker;
    this.err = err;
    this.hook = worker == null ? null : new Thread(this::onSignal, "btfs-hybrid-sigint");
  }

  /** Installs the handler for the calling thread's command (the real entry point only). */
  static Interruption install(PrintWriter err) {
    Interruption i = new Interruption(Thread.currentThread(), err);
    Runtime.getRuntime().addShutdownHook(i.hook);
    current = i;
    return i;
  }

  /** The handler of an in-process run: it tracks files but never sees a signal. */
  static Interruption none() {
    return current.worker == null ? current : new Interruption(null, null);
  }

  /** The handler of this process. */
  static Interruption current() {
    return current;
  }

  boolean requested() {
    return requested;
  }

  /** Registers a temporary file to remove if the command is interrupted. */
  void track(Path file) {
    temporary.add(file);
  }

  /** The file was renamed into place or removed by the command itself. */
  void untrack(Path file) {
    temporary.remove(file);
  }

  /** What has been done so far, printed if the command is interrupted. */
  void progress(String summary) {
    this.progress = summary;
  }

  private void onSignal() {
    requested = true;
    worker.interrupt();
    try {
      finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int removed = 0;
    for (Path p : temporary) {
      try {
        if (Files.deleteIfExists(p)) {
          removed++;
        }
      } catch (IOException e) {
        err.println("btfs-hybrid: could not remove temporary file " + p + ": " + e.getMessage());
      }
    }
    err.println();
    err.println(
        "btfs-hybrid: interrupted: "
            + progress
            + (removed > 0 ? "; removed " + removed + " temporary file(s)" : ""));
    err.flush();
  }

  @Override
  public void close() {
    finished.countDown();
    if (hook != null && !requested) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it prints the summary and the JVM exits with 130
      }
    }
  }
}
