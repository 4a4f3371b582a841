package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** A read-only seekable channel of a fixed size: subclasses read at the current position. */
abstract class ReadOnlyChannel implements SeekableByteChannel {
  private final long size;
  private long position;
  private boolean open = true;

  ReadOnlyChannel(long size) {
    this.size = size;
  }

  /** Reads into {@code dst} from {@code at} ({@code at < size}); returns how many bytes. */
  abstract int readAt(ByteBuffer dst, long at) throws IOException;

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    int n = readAt(dst, position);
    position += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    Preconditions.checkArgument(newPosition >= 0, "position must be >= 0, was %s", newPosition);
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
