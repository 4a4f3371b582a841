package io.btfshybrid.core.samples;

import io.btfshybrid.api.SampleFormat;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Indexes one shard's samples in a single pass over its bytes: feed it the same buffers the
 * publisher hashes, in order, then {@link #finish()}. A shard that does not follow its format (a
 * malformed tar, a line or record over the limit) fails with a {@link SampleFormatException} naming
 * the shard and the byte offset.
 */
public interface SampleIndexer {
  /** The default longest sample of a line or record format: 64 MiB. */
  long DEFAULT_MAX_SAMPLE_BYTES = 64L << 20;

  /** Consumes the next {@code len} bytes of the shard. */
  void update(byte[] bytes, int off, int len) throws SampleFormatException;

  /** Ends the shard: its index, or an error if it ended inside a header, record or member. */
  SampleIndex finish() throws SampleFormatException;

  /** An indexer for shard {@code path} in {@code format}, lines and records at most 64 MiB. */
  static SampleIndexer create(String path, SampleFormat format) {
    return create(path, format, DEFAULT_MAX_SAMPLE_BYTES);
  }

  /** An indexer for shard {@code path} in {@code format}, lines and records at most {@code max}. */
  static SampleIndexer create(String path, SampleFormat format, long maxSampleBytes) {
    return switch (format) {
      case TAR -> new TarIndexer(path);
      case JSONL -> new LineIndexer(path, maxSampleBytes);
      case RECORDS -> new RecordIndexer(path, maxSampleBytes);
      case RAW -> new RawIndexer();
    };
  }

  /** This indexer as a stream, for a {@code TeeInputStream}-style copy of the publisher's pass. */
  default OutputStream asOutputStream() {
    SampleIndexer self = this;
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        self.update(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        self.update(b, off, len);
      }
    };
  }
}
