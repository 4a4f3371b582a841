package io.btfshybrid.btfs;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An InputStream handing out one byte array after another (the verified blocks of a trustless read,
 * the parts of a parallel one); subclasses step to the next piece.
 */
abstract class PieceStream extends InputStream {
  /** The current piece; bytes {@code [piecePos, pieceEnd)} of it are still to be handed out. */
  private byte[] piece = new byte[0];

  private int piecePos;
  private int pieceEnd;

  /**
   * Takes one step towards more bytes — usually making the next piece current — and returns false
   * only at the end of the stream; called while the current piece is used up.
   */
  abstract boolean step() throws IOException;

  /** Called after {@code n} bytes were handed out. */
  void consumed(int n) {}

  /** Makes {@code bytes[from, to)} the current piece. */
  final void current(byte[] bytes, int from, int to) {
    piece = bytes;
    piecePos = from;
    pieceEnd = to;
  }

  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    while (piecePos == pieceEnd) {
      if (!step()) {
        return -1;
      }
    }
    int n = Math.min(len, pieceEnd - piecePos);
    System.arraycopy(piece, piecePos, b, off, n);
    piecePos += n;
    consumed(n);
    return n;
  }

  @Override
  public final int available() {
    return pieceEnd - piecePos;
  }
}
