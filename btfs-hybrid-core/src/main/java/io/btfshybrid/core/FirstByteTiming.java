package io.btfshybrid.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A source that times its reads: from asking for a range until the first byte of it arrived, told
 * to the listener as {@link VerifiedReadListener#firstByte} (once per range asked for).
 */
final class FirstByteTiming implements ChunkSource {
  private final ChunkSource source;
  private final VerifiedReadListener listener;

  private FirstByteTiming(ChunkSource source, VerifiedReadListener listener) {
    this.source = source;
    this.listener = listener;
  }

  /** {@code source}, timed for {@code listener}. */
  static ChunkSource of(ChunkSource source, VerifiedReadListener listener) {
    return new FirstByteTiming(source, listener);
  }

  @Override
  public String id() {
    return source.id();
  }

  @Override
  public InputStream open(long offset, long length) throws IOException {
    long asked = System.nanoTime();
    return new FilterInputStream(source.open(offset, length)) {
      private boolean told;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          arrived();
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          arrived();
        }
        return n;
      }

      private void arrived() {
        if (!told) {
          told = true;
          listener.firstByte(source.id(), System.nanoTime() - asked);
        }
      }
    };
  }

  @Override
  public void corrupted() {
    source.corrupted();
  }

  @Override
  public String toString() {
    return source.toString();
  }
}
