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
 * Reads verified chunks of one shard from a preference-ordered list of sources. It keeps the
 * current source's stream open while reads are sequential. Fallback is per chunk: when a source
 * errors, ends early or serves a chunk whose hash does not match, the chunk is asked of the next
 * source that has not failed it yet, and the failed source goes to the back of the order (still
 * eligible for later chunks). A chunk fails only when every source failed it. It never asks a
 * source for bytes past the stored size, and every open and chunk read has the watchdog's deadline.
 */
final class ChunkCursor implements Closeable {
  private final ShardEntry shard;
  private final List<ChunkSource> order;
  private final VerifiedReadListener listener;
  private final long requestSpan;
  private final StallWatchdog watchdog;
  private final MessageDigest digest = Digests.sha256();

  private ChunkSource current;
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
      long requestSpan,
      StallWatchdog watchdog) {
    this.shard = shard;
    this.order = new ArrayList<>(sources);
    this.listener = listener;
    this.requestSpan = requestSpan;
    this.watchdog = watchdog;
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
    List<ChunkSource> failed = new ArrayList<>();
    List<IOException> failures = new ArrayList<>();
    while (true) {
      if (stream == null || streamPos != start) {
        openAt(start, index, failed, failures);
      }
      ChunkSource source = current;
      long began = System.nanoTime();
      try {
        int n = watchdog.readFully(source.id(), stream, buf, length);
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
        digest.reset();
        abandon(source, e, failed, failures);
      }
    }
  }

  /** At the end of a request, a source that still has bytes is misbehaving: count it. */
  private void finishStream(ChunkSource source) {
    InputStream done = stream;
    stream = null;
    try (done) {
      if (watchdog.readFully(source.id(), done, new byte[1], 1) > 0) {
        listener.failed(
            source.id(),
            new IOException("source " + source.id() + " returned more bytes than asked for"),
            false);
      }
    } catch (IOException e) {
      // the bytes we needed were complete and verified; a failing close changes nothing
    }
  }

  /** Opens the best source that has not failed this chunk yet at {@code start}. */
  private void openAt(long start, int index, List<ChunkSource> failed, List<IOException> failures)
      throws IOException {
    closeStream();
    while (true) {
      ChunkSource next = order.stream().filter(s -> !failed.contains(s)).findFirst().orElse(null);
      if (next == null) {
        throw exhausted(start, index, failures);
      }
      current = next;
      long span = Math.max(requestSpan, shard.chunkLength(index));
      long end = span >= rangeEnd - start ? rangeEnd : start + span; // no overflow past chunk 0
      end = Math.max(end, start + shard.chunkLength(index));
      try {
        stream = watchdog.open(next, start, end - start);
        streamPos = start;
        streamEnd = end;
        return;
      } catch (IOException | RuntimeException e) {
        abandon(
            next,
            e instanceof IOException io ? io : new IOException(e.toString(), e),
            failed,
            failures);
      }
    }
  }

  /** Counts a source's failure of this chunk and sends it to the back of the order. */
  private void abandon(
      ChunkSource source, IOException cause, List<ChunkSource> failed, List<IOException> failures) {
    failures.add(cause);
    failed.add(source);
    order.remove(source);
    order.add(source);
    listener.failed(source.id(), cause, cause instanceof IntegrityException);
    closeStream();
  }

  private IOException exhausted(long start, int index, List<IOException> failures) {
    boolean anyIntegrity = failures.stream().anyMatch(f -> f instanceof IntegrityException);
    String detail =
        order.isEmpty()
            ? "no tier holds a copy"
            : "all " + order.size() + " source(s) failed chunk " + index + " at offset " + start;
    IOException e =
        anyIntegrity
            ? new IntegrityException(
                shard.path(),
                start,
                null,
                "no source had good bytes for chunk " + index + ": " + detail)
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
