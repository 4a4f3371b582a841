package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A reader runs its chunk's check itself when no pool thread has started it; while a pool thread
 * runs it, the reader runs the checks behind it that nobody has started, and leaves them to the
 * pool once its own is answered; a check's failure reaches the reader as it was thrown.
 */
class ChunkHasherAwaitTest {
  @Test
  void aWaitingReaderRunsTheUnstartedChecksBehindItsChunk() throws Exception {
    CountDownLatch headStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ChunkHasher.Pending head =
        new ChunkHasher.Pending(
            () -> {
              headStarted.countDown();
              release.await();
              return false;
            });
    AtomicReference<Thread> ranBehind = new AtomicReference<>();
    ChunkHasher.Pending behind =
        new ChunkHasher.Pending(
            () -> {
              ranBehind.set(Thread.currentThread());
              release.countDown(); // only now can the head's hash finish
              return true;
            });
    ExecutorService hashing = Executors.newSingleThreadExecutor();
    ExecutorService reading = Executors.newSingleThreadExecutor();
    try {
      hashing.execute(head);
      headStarted.await();
      AtomicReference<Thread> reader = new AtomicReference<>();
      Future<Boolean> answer =
          reading.submit(
              () -> {
                reader.set(Thread.currentThread());
                return ChunkHasher.await(head, List.of(behind));
              });
      assertFalse(answer.get(30, TimeUnit.SECONDS), "the head's own answer: a mismatch stays");
      assertSame(reader.get(), ranBehind.get(), "the check behind ran on the waiting reader");
      assertTrue(behind.isDone());
      assertTrue(behind.matches());
    } finally {
      hashing.shutdownNow();
      reading.shutdownNow();
    }
  }

  @Test
  void aReaderRunsItsOwnUnstartedCheckThenLeavesTheOnesBehindToThePool() throws Exception {
    AtomicReference<Thread> ranHead = new AtomicReference<>();
    ChunkHasher.Pending head =
        new ChunkHasher.Pending(
            () -> {
              ranHead.set(Thread.currentThread());
              return false;
            });
    ChunkHasher.Pending behind = new ChunkHasher.Pending(() -> true);
    assertFalse(ChunkHasher.await(head, List.of(behind)), "the head's own answer stays");
    assertSame(Thread.currentThread(), ranHead.get(), "nobody had started it: the reader ran it");
    assertFalse(behind.isDone(), "its chunk was ready: the check behind was left for the pool");
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
