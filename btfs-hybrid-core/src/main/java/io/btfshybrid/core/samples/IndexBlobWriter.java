package io.btfshybrid.core.samples;

import com.google.common.io.ByteArrayDataOutput;
import com.google.common.io.ByteStreams;
import io.btfshybrid.api.SampleFormat;
import java.nio.charset.StandardCharsets;

/** Writes the body of an index blob sample by sample, then the blob (layout: ShardSampleIndex). */
final class IndexBlobWriter {
  private final SampleFormat format;
  private final ByteArrayDataOutput body = ByteStreams.newDataOutput();
  private long count;

  IndexBlobWriter(SampleFormat format) {
    this.format = format;
  }

  /** One sample of a fixed-layout format (jsonl, records): a single byte range. */
  void range(long offset, long length) {
    body.writeLong(offset);
    body.writeLong(length);
    count++;
  }

  /** Starts a tar sample of {@code members} members under {@code key}. */
  void tarSample(String key, int members) {
    string(key);
    body.writeInt(members);
    count++;
  }

  /** One member of the current tar sample. */
  void tarMember(String field, long offset, long length) {
    string(field);
    body.writeLong(offset);
    body.writeLong(length);
  }

  private void string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    body.writeInt(utf8.length);
    body.write(utf8);
  }

  SampleIndex finish() {
    ByteArrayDataOutput blob = ByteStreams.newDataOutput();
    blob.write(ShardSampleIndex.MAGIC);
    blob.writeByte(ShardSampleIndex.VERSION);
    blob.writeByte(ShardSampleIndex.formatCode(format));
    blob.writeLong(count);
    blob.write(body.toByteArray());
    return new SampleIndex(format, count, blob.toByteArray());
  }
}
