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
    return manifest()
        .shard(path)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no shard '"
                        + path
                        + "' in "
                        + manifest().datasetId()
                        + "@"
                        + manifest().version()));
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
      InputStream ciphertext = verifier(shard, true).openStream();
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
    return verifier(shard, true).openStream();
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
    return verifier(shard, false).openStream(offset, end);
  }

  /** Random access to a shard; every read verifies only the chunk it touches. */
  public SeekableByteChannel openChannel(String path) throws IOException {
    ShardEntry shard = shard(path);
    ensureOpen();
    if (isEncrypted()) {
      return decryptingChannel(shard);
    }
    return verifier(shard, false).openChannel();
  }

  /** Whether the shards are stored encrypted (reads then need the release's data key). */
  public boolean isEncrypted() {
    return manifest().encryption().isPresent();
  }

  /** Plaintext random access over verified ciphertext: each segment is one verified chunk. */
  private SeekableByteChannel decryptingChannel(ShardEntry shard) throws IOException {
    StreamingAead decrypt = aead(shard);
    SeekableByteChannel ciphertext = verifier(shard, false).openChannel();
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

  private StreamingVerifier verifier(ShardEntry shard, boolean fillCache) throws IOException {
    VerifiedReadListener listener = client.listenerFor(manifest(), shard.path());
    List<ChunkSource> tierSources = new ArrayList<>();
    client
        .resolver()
        .plan(shard)
        .forEach(p -> tierSources.add(FirstByteTiming.of(ChunkSource.of(p), listener)));
    Optional<DiskCache> cache = client.cache().filter(c -> c.accepts(shard.storedSize()));
    if (cache.isEmpty()) {
      return new StreamingVerifier(shard, tierSources, listener, client.readPools().watchdog());
    }
    String key = shard.storedSha256();
    Optional<Path> cached = cache.get().lookup(key, shard.storedSize());
    if (cached.isEmpty() && fillCache) {
      cached =
          cache
              .get()
              .fill(
                  key,
                  shard.storedSize(),
                  () ->
                      new StreamingVerifier(
                              shard, tierSources, listener, client.readPools().watchdog())
                          .openStream());
    }
    if (cached.isEmpty()) {
      return new StreamingVerifier(shard, tierSources, listener, client.readPools().watchdog());
    }
    List<ChunkSource> withCache = new ArrayList<>();
    withCache.add(cache.get().source(key));
    withCache.addAll(tierSources);
    return new StreamingVerifier(shard, withCache, listener, client.readPools().watchdog());
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
