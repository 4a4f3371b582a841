package io.btfshybrid.core;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.ShardUnavailableException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads verified chunks of one shard from a preference-ordered list of sources. It keeps the
 * current source's stream open while reads are sequential. Fallback is per chunk: when a source
 * errors, ends early or serves a chunk whose hash does not match, the chunk is asked of the next
 * source that has not failed it yet, and the failed source goes to the back of the order (still
 * eligible for later chunks). A chunk fails only when every source failed it. It never asks a
 * source for bytes past the stored size, and every open and chunk read has the watchdog's deadline.
 *
 * <p>Sequential readers may read ahead: the next chunks of the open stream (up to the context's
 * byte bound) are fetched and hashed on the client's verifier pool while the caller consumes the
 * current one; a chunk is still released only after its own hash matched, and a chunk ahead that
 * failed falls back exactly like one read in turn. A new request to a tier may be hedged ({@link
 * HedgedRace}) when the context allows it.
 *
 * <p>While the best source is a local file, chunks are read from it by position instead ({@link
 * PositionalChunks}: hashed ahead on the pool and by the reader), with the same per-chunk fallback.
 */
final class ChunkCursor implements Closeable {
  private final ShardEntry shard;
  private final List<ChunkSource> order;
  private final VerifiedReadListener listener;
  private final long requestSpan;
  private final ReadContext ctx;
  private final int aheadChunks;
  private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();
  private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
  private byte[] lent;
  private PositionalChunks local; // reads by position while the best source is a local file

  private ChunkSource current;
  private InputStream stream;
  private long streamPos;
  private long streamEnd;
  private long rangeEnd;
  private long openedAt;
  private boolean awaitingFirstByte;

  /** A chunk fetched ahead of its reader: its hash under way, or the failure fetching it. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  private record Ahead(
      int index,
      byte[] buf,
      ChunkSource source,
      long nanos,
      ChunkHasher.Pending check,
      IOException failure) {}

  /**
   * @param requestSpan how many bytes to ask a source for at once (Long.MAX_VALUE: to the end of
   *     the range; smaller for random access so a seek does not waste a long request)
   * @param sequential whether the reader reads in order (so reading ahead pays off)
   */
  ChunkCursor(
      ShardEntry shard,
      List<ChunkSource> sources,
      VerifiedReadListener listener,
      long requestSpan,
      ReadContext ctx,
      boolean sequential) {
    this.shard = shard;
    this.order = new ArrayList<>(sources);
    this.listener = listener;
    this.requestSpan = requestSpan;
    this.ctx = ctx;
    this.rangeEnd = shard.storedSize();
    this.aheadChunks =
        sequential && shard.chunkCount() > 1
            ? (int) Math.min(64, ctx.readAheadBytes() / shard.chunkSize())
            : 0;
  }

  /** Limits requests to stored bytes before {@code end} (the end of the caller's range). */
  void limitTo(long end) {
    this.rangeEnd = Math.min(end, shard.storedSize());
  }

  /**
   * Reads chunk {@code index}, verified: a buffer holding its {@code shard.chunkLength(index)}
   * bytes from position 0, valid until the next call.
   */
  ByteBuffer read(int index) throws IOException {
    if (lent != null) {
      spare.push(lent);
      lent = null;
    }
    ByteBuffer positional = readLocal(index);
    if (positional != null) {
      return positional;
    }
    lent = aheadChunks > 0 ? readAhead(index) : readInTurn(index);
    return ByteBuffer.wrap(lent, 0, shard.chunkLength(index));
  }

  /** Chunk {@code index} by position from a local best source, else null; falls back per chunk. */
  private ByteBuffer readLocal(int index) throws IOException {
    ChunkSource best = order.isEmpty() ? null : order.get(0);
    if (local != null && local.source() != best) {
      closeLocal();
    }
    if (local == null) {
      local = PositionalChunks.open(best, shard, ctx, listener, aheadChunks, rangeEnd);
      if (local == null) {
        return null;
      }
      discardAhead();
      closeStream();
    }
    ChunkSource source = local.source();
    try {
      ByteBuffer chunk = local.read(index);
      served(source, shard.chunkLength(index), local.lastNanos());
      return chunk;
    } catch (IOException e) {
      closeLocal();
      List<ChunkSource> failed = new ArrayList<>();
      List<IOException> failures = new ArrayList<>();
      abandon(source, e, failed, failures);
      lent = readInTurn(index, failed, failures); // the next read reads ahead as it may
      return ByteBuffer.wrap(lent, 0, shard.chunkLength(index));
    }
  }

  private byte[] readInTurn(int index) throws IOException {
    return readInTurn(index, new ArrayList<>(), new ArrayList<>());
  }

  private byte[] readAhead(int index) throws IOException {
    Ahead head = ahead.peekFirst();
    if (head == null || head.index() != index) {
      discardAhead();
      byte[] buf = readInTurn(index);
      topUp();
      return buf;
    }
    ahead.removeFirst();
    topUp(); // fetch the next chunks while this one's hash finishes
    IOException cause = head.failure();
    if (cause == null) {
      List<ChunkHasher.Pending> behind =
          ahead.stream().map(Ahead::check).filter(Objects::nonNull).toList();
      if (ChunkHasher.await(head.check(), behind)) { // hashes the chunks behind while it waits
        served(head.source(), shard.chunkLength(index), head.nanos());
        return head.buf();
      }
      head.source().corrupted();
      cause = mismatch(shard, index, head.source());
    }
    discardAhead(); // fetched after a bad chunk from the same stream: ask again in turn
    closeStream();
    spare.push(head.buf());
    List<ChunkSource> failed = new ArrayList<>();
    List<IOException> failures = new ArrayList<>();
    abandon(head.source(), cause, failed, failures);
    byte[] buf = readInTurn(index, failed, failures);
    topUp();
    return buf;
  }

  /**
   * Fetches chunks of the open stream ahead of the reader, up to the bound, hashing on the pool.
   */
  private void topUp() {
    while (stream != null && ahead.size() < aheadChunks && streamPos < streamEnd) {
      int index = (int) (streamPos / shard.chunkSize());
      int length = shard.chunkLength(index);
      byte[] buf = buffer();
      ChunkSource source = current;
      long began = System.nanoTime();
      try {
        fetchChunk(source, buf, index);
        String expected = shard.chunkHashes().get(index);
        ahead.add(
            new Ahead(
                index,
                buf,
                source,
                System.nanoTime() - began,
                ctx.hasher().submit(buf, length, expected),
                null));
        streamPos += length;
        if (streamPos == streamEnd) {
          finishStream(source);
        }
      } catch (IOException e) {
        ahead.add(new Ahead(index, buf, source, 0, null, e));
        closeStream();
      }
    }
  }

  private void discardAhead() {
    for (Ahead a : ahead) {
      if (a.check() != null) {
        a.check().cancel(false); // its buffer may still be read by a hash: not reused
      }
    }
    ahead.clear();
  }

  private byte[] buffer() {
    byte[] b = spare.poll();
    return b != null ? b : new byte[(int) Math.min(shard.chunkSize(), shard.storedSize())];
  }

  /** Chunk {@code index} from the best source that has good bytes for it. */
  private byte[] readInTurn(int index, List<ChunkSource> failed, List<IOException> failures)
      throws IOException {
    long start = (long) index * shard.chunkSize();
    int length = shard.chunkLength(index);
    String expected = shard.chunkHashes().get(index);
    byte[] buf = buffer();
    while (true) {
      if ((stream == null || streamPos != start) && raced(index, buf, failed, failures)) {
        return buf;
      }
      if (stream == null || streamPos != start) {
        openAt(start, index, failed, failures);
      }
      ChunkSource source = current;
      long began = System.nanoTime();
      try {
        fetchChunk(source, buf, index);
        if (!ctx.hasher().matches(buf, length, expected)) {
          source.corrupted();
          throw mismatch(shard, index, source);
        }
        streamPos += length;
        served(source, length, System.nanoTime() - began);
        if (streamPos == streamEnd) {
          finishStream(source);
        }
        return buf;
      } catch (IOException e) {
        abandon(source, e, failed, failures);
      }
    }
  }

  /**
   * Asks the best two sources that have not failed this chunk in a hedged race, when hedging is on
   * and the best is a tier; true when the race produced the verified chunk into {@code buf}.
   */
  private boolean raced(int index, byte[] buf, List<ChunkSource> failed, List<IOException> failures)
      throws IOException {
    Optional<Hedging> hedging = ctx.hedging();
    List<ChunkSource> left = order.stream().filter(s -> !failed.contains(s)).toList();
    if (hedging.isEmpty()
        || left.size() < 2
        || left.get(0).id().equals(HealthTracker.CACHE_ID)
        || left.get(0).id().equals(left.get(1).id())) {
      return false;
    }
    closeStream();
    long start = (long) index * shard.chunkSize();
    long end = requestEnd(start, index);
    HedgedRace.Outcome outcome =
        new HedgedRace(hedging.get(), ctx, listener, shard, index, end)
            .run(left.get(0), left.get(1));
    for (HedgedRace.Failure f : outcome.failures()) {
      abandon(f.source(), f.cause(), failed, failures);
    }
    HedgedRace.Won won = outcome.won();
    if (won == null) {
      return false;
    }
    int length = shard.chunkLength(index);
    System.arraycopy(won.bytes(), 0, buf, 0, length);
    current = won.source();
    stream = won.stream();
    streamPos = start + length;
    streamEnd = end;
    awaitingFirstByte = false;
    served(won.source(), length, won.nanos());
    if (streamPos == streamEnd) {
      finishStream(won.source());
    }
    return true;
  }

  /** Reads chunk {@code index} whole from the open stream; measures the first byte of a request. */
  private void fetchChunk(ChunkSource source, byte[] buf, int index) throws IOException {
    int length = shard.chunkLength(index);
    StallWatchdog watchdog = ctx.watchdog();
    int n;
    if (awaitingFirstByte) {
      awaitingFirstByte = false;
      n = watchdog.readFully(source.id(), stream, buf, 0, 1);
      if (n == 1) {
        listener.firstByte(source.id(), System.nanoTime() - openedAt);
        n += watchdog.readFully(source.id(), stream, buf, 1, length - 1);
      }
    } else {
      n = watchdog.readFully(source.id(), stream, buf, 0, length);
    }
    if (n < length) {
      throw truncated(source, n, length, index);
    }
  }

  /** A source's answer that ended {@code n} bytes into a chunk of {@code length}. */
  static IOException truncated(ChunkSource source, int n, int length, int index) {
    return new IOException(
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

  /** A chunk whose bytes from {@code source} do not match the manifest. */
  static IntegrityException mismatch(ShardEntry shard, int index, ChunkSource source) {
    return new IntegrityException(
        shard.path(),
        (long) index * shard.chunkSize(),
        source.id(),
        "chunk " + index + " does not match its hash");
  }

  private void served(ChunkSource source, int length, long nanos) {
    listener.served(source.id(), length, nanos);
    if (!source.id().equals(HealthTracker.CACHE_ID)) {
      ctx.hedging().ifPresent(h -> h.budget().served(length));
    }
  }

  /** At the end of a request, a source that still has bytes is misbehaving: count it. */
  private void finishStream(ChunkSource source) {
    InputStream done = stream;
    stream = null;
    try (done) {
      if (ctx.watchdog().readFully(source.id(), done, new byte[1], 1) > 0) {
        listener.failed(
            source.id(),
            new IOException("source " + source.id() + " returned more bytes than asked for"),
            false);
      }
    } catch (IOException e) {
      // the bytes we needed were complete and verified; a failing close changes nothing
    }
  }

  /** Where a request for chunk {@code index} at {@code start} ends. */
  private long requestEnd(long start, int index) {
    long span = Math.max(requestSpan, shard.chunkLength(index));
    long end = span >= rangeEnd - start ? rangeEnd : start + span; // no overflow past chunk 0
    return Math.max(end, start + shard.chunkLength(index));
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
      long end = requestEnd(start, index);
      try {
        openedAt = System.nanoTime();
        stream = ctx.watchdog().open(next, start, end - start);
        awaitingFirstByte = true;
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
    discardAhead();
    closeStream();
    closeLocal();
  }

  private void closeLocal() {
    if (local != null) {
      local.close();
      local = null;
    }
  }
}
