package io.btfshybrid.core;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gives every source a deadline, whatever the tier: opening a stream must return, and each chunk
 * must arrive, within the stall timeout. A stalled open is abandoned (its stream closed whenever it
 * turns up); a stalled chunk read has its stream closed (which unblocks socket and file reads) and
 * its reading thread interrupted (which unblocks interruptible waits); either way the reader gets a
 * {@link SourceStalledException} and asks the next source for that chunk.
 */
final class StallWatchdog {
  /** Sweeps per stall timeout: a stalled read is abandoned within 1 1/8 timeouts. */
  static final int SWEEPS_PER_TIMEOUT = 8;

  private final ExecutorService openers;
  private final Duration stall;
  private final Set<Watch> armed = ConcurrentHashMap.newKeySet();

  /**
   * Deadlines are checked by a periodic sweep on {@code timer}, not scheduled one by one, so arming
   * and ending a chunk read's deadline costs no thread hand-off (a local read of a chunk takes less
   * time than waking the timer twice).
   */
  @SuppressWarnings("FutureReturnValueIgnored")
  StallWatchdog(ScheduledExecutorService timer, ExecutorService openers, Duration stall) {
    this.openers = openers;
    this.stall = stall;
    long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(1), stall.toNanos() / SWEEPS_PER_TIMEOUT);
    try {
      // runs until the timer shuts down with the client; a sweep cannot throw
      timer.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // the client is closing: reads go without a deadline
    }
  }

  /** Fires every armed watch whose deadline has passed. */
  private void sweep() {
    long now = System.nanoTime();
    List<Watch> expired = new ArrayList<>();
    for (Watch w : armed) {
      if (now - w.deadline >= 0) {
        expired.add(w);
      }
    }
    for (Watch w : expired) {
      if (armed.remove(w)) { // not ended meanwhile
        w.runElsewhere(w::fire);
      }
    }
  }

  /** Opens stored bytes of {@code source}, giving up when the open does not return in time. */
  InputStream open(ChunkSource source, long offset, long length) throws IOException {
    Open task = new Open(source, offset, length);
    try {
      openers.execute(task);
    } catch (RejectedExecutionException closed) {
      return source.open(offset, length); // the client is closing: no deadline left to give
    }
    try {
      return task.get(stall.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.abandon();
      throw new SourceStalledException(source.id(), "opening a stream", stall, null);
    } catch (InterruptedException e) {
      task.abandon();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening " + source.id());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("opening " + source.id() + " failed: " + cause, cause);
    }
  }

  /**
   * Reads up to {@code length} bytes into {@code buf} (as {@link InputStream#readNBytes}),
   * abandoning the stream when they do not all arrive within the stall timeout.
   */
  int readFully(String sourceId, InputStream in, byte[] buf, int length) throws IOException {
    return readFully(sourceId, in, buf, 0, length);
  }

  /** Reads up to {@code length} bytes into {@code buf} from {@code offset}, under the deadline. */
  int readFully(String sourceId, InputStream in, byte[] buf, int offset, int length)
      throws IOException {
    return watchedRead(sourceId, CHUNK, in, () -> in.readNBytes(buf, offset, length));
  }

  /**
   * Reads {@code dst.remaining()} bytes of {@code ch} from {@code position} into {@code dst} (fewer
   * only at the file's end), closing the channel when they do not all arrive within the stall
   * timeout; the bytes read.
   */
  int readFully(String sourceId, FileChannel ch, ByteBuffer dst, long position) throws IOException {
    return watchedRead(
        sourceId,
        CHUNK,
        ch,
        () -> {
          int start = dst.position();
          while (dst.hasRemaining()) {
            if (ch.read(dst, position + dst.position() - start) < 0) {
              break; // the file ends here
            }
          }
          return dst.position() - start;
        });
  }

  private static final String CHUNK = "reading a chunk";

  /**
   * One blocking read ({@code what}, for the error) on this thread, abandoning {@code source} at
   * the deadline.
   */
  private int watchedRead(String sourceId, String what, Closeable source, BlockingRead read)
      throws IOException {
    Watch watch = new Watch(source);
    watch.arm();
    int n;
    try {
      n = read.run();
    } catch (IOException | RuntimeException e) {
      if (watch.disarm()) {
        throw new SourceStalledException(sourceId, what, stall, e);
      }
      throw e;
    }
    if (watch.disarm()) {
      throw new SourceStalledException(sourceId, what, stall, null);
    }
    return n;
  }

  /** A blocking read; how many bytes it read. */
  private interface BlockingRead {
    int run() throws IOException;
  }

  /**
   * {@code in} read under the stall deadline piece by piece: a read that delivers nothing within
   * the stall timeout closes the stream and throws {@link SourceStalledException}. For small
   * documents (manifests, latest pointers) read whole.
   */
  InputStream watched(String sourceId, InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return watchedRead(sourceId, "reading a document", in, () -> in.read(b, off, len));
      }
    };
  }

  /** One armed deadline over one blocking read on the current thread. */
  private final class Watch {
    private final Closeable stream;
    private final Thread reader = Thread.currentThread();
    private long deadline;
    private boolean done;
    private boolean fired;
    private boolean interrupted;

    Watch(Closeable stream) {
      this.stream = stream;
    }

    void arm() {
      deadline = System.nanoTime() + stall.toNanos();
      armed.add(this); // published to the sweep with the deadline written before
    }

    /** A stream's close may block too: never on the timer thread that sweeps every deadline. */
    private void runElsewhere(Runnable action) {
      try {
        openers.execute(action);
      } catch (RejectedExecutionException closed) {
        action.run();
      }
    }

    private void fire() {
      synchronized (this) {
        if (done) {
          return;
        }
        fired = true;
      }
      try {
        stream.close();
      } catch (IOException | RuntimeException ignored) {
        // abandoning it anyway
      }
      synchronized (this) {
        if (!done) {
          interrupted = true;
          reader.interrupt();
        }
      }
    }

    /** Ends the watch; true when it fired (the stream is then closed and must be abandoned). */
    boolean disarm() {
      armed.remove(this);
      synchronized (this) {
        done = true;
        if (interrupted) {
          interrupted = false;
          Thread.interrupted(); // our interrupt, not the caller's: clear it
        }
        return fired;
      }
    }
  }

  /** An open on a pool thread whose stream is closed if it arrives after the reader gave up. */
  private static final class Open extends FutureTask<InputStream> {
    private boolean abandoned;

    Open(ChunkSource source, long offset, long length) {
      super(() -> source.open(offset, length));
    }

    @Override
    protected void set(InputStream in) {
      synchronized (this) {
        if (!abandoned) {
          super.set(in);
          return;
        }
      }
      closeQuietly(in);
    }

    /** Gives up on the open: a stream that arrives later (or just arrived) is closed. */
    void abandon() {
      synchronized (this) {
        abandoned = true;
      }
      if (!cancel(true)) {
        try {
          closeQuietly(get());
        } catch (ExecutionException | InterruptedException | CancellationException ignored) {
          // no stream was opened
        }
      }
    }

    private static void closeQuietly(InputStream in) {
      try {
        in.close();
      } catch (IOException | RuntimeException ignored) {
        // nobody reads it
      }
    }
  }
}
