package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.HybridStorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedReadsTest {
  @TempDir Path tmp;

  @Test
  void aDocumentOfExactlyTheLimitIsReadWhole() throws IOException {
    byte[] doc = Releases.random(7, 1000);
    assertArrayEquals(doc, BoundedReads.readAtMost(new ByteArrayInputStream(doc), 1000, "doc"));
  }

  @Test
  void oneByteOverTheLimitIsRefusedNamingWhatAndTheLimit() {
    byte[] doc = new byte[1001];
    BoundedReads.TooLargeException e =
        assertThrows(
            BoundedReads.TooLargeException.class,
            () -> BoundedReads.readAtMost(new ByteArrayInputStream(doc), 1000, "the pointer"));
    assertEquals(1000, e.limit());
    assertTrue(e.getMessage().contains("the pointer"), e.getMessage());
    assertTrue(e.getMessage().contains("1000 bytes"), e.getMessage());
  }

  @Test
  void anEndlessStreamIsReadOnlyJustPastTheLimitAndClosed() {
    AtomicLong served = new AtomicLong();
    AtomicBoolean closed = new AtomicBoolean();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            served.incrementAndGet();
            return 'x';
          }

          @Override
          public void close() {
            closed.set(true);
          }
        };
    assertThrows(
        HybridStorageException.class, () -> BoundedReads.readAtMost(endless, 4096, "reply"));
    assertEquals(4097, served.get());
    assertTrue(closed.get(), "the stream is closed");
  }

  @Test
  void anOversizedKeyFileIsRefusedAsAKeysetNamingTheLimit() throws IOException {
    Path file = tmp.resolve("keks.json");
    Files.write(file, new byte[(1 << 20) + 1]);
    InvalidKeysetException e =
        assertThrows(InvalidKeysetException.class, () -> LocalKeyManagementService.load(file));
    assertTrue(e.getMessage().contains(String.valueOf(1 << 20)), e.getMessage());
  }
}
