package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.BitSet;

/**
 * A shard held in the client's disk cache until closed: never evicted meanwhile, and read from
 * local disk with each chunk verified against the manifest once, on its first read through this
 * handle. The handle keeps the verified file open, so a copy the cache replaces (always by rename)
 * cannot change what it serves. A chunk found damaged drops the copy, is counted as an integrity
 * failure of the cache, and this handle's reads go to the tiers from then on. Thread-safe.
 */
public final class PinnedShard implements Closeable {
  private final Dataset dataset;
  private final ShardEntry shard;
  private final DiskCache cache;
  private final java.nio.file.Path path;
  private volatile FileChannel file;
  private final VerifiedReadListener listener;
  private final BitSet verified = new BitSet(); // guarded by this
  private boolean damaged; // guarded by this
  private boolean closed; // guarded by this

  PinnedShard(
      Dataset dataset,
      ShardEntry shard,
      DiskCache cache,
      java.nio.file.Path path,
      VerifiedReadListener listener)
      throws IOException {
    this.dataset = dataset;
    this.shard = shard;
    this.cache = cache;
    this.path = path;
    this.file = FileChannel.open(path);
    this.listener = listener;
  }

  /** The pinned shard. */
  public ShardEntry shard() {
    return shard;
  }

  /**
   * {@code length} plaintext bytes from {@code offset}, as {@link Dataset#openShard(String, long,
   * long)} reads them, from the pinned copy; an encrypted shard decrypts only the segments the
   * range touches.
   */
  public InputStream openShard(long offset, long length) throws IOException {
    Preconditions.checkArgument(
        offset >= 0 && length >= 0 && length <= shard.size() - offset,
        "range [%s, +%s) is outside shard '%s' of %s bytes",
        offset,
        length,
        shard.path(),
        shard.size());
    if (isDamaged() || length > Integer.MAX_VALUE - 8) {
      return dataset.openShard(shard.path(), offset, length);
    }
    byte[] out = new byte[(int) length];
    try {
      if (dataset.isEncrypted()) {
        try (SeekableByteChannel plain = dataset.decryptingChannel(shard, new StoredChannel())) {
          plain.position(offset);
          ByteBuffer into = ByteBuffer.wrap(out);
          while (into.hasRemaining() && plain.read(into) >= 0) {
            // decrypts only the segments [offset, offset + length) lies in
          }
          if (into.hasRemaining()) {
            throw new IntegrityException(
                shard.path(), offset + into.position(), null, "the shard ended inside the range");
          }
        }
      } else {
        readStored(offset, out, 0, out.length);
      }
    } catch (IntegrityException e) {
      if (!isDamaged()) {
        throw e;
      }
      return dataset.openShard(shard.path(), offset, length); // the copy was bad: the tiers
    }
    return new ByteArrayInputStream(out);
  }

  /** Reads stored bytes [at, at + n) into {@code dst}, verifying chunks not verified yet. */
  private void readStored(long at, byte[] dst, int off, int n) throws IOException {
    if (n == 0) {
      return;
    }
    int chunk = shard.chunkSize();
    int first = (int) (at / chunk);
    int last = (int) ((at + n - 1) / chunk);
    if (allVerified(first, last)) {
      readFully(ByteBuffer.wrap(dst, off, n), at);
      return;
    }
    long spanStart = (long) first * chunk;
    long spanEnd = (long) last * chunk + shard.chunkLength(last);
    byte[] span = new byte[Math.toIntExact(spanEnd - spanStart)];
    readFully(ByteBuffer.wrap(span), spanStart);
    MessageDigest digest = Digests.sha256();
    for (int c = first; c <= last; c++) {
      if (isVerified(c)) {
        continue;
      }
      long began = System.nanoTime();
      int from = (int) ((long) c * chunk - spanStart);
      digest.update(span, from, shard.chunkLength(c));
      if (!Digests.matches(digest.digest(), shard.chunkHashes().get(c))) {
        throw damaged(c);
      }
      markVerified(c);
      listener.served(HealthTracker.CACHE_ID, shard.chunkLength(c), System.nanoTime() - began);
    }
    System.arraycopy(span, (int) (at - spanStart), dst, off, n);
  }

  private void readFully(ByteBuffer dst, long at) throws IOException {
    int start = dst.position();
    while (true) {
      FileChannel ch = file;
      try {
        long pos = at + dst.position() - start;
        while (dst.hasRemaining()) {
          int got = ch.read(dst, pos);
          if (got < 0) {
            throw damaged((int) (pos / shard.chunkSize()));
          }
          pos += got;
        }
        return;
      } catch (java.nio.channels.ClosedByInterruptException e) {
        throw new java.io.InterruptedIOException("interrupted reading pinned " + shard.path());
      } catch (java.nio.channels.ClosedChannelException e) {
        reopen(ch); // another reader was interrupted, which closes a FileChannel for all
      }
    }
  }

  /** Opens the file again after {@code broken} was closed under us; re-verifies from scratch. */
  private synchronized void reopen(FileChannel broken) throws IOException {
    if (closed) {
      throw new java.nio.channels.ClosedChannelException();
    }
    if (file == broken) {
      verified.clear(); // the name may now be another copy: verify what it serves again
      file = FileChannel.open(path);
    }
  }

  private synchronized boolean allVerified(int first, int last) {
    return verified.nextClearBit(first) > last;
  }

  private synchronized boolean isVerified(int chunk) {
    return verified.get(chunk);
  }

  private synchronized void markVerified(int chunk) {
    verified.set(chunk);
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

  /** Releases the pin; reads through this handle fail afterwards. */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      file.close();
    } finally {
      cache.unpin(shard.storedSha256(), shard.storedSize());
    }
  }

  /** The pinned stored bytes as a read-only channel, for decryption (segment = chunk). */
  private final class StoredChannel implements SeekableByteChannel {
    private long position;
    private boolean open = true;

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (position >= shard.storedSize()) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), shard.storedSize() - position);
      byte[] buf = new byte[n];
      readStored(position, buf, 0, n);
      dst.put(buf);
      position += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return shard.storedSize();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
