package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.BitSet;

/**
 * A shard held in the client's disk cache until closed: never evicted meanwhile, and read from
 * local disk with each chunk verified against the manifest once, on its first read through this
 * handle (a copy this process has just filled, verifying every chunk as it wrote it, is not hashed
 * again). The handle maps the file it verified, so a copy the cache replaces (always by rename)
 * cannot change what it serves; plaintext ranges come back as read-only views of the mapping,
 * without a copy. A chunk found damaged drops the copy, is counted as an integrity failure of the
 * cache, and this handle's reads go to the tiers from then on. Thread-safe.
 */
public final class PinnedShard implements Closeable {
  private final Dataset dataset;
  private final ShardEntry shard;
  private final DiskCache cache;
  private final VerifiedReadListener listener;
  private final ByteBuffer mapped; // null for a shard over 2 GiB: those read through the dataset
  private final BitSet verified = new BitSet(); // guarded by this
  private volatile boolean allChunksVerified;
  private final boolean justFilled; // its chunks were verified as this process wrote them
  private int chunksHashed; // guarded by this
  private boolean damaged; // guarded by this
  private boolean closed; // guarded by this

  PinnedShard(
      Dataset dataset,
      ShardEntry shard,
      DiskCache cache,
      Path file,
      VerifiedReadListener listener,
      boolean justFilled)
      throws IOException {
    this.dataset = dataset;
    this.justFilled = justFilled;
    this.shard = shard;
    this.cache = cache;
    this.listener = listener;
    if (shard.storedSize() <= Integer.MAX_VALUE) {
      try (FileChannel ch = FileChannel.open(file)) {
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, shard.storedSize());
        this.mapped = m;
      }
    } else {
      this.mapped = null;
    }
  }

  /** The pinned shard. */
  public ShardEntry shard() {
    return shard;
  }

  /**
   * {@code length} plaintext bytes from {@code offset}, as {@link Dataset#openShard(String, long,
   * long)} reads them but from the pinned copy, as a read-only buffer (a view of the mapped copy
   * for a plaintext shard); an encrypted shard decrypts only the segments the range touches.
   */
  public ByteBuffer read(long offset, int length) throws IOException {
    Preconditions.checkArgument(
        offset >= 0 && length >= 0 && length <= shard.size() - offset,
        "range [%s, +%s) is outside shard '%s' of %s bytes",
        offset,
        length,
        shard.path(),
        shard.size());
    if (mapped == null || isDamaged()) {
      return viaTiers(offset, length);
    }
    try {
      if (!dataset.isEncrypted()) {
        return stored(offset, length);
      }
      ByteBuffer out = ByteBuffer.allocate(length);
      try (SeekableByteChannel plain = dataset.decryptingChannel(shard, new StoredChannel())) {
        plain.position(offset);
        while (out.hasRemaining() && plain.read(out) >= 0) {
          // decrypts only the segments [offset, offset + length) lies in
        }
      }
      if (out.hasRemaining()) {
        throw new IntegrityException(
            shard.path(), offset + out.position(), null, "the shard ended inside the range");
      }
      return out.flip().asReadOnlyBuffer();
    } catch (IntegrityException e) {
      if (!isDamaged()) {
        throw e;
      }
      return viaTiers(offset, length); // the copy was bad: the tiers, verified as any read
    }
  }

  /** {@link #read} as a stream. */
  public InputStream openShard(long offset, int length) throws IOException {
    ByteBuffer b = read(offset, length);
    byte[] copy = new byte[b.remaining()];
    b.get(copy);
    return new java.io.ByteArrayInputStream(copy);
  }

  private ByteBuffer viaTiers(long offset, int length) throws IOException {
    try (InputStream in = dataset.openShard(shard.path(), offset, length)) {
      return ByteBuffer.wrap(in.readNBytes(length)).asReadOnlyBuffer();
    }
  }

  /** Stored bytes [at, at + n) of the mapping, after verifying chunks not verified yet. */
  private ByteBuffer stored(long at, int n) throws IntegrityException {
    if (n > 0) {
      int chunk = shard.chunkSize();
      int first = (int) (at / chunk);
      int last = (int) ((at + n - 1) / chunk);
      if (!allChunksVerified && !allVerified(first, last)) {
        verify(first, last);
      }
    }
    return mapped.slice((int) at, n).asReadOnlyBuffer();
  }

  private void verify(int first, int last) throws IntegrityException {
    MessageDigest digest = Digests.sha256();
    for (int c = first; c <= last; c++) {
      if (isVerified(c)) {
        continue;
      }
      long began = System.nanoTime();
      int length = shard.chunkLength(c);
      if (!justFilled) {
        digest.update(mapped.slice(c * shard.chunkSize(), length));
        if (!Digests.matches(digest.digest(), shard.chunkHashes().get(c))) {
          throw damaged(c);
        }
      }
      markVerified(c, !justFilled);
      listener.served(HealthTracker.CACHE_ID, length, System.nanoTime() - began);
    }
  }

  private synchronized boolean allVerified(int first, int last) {
    return verified.nextClearBit(first) > last;
  }

  private synchronized boolean isVerified(int chunk) {
    return verified.get(chunk);
  }

  private synchronized void markVerified(int chunk, boolean hashed) {
    chunksHashed += hashed ? 1 : 0;
    verified.set(chunk);
    if (verified.cardinality() == shard.chunkCount()) {
      allChunksVerified = true; // from now on reads take no lock
    }
  }

  /** How many chunks this handle has hashed (for tests: a just-filled copy hashes none). */
  synchronized int chunksHashed() {
    return chunksHashed;
  }

  private synchronized boolean isDamaged() {
    return damaged;
  }

  private IntegrityException damaged(int chunk) {
    IntegrityException e =
        new IntegrityException(
            shard.path(),
            (long) chunk * shard.chunkSize(),
            HealthTracker.CACHE_ID,
            "pinned cache copy: chunk " + chunk + " does not match its hash");
    boolean first;
    synchronized (this) {
      first = !damaged;
      damaged = true;
    }
    if (first) {
      listener.failed(HealthTracker.CACHE_ID, e, true);
      cache.drop(shard.storedSha256());
    }
    return e;
  }

  /** Releases the pin (once, however often called); the mapping goes with the last reference. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    cache.unpin(shard.storedSha256(), shard.storedSize());
  }

  /** The pinned stored bytes as a read-only channel, for decryption (segment = chunk). */
  private final class StoredChannel extends ReadOnlyChannel {
    StoredChannel() {
      super(shard.storedSize());
    }

    @Override
    int readAt(ByteBuffer dst, long at) throws IOException {
      int n = (int) Math.min(dst.remaining(), shard.storedSize() - at);
      dst.put(stored(at, n));
      return n;
    }
  }
}
