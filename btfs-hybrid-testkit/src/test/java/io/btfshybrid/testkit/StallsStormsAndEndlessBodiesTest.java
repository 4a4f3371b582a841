package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.TierKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The faults the chaos soak needs, on the tier alone: stalls released by close, endless bodies, 503
 * storms, the shared range and locator checks, and the conditional create passed through.
 */
class StallsStormsAndEndlessBodiesTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  final InMemoryTier memory = InMemoryTier.builder().id("mem").kind(TierKind.CLOUD).build();
  final FaultInjectingTier faults = FaultInjectingTier.wrap(memory);
  final byte[] content = TestDatasets.randomBytes(3, 10_000);
  final Locator a = memory.put("blobs/a", content);
  final Locator b = memory.put("blobs/b", content);
  final ExecutorService reader = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopReader() {
    reader.shutdownNow();
  }

  @Test
  void aStalledReadServesTheBytesBeforeTheStallThenWaitsUntilItsStreamIsClosed() {
    faults.stallAt("blobs/a", 4000);
    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          InputStream in = faults.read(a, 1000, -1);
          assertArrayEquals(Arrays.copyOfRange(content, 1000, 4000), in.readNBytes(3000));
          Future<Integer> stalled = reader.submit(() -> in.read(new byte[10]));
          while (faults.stalledNow() == 0) {
            Thread.onSpinWait(); // the reader is on its way into the stall
          }
          in.close(); // what a caller's stall timeout does
          ExecutionException e = assertThrows(ExecutionException.class, stalled::get);
          assertTrue(e.getCause() instanceof IOException, e.getCause().toString());
          assertTrue(e.getCause().getMessage().contains("offset 4000"), e.getCause().toString());
          assertEquals(0, faults.stalledNow());
          assertEquals(1, faults.stalledReads());
        });
  }

  @Test
  void anInterruptAlsoReleasesAStall() {
    faults.stallAt(a, 0);
    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          try (InputStream in = faults.read(a, 0, -1)) {
            Future<Integer> stalled = reader.submit(() -> in.read());
            while (faults.stalledNow() == 0) {
              Thread.onSpinWait();
            }
            reader.shutdownNow();
            ExecutionException e = assertThrows(ExecutionException.class, stalled::get);
            assertTrue(e.getCause() instanceof InterruptedIOException, e.getCause().toString());
          }
          assertEquals(0, faults.stalledNow());
        });
  }

  @Test
  void aRequestThatEndsBeforeTheStallIsServedAndOtherObjectsNeverStall() throws IOException {
    faults.stallAt("blobs/a", 4000);
    assertArrayEquals(Arrays.copyOf(content, 4000), read(a, 0, 4000), "ends at the stall");
    assertArrayEquals(content, read(b, 0, -1));
    faults.heal("blobs/a");
    assertArrayEquals(content, read(a, 0, -1));
    assertEquals(0, faults.stalledReads());
  }

  @Test
  void anEndlessBodyNeverEndsWhateverLengthWasAskedForAndClosesAtOnce() throws IOException {
    faults.endlessBodyAt("blobs/a", 50);
    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          InputStream in = faults.read(a, 0, 100);
          assertArrayEquals(Arrays.copyOf(content, 50), in.readNBytes(50));
          byte[] more = in.readNBytes(4 << 20);
          assertEquals(4 << 20, more.length, "far past the 100 bytes asked for");
          for (byte x : more) {
            assertEquals(FaultyStream.GARBAGE, x);
          }
          assertTrue(in.read() >= 0, "still not at the end");
          in.close();
          assertThrows(IOException.class, in::read, "a closed stream serves nothing");
        });
    assertArrayEquals(
        Arrays.copyOf(content, 49), read(a, 0, 49), "a request ending before it is clean");
  }

  @Test
  void aStormFailsExactlyItsBurstOfRequestsAsUnavailableThenPasses() throws IOException {
    faults.unavailable("blobs/a", 2);
    HybridStorageException first =
        assertThrows(HybridStorageException.class, () -> faults.read(a, 0, -1));
    assertTrue(first.getMessage().contains("503"), first.getMessage());
    assertTrue(first.getMessage().contains("'mem'"), first.getMessage());
    assertThrows(HybridStorageException.class, () -> faults.stat(a), "stats are in the storm");
    assertArrayEquals(content, read(a, 0, -1), "the burst is over");
    assertEquals(2, faults.unavailableAnswers());

    faults.unavailable(Integer.MAX_VALUE);
    for (int i = 0; i < 5; i++) {
      assertThrows(HybridStorageException.class, () -> faults.read(b, 0, -1));
    }
    faults.heal();
    assertArrayEquals(content, read(b, 0, -1));
    assertEquals(7, faults.unavailableAnswers());
  }

  @Test
  void rangesPastTheEndReadToTheEndAndForeignLocatorsAreNotFound() throws IOException {
    faults.corruptByteAt(a, 9999);
    byte[] tail = read(a, 9990, Long.MAX_VALUE);
    assertEquals(10, tail.length);
    assertEquals((byte) (content[9999] ^ 0xFF), tail[9]);
    assertArrayEquals(new byte[0], read(a, Long.MAX_VALUE, Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> faults.read(a, 0, -2));
    assertThrows(IllegalArgumentException.class, () -> faults.read(a, -1, 10));
    Locator foreign = new Locator("other", a.uri());
    assertThrows(ObjectNotFoundException.class, () -> faults.read(foreign, 0, -1));
    assertThrows(ObjectNotFoundException.class, () -> faults.stat(foreign));
  }

  @Test
  void writeNewPassesTheConditionalCreateThrough() throws IOException {
    Locator made = faults.writeNew("blobs/c", new ByteArrayInputStream(content), content.length);
    assertEquals(URI.create("mem://mem/blobs/c"), made.uri());
    ObjectExistsException e =
        assertThrows(
            ObjectExistsException.class,
            () -> faults.writeNew("blobs/c", new ByteArrayInputStream(new byte[3]), 3));
    assertEquals(made, e.locator());
    assertArrayEquals(content, memory.bytes("blobs/c"), "the loser changed nothing");
  }

  private byte[] read(Locator where, long offset, long length) throws IOException {
    try (InputStream in = faults.read(where, offset, length)) {
      return in.readAllBytes();
    }
  }
}
