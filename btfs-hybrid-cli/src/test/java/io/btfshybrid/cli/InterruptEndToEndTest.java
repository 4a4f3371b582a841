package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.testkit.BtfsNodeSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C stops a pull cleanly (exit 130, no temporary file) and --resume finishes it. */
class InterruptEndToEndTest {
  @TempDir Path tmp;

  @Test
  void sigintMidPullThenResumeEndsByteIdenticalWithNoTemporaryFile() throws Exception {
    try (BtfsNodeSimulator node = BtfsNodeSimulator.start(tmp.resolve("node"))) {
      // the mirror holds the manifest (BTFS cannot look one up by name); the shards, once the
      // mirror's copies are gone, come from the slowed-down BTFS node
      Fixture fx =
          new Fixture(
              tmp,
              "  - { id: mirror, type: file, kind: replica, root: tiers/mirror }\n"
                  + "  - { id: btfs, type: btfs, kind: btfs, api: \""
                  + node.apiUrl()
                  + "\" }\n");
      byte[] big = new byte[3 << 20];
      new Random(11).nextBytes(big);
      Files.write(fx.source.resolve("part/z-big.bin"), big);
      fx.publish("1");
      com.google.common.io.MoreFiles.deleteRecursively(tmp.resolve("tiers/mirror/blobs"));

      node.slowBodies(Duration.ofMillis(40)); // 3 MiB in 64 KiB pieces: about 2 s to read
      Path out = tmp.resolve("out");
      CliProcess pull =
          CliProcess.start(
              tmp, env -> {}, "--config", fx.config.toString(), "pull", "ds@1", "--out", "out");
      awaitTemporaryFileOf(out, "z-big.bin", pull);
      pull.interrupt();
      CliProcess.Result stopped = pull.await();
      assertEquals(ExitCodes.INTERRUPTED, stopped.code(), stopped.err());
      assertTrue(stopped.err().contains("interrupted:"), stopped.err());
      assertTrue(stopped.err().contains("--resume"), stopped.err());
      assertEquals(0, Fixture.temporaryFiles(out), "temporary files removed");
      assertTrue(Files.exists(out.resolve("part/f0.bin")), "the files before it are kept");

      node.slowBodies(Duration.ZERO);
      CliProcess.Result resumed = fx.cli("--json", "pull", "ds@1", "--out", "out", "--resume");
      assertEquals(0, resumed.code(), resumed.err());
      assertTrue(resumed.out().contains("\"filesKept\" : 4"), resumed.out());
      try (Stream<Path> files = Files.walk(fx.source)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Path copy = out.resolve(fx.source.relativize(f).toString());
          assertEquals(-1, Files.mismatch(f, copy), copy.toString());
        }
      }
      assertEquals(0, Fixture.temporaryFiles(out));
    }
  }

  /** Waits (bounded) until the pull is writing {@code name}'s temporary file. */
  private static void awaitTemporaryFileOf(Path out, String name, CliProcess pull)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && pull.isAlive()) {
      if (Files.isDirectory(out.resolve("part"))) {
        try (Stream<Path> files = Files.list(out.resolve("part"))) {
          if (files.anyMatch(p -> SafePaths.isTemporaryOf(p, out.resolve("part/" + name)))) {
            return;
          }
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // poll
    }
    if (!pull.isAlive()) {
      CliProcess.Result r = pull.await();
      throw new AssertionError(
          "the pull ended (" + r.code() + ") before writing " + name + ": " + r.err());
    }
    throw new AssertionError("the pull never started writing " + name);
  }
}
