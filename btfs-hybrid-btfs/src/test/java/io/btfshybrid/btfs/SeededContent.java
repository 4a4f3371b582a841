package io.btfshybrid.btfs;

import java.io.InputStream;

/**
 * The deterministic content of src/test/js/gen-vectors.mjs: xorshift32 from a seed, one byte per
 * step (seed 0: zeros), streamed without holding it in memory.
 */
final class SeededContent extends InputStream {
  private int state;
  private long left;

  SeededContent(long seed, long size) {
    this.state = (int) seed;
    this.left = size;
  }

  private int nextByte() {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state & 0xFF;
  }

  @Override
  public int read() {
    if (left == 0) {
      return -1;
    }
    left--;
    return nextByte();
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (left == 0) {
      return -1;
    }
    int n = (int) Math.min(len, left);
    if (state == 0) {
      // 0 is a fixed point of xorshift: all zeros, filled fast for the multi-gigabyte vector
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
    } else {
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) nextByte();
      }
    }
    left -= n;
    return n;
  }

  static byte[] bytes(long seed, int size) {
    byte[] out = new byte[size];
    new SeededContent(seed, size).read(out, 0, size);
    return out;
  }
}
