package io.btfshybrid.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Bytes {@code [offset, end)} of a file, read by position through one cache-line aligned direct
 * buffer ({@link DirectBuffers}), so the kernel's copy out of the page cache runs at memory speed
 * and the copy into the caller's array is a plain memory copy. Closing it closes the channel (a
 * read blocked on it then fails). Not thread-safe, apart from {@link #close}.
 */
final class FileRangeStream extends InputStream {
  /** The most a single read asks the file for. */
  static final int MAX_BUFFER = 256 << 10;

  private final FileChannel channel;
  private final long end;
  private final ByteBuffer buf;
  private long position;

  FileRangeStream(FileChannel channel, long offset, long end) {
    this.channel = channel;
    this.position = offset;
    this.end = end;
    this.buf = DirectBuffers.allocate((int) Math.max(1, Math.min(MAX_BUFFER, end - offset)));
    buf.limit(0);
  }

  @Override
  public int read() throws IOException {
    return fill() ? buf.get() & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, buf.remaining());
    buf.get(b, off, n);
    return n;
  }

  /** Whether bytes are buffered, reading the next ones when none are; false at the range's end. */
  private boolean fill() throws IOException {
    if (buf.hasRemaining()) {
      return true;
    }
    if (position >= end) {
      return false;
    }
    buf.clear().limit((int) Math.min(buf.capacity(), end - position));
    int n = channel.read(buf, position);
    buf.flip();
    if (n <= 0) {
      return false; // the file ends before the range does
    }
    position += n;
    return true;
  }

  @Override
  public long skip(long n) {
    long skipped = Math.min(Math.max(0, n), buf.remaining() + (end - position));
    long fromBuffer = Math.min(skipped, buf.remaining());
    buf.position(buf.position() + (int) fromBuffer);
    position += skipped - fromBuffer;
    return skipped;
  }

  @Override
  public int available() {
    return buf.remaining();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
