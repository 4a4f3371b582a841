package io.btfshybrid.core.samples;

import io.btfshybrid.api.SampleFormat;

/** JSON lines: one sample per line, without its {@code \n}; a last line without one counts too. */
final class LineIndexer implements SampleIndexer {
  private final String path;
  private final long maxLine;
  private final IndexBlobWriter out = new IndexBlobWriter(SampleFormat.JSONL);
  private long position;
  private long lineStart;

  LineIndexer(String path, long maxLine) {
    this.path = path;
    this.maxLine = maxLine;
  }

  @Override
  public void update(byte[] bytes, int off, int len) throws SampleFormatException {
    for (int i = off; i < off + len; i++) {
      if (bytes[i] == '\n') {
        out.range(lineStart, position - lineStart);
        lineStart = position + 1;
      } else if (position - lineStart >= maxLine) {
        throw tooLong();
      }
      position++;
    }
  }

  private SampleFormatException tooLong() {
    return new SampleFormatException(
        path,
        lineStart,
        "the line starting here is longer than the limit of " + maxLine + " bytes");
  }

  @Override
  public SampleIndex finish() {
    if (lineStart < position) {
      out.range(lineStart, position - lineStart);
    }
    return out.finish();
  }
}
