package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import com.google.common.io.ByteStreams;
import com.google.crypto.tink.StreamingAead;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ShardEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An opened, verified release: its shards, read as verified streams or random-access channels. For
 * an encrypted release, the stored ciphertext is verified chunk by chunk first and only verified
 * segments are decrypted; sizes and offsets are those of the plaintext.
 */
public final class Dataset implements Closeable {
  /** Verified chunks a sequential encrypted read keeps ready ahead of decryption. */
  private static final int READ_AHEAD_CHUNKS = 2;

  private final DatasetClient client;
  private final DatasetClient.LoadedManifest loaded;
  private volatile boolean closed;
  private StreamingAead aead;
  private volatile java.util.Map<String, ShardEntry> shardsByPath;

  Dataset(DatasetClient client, DatasetClient.LoadedManifest loaded) {
    this.client = client;
    this.loaded = loaded;
  }

  /** The verified manifest. */
  public DatasetManifest manifest() {
    return loaded.manifest();
  }

  /** SHA-256 of the signed manifest payload: pin it to get exactly these bytes again. */
  public String manifestHash() {
    return loaded.hash();
  }

  /** The shards of the release, in manifest order. */
  public List<ShardEntry> shards() {
    return manifest().shards();
  }

  /** The shard at {@code path}, or an error naming the path and the release. */
  public ShardEntry shard(String path) {
    ShardEntry found = byPath().get(path);
    if (found == null) {
      throw new IllegalArgumentException(
          "no shard '" + path + "' in " + manifest().datasetId() + "@" + manifest().version());
    }
    return found;
  }

  /** The shards by path, built on first use (a read looks its shard up every time). */
  private java.util.Map<String, ShardEntry> byPath() {
    java.util.Map<String, ShardEntry> m = shardsByPath;
    if (m == null) {
      m = new java.util.HashMap<>();
      for (ShardEntry s : shards()) {
        m.putIfAbsent(s.path(), s);
      }
      shardsByPath = m;
    }
    return m;
  }

  /** The sources a read of {@code path} would try, best first (the cache not included). */
  public List<PlannedSource> plan(String path) {
    return client.resolver().plan(shard(path));
  }

  /**
   * The whole shard, verified chunk by chunk. With a disk cache, the shard is fetched into the
   * cache once (however many threads ask) and served from there.
   */
  public InputStream openShard(String path) throws IOException {
    ShardEntry shard = shard(path);
    ensureOpen();
    if (isEncrypted()) {
      StreamingAead decrypt = aead(shard);
      InputStream ciphertext = wholeShard(shard);
      if (shard.chunkCount() > 1) {
        // verify the next chunks on the client's shared read-ahead pool while this one decrypts
        ciphertext =
            new ReadAheadInputStream(
                ciphertext, shard.chunkSize(), READ_AHEAD_CHUNKS, client.readPools().readAhead());
      }
      try {
        return decrypt.newDecryptingStream(ciphertext, ShardEncryption.shardAad(path));
      } catch (GeneralSecurityException e) {
        ciphertext.close();
        throw new HybridStorageException(
            "cannot decrypt shard '" + path + "': " + e.getMessage(), e);
      }
    }
    return wholeShard(shard);
  }

  /**
   * {@code length} bytes of a shard from {@code offset}, verified; a negative length, or one that
   * reaches past the end (up to {@code Long.MAX_VALUE}), means "to the end".
   */
  public InputStream openShard(String path, long offset, long length) throws IOException {
    ShardEntry shard = shard(path);
    ensureOpen();
    Preconditions.checkArgument(
        offset >= 0 && offset <= shard.size(),
        "offset %s is outside shard '%s' of %s bytes",
        offset,
        path,
        shard.size());
    long end = length < 0 || length >= shard.size() - offset ? shard.size() : offset + length;
    if (isEncrypted()) {
      SeekableByteChannel channel = decryptingChannel(shard);
      channel.position(offset);
      return ByteStreams.limit(Channels.newInputStream(channel), end - offset);
    }
    return verifier(shard).openStream(offset, end);
  }

  /** Random access to a shard; every read verifies only the chunk it touches. */
  public SeekableByteChannel openChannel(String path) throws IOException {
    ShardEntry shard = shard(path);
    ensureOpen();
    if (isEncrypted()) {
      return decryptingChannel(shard);
    }
    return verifier(shard).openChannel();
  }

  /** Whether the shards are stored encrypted (reads then need the release's data key). */
  public boolean isEncrypted() {
    return manifest().encryption().isPresent();
  }

  /** Plaintext random access over verified ciphertext: each segment is one verified chunk. */
  private SeekableByteChannel decryptingChannel(ShardEntry shard) throws IOException {
    aead(shard); // the policy and segment checks come before any ciphertext is read
    return decryptingChannel(shard, verifier(shard).openChannel());
  }

  /** Plaintext random access over {@code ciphertext}, verified stored bytes of {@code shard}. */
  SeekableByteChannel decryptingChannel(ShardEntry shard, SeekableByteChannel ciphertext)
      throws IOException {
    StreamingAead decrypt = aead(shard);
    try {
      SeekableByteChannel plain =
          decrypt.newSeekableDecryptingChannel(ciphertext, ShardEncryption.shardAad(shard.path()));
      if (plain.size() != shard.size()) {
        plain.close();
        throw new IntegrityException(
            shard.path(),
            0,
            null,
            "stored size "
                + shard.storedSize()
                + " decrypts to "
                + plain.size()
                + " bytes, the manifest says "
                + shard.size());
      }
      return plain;
    } catch (GeneralSecurityException e) {
      ciphertext.close();
      throw new HybridStorageException(
          "cannot decrypt shard '" + shard.path() + "': " + e.getMessage(), e);
    }
  }

  /** The release's streaming AEAD, unwrapped once per dataset after the policy check. */
  private synchronized StreamingAead aead(ShardEntry shard) throws IOException {
    int segment = manifest().encryption().orElseThrow().segmentSize();
    if (shard.chunkSize() != segment) {
      throw new ManifestRejectedException(
          ManifestRejectedException.Reason.MALFORMED,
          "shard '"
              + shard.path()
              + "' has chunk size "
              + shard.chunkSize()
              + " but the release's ciphertext segments are "
              + segment
              + " bytes");
    }
    if (aead == null) {
      aead = client.releaseKey(manifest());
    }
    return aead;
  }

  /**
   * The whole shard, verified; a cold read through the disk cache fills the entry with the very
   * chunks it verifies for the reader (one hash per byte), published only once complete.
   */
  private InputStream wholeShard(ShardEntry shard) throws IOException {
    Optional<DiskCache> cache = usableCache(shard);
    if (cache.isPresent()) {
      DiskCache.Claim claim = cache.get().claim(shard.storedSha256(), shard.storedSize());
      if (claim.fill().isPresent()) {
        return verifier(shard, Optional.empty()).openStream(claim.fill().get());
      }
      return verifier(shard, claim.cached().map(p -> cache.get())).openStream();
    }
    return verifier(shard, Optional.empty()).openStream();
  }

  /** A verifier that reads the cached copy first when there is one, else the tiers. */
  private StreamingVerifier verifier(ShardEntry shard) throws IOException {
    Optional<DiskCache> cache = usableCache(shard);
    boolean cached =
        cache.isPresent()
            && cache.get().lookup(shard.storedSha256(), shard.storedSize()).isPresent();
    return verifier(shard, cached ? cache : Optional.empty());
  }

  private Optional<DiskCache> usableCache(ShardEntry shard) {
    return client.cache().filter(c -> c.accepts(shard.storedSize()));
  }

  private StreamingVerifier verifier(ShardEntry shard, Optional<DiskCache> cacheFirst) {
    List<ChunkSource> sources = new ArrayList<>();
    cacheFirst.ifPresent(c -> sources.add(c.source(shard.storedSha256())));
    client.resolver().plan(shard).forEach(p -> sources.add(ChunkSource.of(p)));
    VerifiedReadListener listener = client.listenerFor(manifest(), shard.path());
    return new StreamingVerifier(shard, sources, listener, client.readContext());
  }

  /**
   * Pins shard {@code path} in the client's disk cache (fetching it whole, verified, if it is not
   * there) until the returned handle is closed; empty when the client has no disk cache, the cache
   * does not take a shard this large (over half its bound) or cannot store it now. Pinned shards
   * are never evicted; they count against the cache's bound.
   */
  public Optional<PinnedShard> pin(String path) throws IOException {
    ShardEntry shard = shard(path);
    ensureOpen();
    Optional<DiskCache> accepting = client.cache().filter(c -> c.accepts(shard.storedSize()));
    if (accepting.isEmpty()) {
      return Optional.empty();
    }
    DiskCache cache = accepting.get();
    String key = shard.storedSha256();
    cache.pin(key, shard.storedSize());
    try {
      // a copy this thread fills is verified chunk by chunk as it is written: not hashed again
      DiskCache.Claim claim = cache.claim(key, shard.storedSize());
      boolean filled = claim.fill().isPresent();
      Optional<Path> file =
          filled
              ? cache.write(
                  claim.fill().get(), () -> verifier(shard, Optional.empty()).openStream())
              : claim.cached();
      if (file.isPresent()) {
        VerifiedReadListener listener = client.listenerFor(manifest(), path);
        return Optional.of(new PinnedShard(this, shard, cache, file.get(), listener, filled));
      }
    } catch (IOException | RuntimeException e) {
      cache.unpin(key, shard.storedSize());
      throw e;
    }
    cache.unpin(key, shard.storedSize());
    return Optional.empty();
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("dataset " + manifest().datasetId() + " is closed");
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    aead = null;
  }
}
