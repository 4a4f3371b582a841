package io.btfshybrid.core.samples;

import com.google.common.hash.Hashing;
import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.SampleIndexRef;
import java.util.Optional;

/**
 * What indexing one shard produced: its format, its sample count and, for every format but raw, the
 * bytes of its content-addressed index blob (see {@link ShardSampleIndex} for their layout).
 */
public final class SampleIndex {
  private final SampleFormat format;
  private final long sampleCount;
  private final byte[] blob;

  SampleIndex(SampleFormat format, long sampleCount, byte[] blob) {
    this.format = format;
    this.sampleCount = sampleCount;
    this.blob = blob;
  }

  /** The shard's sample format. */
  public SampleFormat format() {
    return format;
  }

  /** How many samples the shard holds. */
  public long sampleCount() {
    return sampleCount;
  }

  /** A copy of the index blob's bytes; empty for a raw shard (it has no index). */
  public Optional<byte[]> blob() {
    return Optional.ofNullable(blob).map(byte[]::clone);
  }

  /** The SHA-256 and size of the index blob; empty for a raw shard. */
  public Optional<SampleIndexRef> ref() {
    if (blob == null) {
      return Optional.empty();
    }
    return Optional.of(
        new SampleIndexRef(Hashing.sha256().hashBytes(blob).toString(), blob.length));
  }
}
