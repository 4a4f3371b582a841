package io.btfshybrid.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The disk cache's copy of one object as a read source: streamed, or read by position; a chunk
 * found not to match drops the copy.
 */
final class CacheSource implements ChunkSource {
  private final DiskCache cache;
  private final String sha256;
  private final Path file;

  CacheSource(DiskCache cache, String sha256) {
    this.cache = cache;
    this.sha256 = sha256;
    this.file = cache.fileFor(sha256);
  }

  @Override
  public String id() {
    return HealthTracker.CACHE_ID;
  }

  @Override
  public InputStream open(long offset, long length) throws IOException {
    FileChannel ch = FileChannel.open(file);
    try {
      long end = length >= 0 && length <= Long.MAX_VALUE - offset ? offset + length : ch.size();
      return new FileRangeStream(ch, offset, end);
    } catch (IOException | RuntimeException e) {
      ch.close(); // not handed out: nobody else would close it
      throw e;
    }
  }

  @Override
  public Optional<FileChannel> openChannel() throws IOException {
    return Optional.of(FileChannel.open(file));
  }

  @Override
  public void corrupted() {
    cache.drop(sha256);
  }
}
