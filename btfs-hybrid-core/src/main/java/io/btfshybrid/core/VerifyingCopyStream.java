package io.btfshybrid.core;

import io.btfshybrid.api.IntegrityException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a source's stored bytes on to a tier's write only while they verify: a chunk that does not
 * match, or a stream that ends short or runs long, fails the read before the write can receive the
 * object's last byte, so no destination ever holds a complete-looking wrong copy.
 */
final class VerifyingCopyStream extends FilterInputStream {
  private final ChunkVerifier verifier;
  private final ReleaseObject object;
  private final String sourceId;

  VerifyingCopyStream(InputStream in, ReleaseObject object, String sourceId) {
    super(in);
    this.verifier = new ChunkVerifier(object);
    this.object = object;
    this.sourceId = sourceId;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      if (!verifier.complete()) {
        throw failure();
      }
      return n;
    }
    if (!verifier.update(b, off, n)) {
      throw failure();
    }
    if (verifier.seen() == object.size() && !verifier.complete()) {
      throw failure();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("a verified copy cannot skip bytes");
  }

  private IntegrityException failure() {
    return new IntegrityException(
        object.name(),
        Math.max(0, (long) verifier.firstBadChunk()) * object.chunkSize(),
        sourceId,
        verifier.problem());
  }
}
