package io.btfshybrid.core;

import io.btfshybrid.core.samples.SampleIndexer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** The whole-object SHA-256 and per-chunk SHA-256s of a file, computed in one streaming pass. */
record ShardDigest(String sha256, long size, List<String> chunkHashes) {
  /**
   * The digest of {@code in} in {@code chunkSize} pieces, also feeding every buffer to {@code
   * indexer} (if any), so a shard's bytes are read and hashed once.
   */
  static ShardDigest of(InputStream in, int chunkSize, SampleIndexer indexer) throws IOException {
    Hasher hasher = new Hasher(chunkSize);
    byte[] buf = new byte[chunkSize];
    while (true) {
      int n = in.readNBytes(buf, 0, chunkSize);
      if (n == 0) {
        break;
      }
      hasher.write(buf, 0, n);
      if (indexer != null) {
        indexer.update(buf, 0, n);
      }
      if (n < chunkSize) {
        break;
      }
    }
    return hasher.finish();
  }

  /**
   * Hashes bytes as they are written, in any pieces: the whole-object SHA-256 and one SHA-256 per
   * {@code chunkSize} bytes. Used as a tee when the bytes are produced (e.g. ciphertext).
   */
  static final class Hasher extends OutputStream {
    private final int chunkSize;
    private final MessageDigest whole = Digests.sha256();
    private final MessageDigest chunk = Digests.sha256();
    private final List<String> chunks = new ArrayList<>();
    private long size;
    private int inChunk;

    Hasher(int chunkSize) {
      this.chunkSize = chunkSize;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      whole.update(b, off, len);
      size += len;
      while (len > 0) {
        int n = Math.min(len, chunkSize - inChunk);
        chunk.update(b, off, n);
        inChunk += n;
        off += n;
        len -= n;
        if (inChunk == chunkSize) {
          chunks.add(Digests.hex(chunk.digest()));
          inChunk = 0;
        }
      }
    }

    ShardDigest finish() {
      if (inChunk > 0) {
        chunks.add(Digests.hex(chunk.digest()));
        inChunk = 0;
      }
      return new ShardDigest(Digests.hex(whole.digest()), size, List.copyOf(chunks));
    }
  }
}
