package io.btfshybrid.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** The whole-object SHA-256 and per-chunk SHA-256s of a file, computed in one streaming pass. */
record ShardDigest(String sha256, long size, List<String> chunkHashes) {
  static ShardDigest of(Path file, int chunkSize) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return of(in, chunkSize);
    }
  }

  static ShardDigest of(InputStream in, int chunkSize) throws IOException {
    MessageDigest whole = Digests.sha256();
    MessageDigest chunk = Digests.sha256();
    byte[] buf = new byte[chunkSize];
    List<String> chunks = new ArrayList<>();
    long size = 0;
    while (true) {
      int n = in.readNBytes(buf, 0, chunkSize);
      if (n == 0) {
        break;
      }
      whole.update(buf, 0, n);
      chunk.update(buf, 0, n);
      chunks.add(Digests.hex(chunk.digest()));
      size += n;
      if (n < chunkSize) {
        break;
      }
    }
    return new ShardDigest(Digests.hex(whole.digest()), size, chunks);
  }
}
