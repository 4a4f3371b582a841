package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.testkit.LinkConditions;
import io.btfshybrid.testkit.S3TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * S3Tier's parallel ranged reads on a real S3 server (S3Proxy), behind {@link LinkConditions} for
 * faults: exact bytes across part boundaries, a part broken mid-way resumed on a fresh connection,
 * a stalled part abandoned at the stall deadline, and a close mid-read that leaves nothing behind.
 * (In the s3 package to reach the builder's small test part sizes; the testkit holds the servers.)
 */
class S3ParallelReadOnLinkTest {
  private static final Duration GUARD = Duration.ofSeconds(30);
  private static final int PART = 256 * 1024;
  private static final byte[] OBJECT = new byte[20 * PART + 12_345];

  private static S3TestServer s3;

  @BeforeAll
  static void start() throws IOException {
    new Random(13).nextBytes(OBJECT);
    s3 = S3TestServer.start();
    try (S3Tier writer = s3.newTier("writer")) {
      writer.write("object.bin", new ByteArrayInputStream(OBJECT), OBJECT.length);
    }
  }

  @AfterAll
  static void stop() throws IOException {
    s3.close();
  }

  /** Small parts (256 KiB) read 2 at first, up to 8, within a 1 MiB budget. */
  private static S3Tier.Builder parallelTier(java.net.URI endpoint) {
    return s3.tierBuilder("parallel")
        .endpoint(endpoint)
        .minimumPartSize(1)
        .partSize(PART)
        .parallelReadThreshold(PART)
        .parallelism(2)
        .maxReadParallelism(8)
        .readBufferBytes(4L * PART)
        .retries(3, Duration.ofMillis(1), Duration.ofMillis(5));
  }

  private static byte[] read(S3Tier tier, long offset, long length) throws IOException {
    Locator where = tier.locate("object.bin").orElseThrow();
    try (InputStream in = tier.read(where, offset, length)) {
      return in.readAllBytes();
    }
  }

  @Test
  void deliversExactBytesAcrossPartBoundaries() throws Exception {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (S3Tier tier = parallelTier(s3.endpoint()).build()) {
            assertArrayEquals(OBJECT, read(tier, 0, -1));
            assertArrayEquals(
                Arrays.copyOfRange(OBJECT, 100_000, 100_000 + 9 * PART + 7),
                read(tier, 100_000, 9 * PART + 7));
            assertArrayEquals( // starts and ends on part boundaries
                Arrays.copyOfRange(OBJECT, 3 * PART, 11 * PART), read(tier, 3 * PART, 8 * PART));
            assertArrayEquals(
                Arrays.copyOfRange(OBJECT, OBJECT.length - 3 * PART - 1, OBJECT.length),
                read(tier, OBJECT.length - 3 * PART - 1, Long.MAX_VALUE));
          }
        });
  }

  @Test
  void aPartBrokenMidwayResumesThatPartOnAFreshConnection() throws Exception {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          // connection 1 carries the first GET; connection 2 a part, reset 100 kB into its body
          try (LinkConditions link =
                  LinkConditions.builder().upstream(s3.endpoint()).reset(2, 100_000).build();
              S3Tier tier = parallelTier(link.endpoint(s3.endpoint())).build()) {
            assertArrayEquals(OBJECT, read(tier, 0, -1));
            assertTrue(tier.freshConnectionAttempts() >= 1, "the retry asked for a new connection");
            assertTrue(
                link.connectionsAccepted() >= 3,
                "the retry came on a new connection: " + link.connectionsAccepted());
            // resumed where it broke, not refetched: at most headers on top of the object
            long overhead = link.bytesToClients() - OBJECT.length;
            assertTrue(overhead < 50_000, overhead + " bytes sent beyond the object");
          }
        });
  }

  @Test
  void aStalledPartIsAbandonedAtTheStallDeadlineAfterTheGoodBytes() throws Exception {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (LinkConditions link =
                  LinkConditions.builder()
                      .upstream(s3.endpoint())
                      .stall(2, 100_000, Duration.ofSeconds(60))
                      .build();
              S3Tier tier =
                  parallelTier(link.endpoint(s3.endpoint()))
                      .stallTimeout(Duration.ofMillis(300))
                      .build()) {
            ByteArrayOutputStream delivered = new ByteArrayOutputStream();
            Locator where = tier.locate("object.bin").orElseThrow();
            IOException e =
                assertThrows(
                    IOException.class,
                    () -> {
                      try (InputStream in = tier.read(where, 0, -1)) {
                        in.transferTo(delivered);
                      }
                    });
            assertTrue(
                e instanceof S3ReadTimeoutException
                    || e.getCause() instanceof S3ReadTimeoutException,
                "expected the stall deadline, got " + e);
            assertTrue(e.getMessage().contains("object.bin"), e.getMessage());
            byte[] got = delivered.toByteArray();
            assertTrue(got.length < OBJECT.length, "the read cannot have completed");
            assertArrayEquals(Arrays.copyOf(OBJECT, got.length), got);
          }
        });
  }

  @Test
  void closingMidReadReleasesEveryConnectionAndThread() throws Exception {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (LinkConditions link =
              LinkConditions.builder()
                  .upstream(s3.endpoint())
                  .bandwidthPerConnection(2_000_000) // slow: parts are mid-flight at close
                  .build()) {
            S3Tier tier = parallelTier(link.endpoint(s3.endpoint())).build();
            try (InputStream in = tier.read(tier.locate("object.bin").orElseThrow(), 0, -1)) {
              assertArrayEquals(Arrays.copyOf(OBJECT, 10_000), in.readNBytes(10_000));
            }
            tier.close();
            while (link.openConnections() > 0) { // the aborted parts' and the pool's connections
              LockSupport.parkNanos(1_000_000);
            }
            assertTrue(
                link.bytesToClients() < OBJECT.length / 2,
                link.bytesToClients() + " bytes fetched for a read closed after 10 kB");
            List<String> left = tierThreads();
            while (!left.isEmpty()) { // pool threads end after shutdownNow; the guard bounds this
              LockSupport.parkNanos(1_000_000);
              left = tierThreads();
            }
            assertEquals(List.of(), left);
          }
        });
  }

  private static List<String> tierThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("s3tier-parallel") || n.startsWith("s3-deadline"))
        .toList();
  }
}
