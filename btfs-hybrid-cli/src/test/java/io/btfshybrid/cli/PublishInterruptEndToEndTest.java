package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.testkit.S3TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C mid-publish to S3 exits 130; a re-run finishes the release, reusing what was uploaded. */
class PublishInterruptEndToEndTest {
  @TempDir Path tmp;

  @Test
  void sigintMidPublishThenRerunReusesTheUploadedBlobs() throws Exception {
    Path store = tmp.resolve("s3");
    try (S3TestServer s3 = S3TestServer.startOnDisk("datasets", store)) {
      Fixture fx =
          new Fixture(
              tmp,
              "  - { id: cloud, type: s3, bucket: datasets, endpoint: \""
                  + s3.endpoint()
                  + "\", region: "
                  + s3.region()
                  + ", pathStyle: true, accessKeyId: "
                  + s3.accessKey()
                  + ", secretAccessKey: "
                  + s3.secretKey()
                  + " }\n");
      byte[] big = new byte[24 << 20]; // above the 16 MiB multipart threshold
      new Random(3).nextBytes(big);
      Files.write(fx.source.resolve("part/z-big.bin"), big);
      CliProcess publish =
          CliProcess.start(
              tmp,
              env -> {},
              "--config",
              fx.config.toString(),
              "publish",
              fx.source.toString(),
              "--dataset",
              "ds",
              "--version",
              "1",
              "--signing-key",
              "signer.json");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      // wait (bounded) until the big file's multipart upload has begun
      while (System.nanoTime() < deadline
          && publish.isAlive()
          && files(store).stream().noneMatch(f -> f.contains("mpu"))) {
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // poll
      }
      publish.interrupt();
      CliProcess.Result stopped = publish.await();
      assertEquals(ExitCodes.INTERRUPTED, stopped.code(), stopped.err());
      assertTrue(stopped.err().contains("interrupted: publish of ds@1"), stopped.err());
      // the multipart upload in flight was aborted: S3Proxy keeps no stub of an open upload
      assertTrue(
          files(store).stream().noneMatch(f -> f.contains("mpu")),
          "an open multipart upload was left: " + files(store));
      CliProcess.Result rerun =
          fx.cli(
              "--json",
              "publish",
              fx.source.toString(),
              "--dataset",
              "ds",
              "--version",
              "1",
              "--signing-key",
              "signer.json");
      assertEquals(0, rerun.code(), rerun.err());
      // the four small files uploaded before the interruption are reused, not uploaded again
      assertTrue(rerun.out().contains("\"objectsReused\" : 4"), rerun.out());
      assertTrue(files(store).stream().anyMatch(f -> f.startsWith("datasets/manifests/ds/1.json")));
    }
  }

  private static java.util.List<String> files(Path store) throws IOException {
    if (!Files.exists(store)) {
      return java.util.List.of();
    }
    try (Stream<Path> all = Files.walk(store)) {
      return all.filter(Files::isRegularFile)
          .map(p -> store.relativize(p) + ":" + p.toFile().length())
          .toList();
    }
  }
}
