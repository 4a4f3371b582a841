package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A reader runs its chunk's check itself when no pool thread has started it, waits for one a pool
 * thread runs, and leaves the checks behind it to the pool; a check's failure reaches the reader as
 * it was thrown.
 */
class ChunkHasherAwaitTest {
  @Test
  void aReaderRunsItsOwnUnstartedCheckAndLeavesTheOnesBehindToThePool() throws Exception {
    AtomicReference<Thread> ranHead = new AtomicReference<>();
    ChunkHasher.Pending head =
        new ChunkHasher.Pending(
            () -> {
              ranHead.set(Thread.currentThread());
              return false;
            });
    ChunkHasher.Pending behind = new ChunkHasher.Pending(() -> true);
    assertFalse(head.matches(), "the head's own answer: a mismatch stays");
    assertSame(Thread.currentThread(), ranHead.get(), "nobody had started it: the reader ran it");
    assertFalse(behind.isDone(), "the check behind was left for the pool");
  }

  @Test
  void aReaderWaitsForTheCheckAPoolThreadIsRunning() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    ChunkHasher.Pending head =
        new ChunkHasher.Pending(
            () -> {
              ranOn.set(Thread.currentThread());
              started.countDown();
              release.await();
              return true;
            });
    ExecutorService hashing = Executors.newSingleThreadExecutor();
    ExecutorService reading = Executors.newSingleThreadExecutor();
    try {
      hashing.execute(head);
      started.await();
      AtomicReference<Thread> reader = new AtomicReference<>();
      Future<Boolean> answer =
          reading.submit(
              () -> {
                reader.set(Thread.currentThread());
                return head.matches();
              });
      release.countDown();
      assertTrue(answer.get(30, TimeUnit.SECONDS));
      assertNotSame(reader.get(), ranOn.get(), "the pool thread's run was the only one");
    } finally {
      hashing.shutdownNow();
      reading.shutdownNow();
    }
  }

  @Test
  void aReadFailureInACheckReachesTheReaderTyped() {
    IOException cause = new IOException("source cache ended after 5 of 65536 bytes of chunk 3");
    ChunkHasher.Pending failing =
        new ChunkHasher.Pending(
            () -> {
              throw cause;
            });
    IOException thrown = assertThrows(IOException.class, failing::matches);
    assertSame(cause, thrown);
  }

  @Test
  void bufferHashesMatchArrayHashes() {
    try (ChunkHasher hasher = new ChunkHasher()) {
      byte[] bytes = Releases.random(3, 100_000);
      String hex = Digests.sha256Hex(bytes);
      java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(bytes.length);
      direct.put(bytes).flip();
      assertTrue(hasher.matches(direct, hex));
      assertEquals(0, direct.remaining(), "the hash consumed the buffer");
      direct.flip().put(7, (byte) (bytes[7] ^ 1)).position(0);
      assertFalse(hasher.matches(direct, hex));
      assertEquals(2L * bytes.length, hasher.bytesHashed());
    }
  }
}
