package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.ShardEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An opened, verified release: its shards, read as verified streams or random-access channels. */
public final class Dataset implements Closeable {
  private final DatasetClient client;
  private final DatasetClient.LoadedManifest loaded;
  private volatile boolean closed;

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
                    "no shard '" + path + "' in " + manifest().datasetId() + "@" + manifest().version()));
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
    requireUnencrypted();
    return verifier(shard, true).openStream();
  }

  /** {@code length} bytes of a shard from {@code offset} ({@code -1}: to the end), verified. */
  public InputStream openShard(String path, long offset, long length) throws IOException {
    ShardEntry shard = shard(path);
    ensureOpen();
    requireUnencrypted();
    Preconditions.checkArgument(
        offset >= 0 && offset <= shard.size(),
        "offset %s is outside shard '%s' of %s bytes", offset, path, shard.size());
    long end = length < 0 ? shard.size() : Math.min(shard.size(), offset + length);
    return verifier(shard, false).openStream(offset, end);
  }

  /** Random access to a shard; every read verifies only the chunk it touches. */
  public SeekableByteChannel openChannel(String path) throws IOException {
    ShardEntry shard = shard(path);
    ensureOpen();
    requireUnencrypted();
    return verifier(shard, false).openChannel();
  }

  private StreamingVerifier verifier(ShardEntry shard, boolean fillCache) throws IOException {
    List<ChunkSource> tierSources = new ArrayList<>();
    client.resolver().plan(shard).forEach(p -> tierSources.add(ChunkSource.of(p)));
    HealthTracker listener = client.health();
    Optional<DiskCache> cache = client.cache().filter(c -> c.accepts(shard.storedSize()));
    if (cache.isEmpty()) {
      return new StreamingVerifier(shard, tierSources, listener);
    }
    String key = shard.storedSha256();
    Optional<Path> cached = cache.get().lookup(key);
    if (cached.isEmpty() && fillCache) {
      cached =
          cache.get().fill(key, shard.storedSize(),
              () -> new StreamingVerifier(shard, tierSources, listener).openStream());
    }
    if (cached.isEmpty()) {
      return new StreamingVerifier(shard, tierSources, listener);
    }
    List<ChunkSource> withCache = new ArrayList<>();
    withCache.add(cache.get().source(key));
    withCache.addAll(tierSources);
    return new StreamingVerifier(shard, withCache, listener);
  }

  private void requireUnencrypted() throws HybridStorageException {
    if (manifest().encryption().isPresent()) {
      throw new HybridStorageException(
          manifest().datasetId() + "@" + manifest().version()
              + " is encrypted and this client has no key management configured");
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("dataset " + manifest().datasetId() + " is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
