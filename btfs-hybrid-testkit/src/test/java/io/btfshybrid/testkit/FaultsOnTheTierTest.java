package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fault-injecting tier on its own: exact semantics of each fault, targeting and counters. */
class FaultsOnTheTierTest {
  final InMemoryTier memory =
      InMemoryTier.builder().id("mem").kind(TierKind.CLOUD).region("eu").build();
  final FaultInjectingTier faults = FaultInjectingTier.wrap(memory);
  final byte[] content = TestDatasets.randomBytes(1, 10_000);
  final Locator a = memory.put("blobs/a", content);
  final Locator b = memory.put("blobs/b", content);

  @Test
  void itLooksExactlyLikeTheWrappedTier() throws IOException {
    assertEquals("mem", faults.id());
    assertEquals(TierKind.CLOUD, faults.kind());
    assertEquals(memory.region(), faults.region());
    assertEquals(memory.locate("k"), faults.locate("k"));
    assertArrayEquals(content, read(faults, a, 0, -1));
    assertArrayEquals(Arrays.copyOfRange(content, 10, 30), read(faults, a, 10, 20));
  }

  @Test
  void corruptionFlipsExactlyTheTargetedByteOfTheTargetedObject() throws IOException {
    faults.corruptByteAt("blobs/a", 5000).corruptByteAt(a, 5001);
    byte[] got = read(faults, a, 4990, 20);
    byte[] expected = Arrays.copyOfRange(content, 4990, 5010);
    expected[10] ^= (byte) 0xFF;
    expected[11] ^= (byte) 0xFF;
    assertArrayEquals(expected, got);
    assertArrayEquals(content, read(faults, b, 0, -1), "the other object is untouched");
    assertArrayEquals(
        Arrays.copyOfRange(content, 0, 4990),
        read(faults, a, 0, 4990),
        "a range before the damage is clean");
  }

  @Test
  void truncateFailAfterAndExtraBytesWorkAtObjectOffsets() throws IOException {
    faults.truncateAfter("blobs/a", 100);
    assertArrayEquals(Arrays.copyOfRange(content, 50, 100), read(faults, a, 50, 500));
    assertEquals(100, faults.stat(a).orElseThrow().size());
    faults.heal("blobs/a").failAfter("blobs/a", 300);
    try (InputStream in = faults.read(a, 200, -1)) {
      assertArrayEquals(Arrays.copyOfRange(content, 200, 300), in.readNBytes(100));
      IOException e = assertThrows(IOException.class, in::read);
      assertTrue(e.getMessage().contains("offset 300"), e.getMessage());
    }
    faults.heal().extraBytes(b, 3);
    byte[] longer = read(faults, b, 9990, 10);
    assertEquals(13, longer.length);
    assertArrayEquals(Arrays.copyOfRange(content, 9990, 10_000), Arrays.copyOf(longer, 10));
    assertArrayEquals(
        new byte[] {FaultyStream.GARBAGE, FaultyStream.GARBAGE, FaultyStream.GARBAGE},
        Arrays.copyOfRange(longer, 10, 13));
  }

  @Test
  void vanishAndFailReadsAreTypedAndHealable() throws IOException {
    faults.vanish("blobs/a");
    assertThrows(ObjectNotFoundException.class, () -> faults.read(a, 0, -1));
    assertTrue(faults.stat(a).isEmpty());
    faults.failReads(b);
    IOException e = assertThrows(IOException.class, () -> faults.read(b, 0, -1));
    assertTrue(e.getMessage().contains("blobs/b"), e.getMessage());
    faults.heal(b);
    assertArrayEquals(content, read(faults, b, 0, -1));
    assertThrows(
        ObjectNotFoundException.class, () -> faults.read(a, 0, -1), "healing b left a's fault");
    faults.heal();
    assertArrayEquals(content, read(faults, a, 0, -1));
    faults.failReads();
    assertThrows(IOException.class, () -> faults.read(b, 0, -1));
    assertThrows(
        IllegalArgumentException.class, () -> faults.vanish(""), "an empty target is refused");
  }

  @Test
  void dribbleAndDelaySlowReadsWithoutChangingBytes() throws IOException {
    faults.dribble("blobs/a", 7, Duration.ZERO).delay(Duration.ofMillis(20));
    try (InputStream in = faults.read(a, 0, -1)) {
      long t0 = System.nanoTime();
      byte[] first = new byte[100];
      assertEquals(7, in.read(first), "at most 7 bytes per read");
      assertTrue(System.nanoTime() - t0 >= 15_000_000L, "the first byte waited for the delay");
      assertArrayEquals(Arrays.copyOf(content, 7), Arrays.copyOf(first, 7));
      assertArrayEquals(Arrays.copyOfRange(content, 7, content.length), in.readAllBytes());
    }
  }

  @Test
  void countersAndRequestsArePerObject() throws IOException {
    read(faults, a, 0, -1);
    read(faults, a, 100, 50);
    read(faults, b, 0, 10);
    assertEquals(2, faults.reads("blobs/a"));
    assertEquals(10_050, faults.bytesServed(a));
    assertEquals(1, faults.reads(b));
    assertEquals(3, faults.reads());
    assertEquals(10_060, faults.bytesServed());
    assertEquals(
        List.of(0L, 100L),
        faults.requests("blobs/a").stream().map(FaultInjectingTier.Request::offset).toList());
    assertEquals(50, faults.requests(a).get(1).length());
    faults.resetCounters();
    assertEquals(0, faults.reads());
  }

  static byte[] read(FaultInjectingTier tier, Locator where, long offset, long length)
      throws IOException {
    try (InputStream in = tier.read(where, offset, length)) {
      return in.readAllBytes();
    }
  }
}
