package io.btfshybrid.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Reports every byte read through it, as it is read, so progress moves within a large file. */
final class ProgressInputStream extends FilterInputStream {
  private final LongConsumer bytesRead;

  /** Reads {@code in}, telling {@code bytesRead} how many bytes each read returned. */
  ProgressInputStream(InputStream in, LongConsumer bytesRead) {
    super(in);
    this.bytesRead = bytesRead;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      bytesRead.accept(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      bytesRead.accept(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    if (skipped > 0) {
      bytesRead.accept(skipped);
    }
    return skipped;
  }
}
