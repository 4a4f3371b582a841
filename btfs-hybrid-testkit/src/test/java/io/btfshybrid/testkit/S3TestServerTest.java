package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.s3.S3AccessDeniedException;
import io.btfshybrid.s3.S3Tier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 test server is a real, authenticated S3 endpoint that S3Tier and the AWS SDK agree on. */
class S3TestServerTest {
  @Test
  void tierRoundTripsAndTheAwsSdkSeesTheSameBytes() throws IOException {
    byte[] bytes = "hello from the testkit".getBytes(StandardCharsets.UTF_8);
    try (S3TestServer s3 = S3TestServer.start();
        S3Tier tier = s3.newTier("cloud");
        S3Client sdk =
            S3Client.builder()
                .endpointOverride(s3.endpoint())
                .region(Region.of(s3.region()))
                .forcePathStyle(true)
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build()) {
      assertEquals("127.0.0.1", s3.endpoint().getHost());
      assertEquals(S3TestServer.DEFAULT_BUCKET, s3.bucket());

      Locator where = tier.write("a/b.txt", new ByteArrayInputStream(bytes), bytes.length);

      try (InputStream in = tier.read(where, 0, -1)) {
        assertArrayEquals(bytes, in.readAllBytes());
      }
      assertArrayEquals(
          bytes, sdk.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("a/b.txt")).asByteArray());
    }
  }

  @Test
  void serversAreIsolatedAndCredentialsAreChecked() throws IOException {
    try (S3TestServer first = S3TestServer.start("one");
        S3TestServer second = S3TestServer.start("two")) {
      assertNotEquals(first.endpoint(), second.endpoint());
      assertNotEquals(first.secretKey(), second.secretKey());
      try (S3Tier intruder =
          S3Tier.builder()
              .id("intruder")
              .endpoint(first.endpoint())
              .bucket("one")
              .pathStyle(true)
              .credentials(second.accessKey(), second.secretKey())
              .build()) {
        assertThrows(
            S3AccessDeniedException.class,
            () -> intruder.write("x", new ByteArrayInputStream(new byte[1]), 1));
      }
    }
  }

  @Test
  void closeStopsListeningAndIsIdempotent() throws IOException {
    S3TestServer s3 = S3TestServer.start();
    int port = s3.endpoint().getPort();
    s3.close();
    s3.close();

    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
  }

  @Test
  void onDiskServerKeepsObjectsAsPlainFiles(@TempDir Path dir) throws IOException {
    byte[] bytes = "on disk".getBytes(StandardCharsets.UTF_8);
    try (S3TestServer s3 = S3TestServer.startOnDisk("disk-bucket", dir);
        S3Tier tier = s3.newTier("cloud")) {
      tier.write("nested/object.txt", new ByteArrayInputStream(bytes), bytes.length);

      assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("disk-bucket/nested/object.txt")));
    }
  }

  @Test
  void extraBucketsCanBeCreated() throws IOException {
    try (S3TestServer s3 = S3TestServer.start();
        S3Tier other = s3.tierBuilder("other").bucket("second-bucket").build()) {
      s3.createBucket("second-bucket");
      Locator where = other.write("k", new ByteArrayInputStream(new byte[] {7}), 1);
      assertTrue(where.uri().toString().startsWith("s3://second-bucket/"));
      assertEquals(1, other.stat(where).orElseThrow().size());
    }
  }
}
