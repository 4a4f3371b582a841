package io.btfshybrid.spark;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.apache.hadoop.fs.FSInputStream;

/**
 * A shard as Hadoop's seekable stream over {@code Dataset.openChannel}: every read verifies the
 * chunks it touches (falling back per chunk across tiers), so a Parquet footer read costs its
 * chunks, not the shard.
 */
final class ShardInputStream extends FSInputStream {
  private final SeekableByteChannel channel;
  private final long size;
  private boolean closed;

  ShardInputStream(SeekableByteChannel channel, long size) {
    this.channel = channel;
    this.size = size;
  }

  @Override
  public synchronized void seek(long pos) throws IOException {
    checkOpen();
    if (pos < 0 || pos > size) {
      throw new EOFException("cannot seek to " + pos + " in a shard of " + size + " bytes");
    }
    channel.position(pos);
  }

  @Override
  public synchronized long getPos() throws IOException {
    checkOpen();
    return channel.position();
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    // every chunk already falls back to the next verified source on its own
    return false;
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    checkOpen();
    if (len == 0) {
      return 0;
    }
    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
    int n;
    do {
      n = channel.read(buf);
    } while (n == 0);
    return n;
  }

  @Override
  public synchronized int available() throws IOException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, size - channel.position());
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      channel.close();
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }
}
