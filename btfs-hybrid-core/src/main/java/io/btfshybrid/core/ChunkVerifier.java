package io.btfshybrid.core;

import java.security.MessageDigest;
import java.util.List;

/**
 * Checks a stream of stored bytes against an object's chunk hashes as they go by, without holding a
 * chunk: reports the first chunk that does not match, and whether the stream ended short or ran
 * long.
 */
final class ChunkVerifier {
  private final ReleaseObject object;
  private final List<String> hashes;
  private final MessageDigest digest = Digests.sha256();
  private long seen;
  private long inChunk;
  private int chunk;
  private int bad = -1;
  private boolean longer;
  private boolean shorter;

  ChunkVerifier(ReleaseObject object) {
    this.object = object;
    this.hashes = object.chunkHashes();
  }

  /**
   * Takes {@code len} more bytes; returns false (and remembers the chunk) as soon as a chunk is
   * complete and does not match, or the bytes run past the object's size.
   */
  boolean update(byte[] b, int off, int len) {
    int pos = off;
    int left = len;
    while (left > 0 && bad < 0) {
      if (seen >= object.size()) {
        bad = Math.max(0, hashes.size() - 1); // longer than stored: the last chunk is wrong
        longer = true;
        return false;
      }
      long chunkLen =
          Math.min(object.chunkSize(), object.size() - (long) chunk * object.chunkSize());
      int n = (int) Math.min(left, chunkLen - inChunk);
      digest.update(b, pos, n);
      pos += n;
      left -= n;
      seen += n;
      inChunk += n;
      if (inChunk == chunkLen) {
        if (!Digests.matches(digest.digest(), hashes.get(chunk))) {
          bad = chunk;
          return false;
        }
        chunk++;
        inChunk = 0;
      }
    }
    return bad < 0;
  }

  /** Whether the stream ended exactly at the object's size with every chunk matching. */
  boolean complete() {
    if (bad < 0 && seen < object.size()) {
      bad = chunk; // ended short: the chunk it ended in is wrong
      shorter = true;
    }
    return bad < 0;
  }

  /** The first chunk that did not match, or -1. */
  int firstBadChunk() {
    return bad;
  }

  /** Bytes taken so far. */
  long seen() {
    return seen;
  }

  /** Why the copy does not verify, for a report. */
  String problem() {
    if (longer) {
      return "longer than its " + object.size() + " stored bytes";
    }
    if (shorter) {
      return "ends after " + seen + " of " + object.size() + " bytes";
    }
    return "chunk " + bad + " does not match its hash";
  }
}
