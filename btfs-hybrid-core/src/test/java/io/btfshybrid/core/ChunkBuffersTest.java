package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Chunk buffers: aligned, sized to a power of two with the limit asked for, reused once given back,
 * never more than the idle bound kept, and only buffers of their own kind taken back.
 */
class ChunkBuffersTest {
  @Test
  void aTakenBufferIsAlignedWithItsLengthAsLimit() {
    ChunkBuffers buffers = new ChunkBuffers();
    ByteBuffer b = buffers.take(1_000_000);
    assertTrue(b.isDirect());
    assertEquals(1 << 20, b.capacity(), "rounded up to a power of two");
    assertEquals(1_000_000, b.limit());
    assertEquals(0, b.position());
    assertEquals(0, b.alignmentOffset(0, DirectBuffers.ALIGNMENT));
    assertEquals(4096, buffers.take(10).capacity(), "small lengths share one size");
  }

  @Test
  void aBufferGivenBackIsTakenAgainForTheSameSize() {
    ChunkBuffers buffers = new ChunkBuffers();
    ByteBuffer b = buffers.take(65_536);
    b.position(100);
    buffers.give(b);
    assertEquals(65_536, buffers.idleBytes());
    ByteBuffer again = buffers.take(40_000);
    assertSame(b, again, "64 KiB serves any length over 32 KiB");
    assertEquals(0, again.position());
    assertEquals(40_000, again.limit());
    assertEquals(0, buffers.idleBytes());
    assertNotSame(b, buffers.take(65_536), "taken once, not twice");
  }

  @Test
  void noMoreThanTheIdleBoundIsKept() {
    ChunkBuffers buffers = new ChunkBuffers();
    int size = 4 << 20;
    int fits = (int) (ChunkBuffers.MAX_IDLE_BYTES / size);
    ByteBuffer[] taken = new ByteBuffer[fits + 3];
    for (int i = 0; i < taken.length; i++) {
      taken[i] = buffers.take(size);
    }
    for (ByteBuffer b : taken) {
      buffers.give(b);
    }
    assertEquals((long) fits * size, buffers.idleBytes());
  }

  @Test
  void buffersOfAnotherKindAreNotKept() {
    ChunkBuffers buffers = new ChunkBuffers();
    buffers.give(ByteBuffer.allocate(4096));
    buffers.give(buffers.take(4096).asReadOnlyBuffer());
    buffers.give(ByteBuffer.allocateDirect(5000));
    assertEquals(0, buffers.idleBytes());
  }
}
