package io.btfshybrid.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The real entry point in its own JVM ({@code java -cp <test class path> io.btfshybrid.cli.Main}),
 * its streams read without blocking it, so signals, exit codes and terminals behave as for users.
 */
final class CliProcess {
  private static final long HANG_GUARD_SECONDS = 90;

  private final Process process;
  private final CompletableFuture<String> out;
  private final CompletableFuture<String> err;

  private CliProcess(Process process) {
    this.process = process;
    this.out = drain(process.getInputStream());
    this.err = drain(process.getErrorStream());
  }

  /** What one run printed and returned. */
  record Result(int code, String out, String err) {
    String firstLine() {
      return out.lines().findFirst().orElse("");
    }
  }

  static Result run(Path dir, String... args) {
    return start(dir, env -> {}, args).await();
  }

  static Result run(Path dir, Consumer<Map<String, String>> env, String... args) {
    return start(dir, env, args).await();
  }

  static CliProcess start(Path dir, Consumer<Map<String, String>> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    env.accept(pb.environment());
    try {
      return new CliProcess(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGINT, as Ctrl-C in a terminal does (Java has no API for it, so {@code kill -INT}). */
  void interrupt() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -INT " + pid() + " failed");
    }
  }

  Result await() {
    try {
      if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("btfs-hybrid did not finish within " + HANG_GUARD_SECONDS + " s");
      }
      return new Result(process.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    // a thread per stream: the common pool may have a single thread on a small machine
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              ByteArrayOutputStream bytes = new ByteArrayOutputStream();
              try (in) {
                in.transferTo(bytes);
                text.complete(bytes.toString(StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(e);
              }
            },
            "cli-process-stream");
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
