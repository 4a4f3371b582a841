package io.btfshybrid.core.samples;

import io.btfshybrid.api.SampleFormat;

/** Length-prefixed records: a 4-byte big-endian unsigned length, then the record's bytes. */
final class RecordIndexer implements SampleIndexer {
  private final String path;
  private final long maxRecord;
  private final IndexBlobWriter out = new IndexBlobWriter(SampleFormat.RECORDS);
  private long position;
  private long recordStart;
  private int prefixBytes;
  private long length;
  private long remaining;

  RecordIndexer(String path, long maxRecord) {
    this.path = path;
    this.maxRecord = maxRecord;
  }

  @Override
  public void update(byte[] bytes, int off, int len) throws SampleFormatException {
    int i = off;
    int end = off + len;
    while (i < end) {
      if (prefixBytes < 4) {
        if (prefixBytes == 0) {
          recordStart = position;
          length = 0;
        }
        length = (length << 8) | (bytes[i] & 0xFF);
        i++;
        position++;
        if (++prefixBytes == 4) {
          if (length > maxRecord) {
            throw new SampleFormatException(
                path,
                recordStart,
                "record of " + length + " bytes is longer than the limit of " + maxRecord);
          }
          remaining = length;
          completeIfDone();
        }
      } else {
        int take = (int) Math.min(remaining, end - i);
        i += take;
        position += take;
        remaining -= take;
        completeIfDone();
      }
    }
  }

  private void completeIfDone() {
    if (remaining == 0) {
      out.range(recordStart + 4, length);
      prefixBytes = 0;
    }
  }

  @Override
  public SampleIndex finish() throws SampleFormatException {
    if (prefixBytes != 0) {
      throw new SampleFormatException(
          path, recordStart, "the shard ends inside the record starting here");
    }
    return out.finish();
  }
}
