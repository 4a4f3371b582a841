package io.btfshybrid.core;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.ShardUnavailableException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads verified chunks of one shard from an ordered list of sources. It keeps the current source's
 * stream open while reads are sequential; when a source errors, ends early or serves a chunk whose
 * hash does not match, it abandons that source and resumes at the same chunk on the next one. It
 * never asks a source for bytes past the stored size.
 */
final class ChunkCursor implements Closeable {
  private final ShardEntry shard;
  private final List<ChunkSource> sources;
  private final boolean[] abandoned;
  private final VerifiedReadListener listener;
  private final long requestSpan;
  private final MessageDigest digest = Digests.sha256();
  private final List<IOException> failures = new ArrayList<>();

  private int current;
  private InputStream stream;
  private long streamPos;
  private long streamEnd;
  private long rangeEnd;

  /**
   * @param requestSpan how many bytes to ask a source for at once (Long.MAX_VALUE: to the end of
   *     the range; smaller for random access so a seek does not waste a long request)
   */
  ChunkCursor(
      ShardEntry shard,
      List<ChunkSource> sources,
      VerifiedReadListener listener,
      long requestSpan) {
    this.shard = shard;
    this.sources = List.copyOf(sources);
    this.abandoned = new boolean[sources.size()];
    this.listener = listener;
    this.requestSpan = requestSpan;
    this.rangeEnd = shard.storedSize();
  }

  /** Limits requests to stored bytes before {@code end} (the end of the caller's range). */
  void limitTo(long end) {
    this.rangeEnd = Math.min(end, shard.storedSize());
  }

  /** Reads chunk {@code index} into {@code buf}, verified; returns its length. */
  int read(int index, byte[] buf) throws IOException {
    long start = (long) index * shard.chunkSize();
    int length = shard.chunkLength(index);
    String expected = shard.chunkHashes().get(index);
    while (true) {
      if (stream == null || streamPos != start) {
        openAt(start, index);
      }
      ChunkSource source = sources.get(current);
      long began = System.nanoTime();
      try {
        int n = stream.readNBytes(buf, 0, length);
        if (n < length) {
          throw new IOException(
              "source "
                  + source.id()
                  + " ended after "
                  + n
                  + " of "
                  + length
                  + " bytes of chunk "
                  + index
                  + " (truncated)");
        }
        digest.update(buf, 0, length);
        if (!Digests.matches(digest.digest(), expected)) {
          source.corrupted();
          throw new IntegrityException(
              shard.path(), start, source.id(), "chunk " + index + " does not match its hash");
        }
        streamPos += length;
        listener.served(source.id(), length, System.nanoTime() - began);
        if (streamPos == streamEnd) {
          finishStream(source);
        }
        return length;
      } catch (IOException e) {
        abandon(e);
      }
    }
  }

  /** At the end of a request, a source that still has bytes is misbehaving: count it. */
  private void finishStream(ChunkSource source) {
    InputStream done = stream;
    stream = null;
    try (done) {
      if (done.read() != -1) {
        listener.failed(
            source.id(),
            new IOException("source " + source.id() + " returned more bytes than asked for"),
            false);
      }
    } catch (IOException e) {
      // the bytes we needed were complete and verified; a failing close changes nothing
    }
  }

  private void openAt(long start, int index) throws IOException {
    closeStream();
    while (true) {
      int next = nextSource();
      if (next < 0) {
        throw exhausted(start, index);
      }
      current = next;
      long span = Math.max(requestSpan, shard.chunkLength(index));
      long end = span >= rangeEnd - start ? rangeEnd : start + span; // no overflow past chunk 0
      end = Math.max(end, start + shard.chunkLength(index));
      try {
        stream = sources.get(current).open(start, end - start);
        streamPos = start;
        streamEnd = end;
        return;
      } catch (IOException | RuntimeException e) {
        abandon(e instanceof IOException io ? io : new IOException(e.toString(), e));
      }
    }
  }

  private int nextSource() {
    for (int i = 0; i < sources.size(); i++) {
      int candidate = (current + i) % sources.size();
      if (!abandoned[candidate]) {
        return candidate;
      }
    }
    return -1;
  }

  private void abandon(IOException cause) {
    ChunkSource source = sources.get(current);
    failures.add(cause);
    abandoned[current] = true;
    listener.failed(source.id(), cause, cause instanceof IntegrityException);
    closeStream();
  }

  private IOException exhausted(long start, int index) {
    boolean anyIntegrity = failures.stream().anyMatch(f -> f instanceof IntegrityException);
    String detail =
        sources.isEmpty()
            ? "no tier holds a copy"
            : "all " + sources.size() + " source(s) failed at chunk " + index;
    IOException e =
        anyIntegrity
            ? new IntegrityException(
                shard.path(), start, null, "no source had good bytes: " + detail)
            : new ShardUnavailableException(shard.path(), detail);
    failures.forEach(e::addSuppressed);
    return e;
  }

  private void closeStream() {
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // abandoning this stream anyway
      }
      stream = null;
    }
  }

  @Override
  public void close() {
    closeStream();
  }
}
