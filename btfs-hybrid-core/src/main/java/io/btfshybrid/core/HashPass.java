package io.btfshybrid.core;

import io.btfshybrid.core.samples.SampleIndex;
import io.btfshybrid.core.samples.SampleIndexer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The publisher's one read of every source file: its digest and, in the same pass over the same
 * plaintext buffers, its sample index. A shard that does not follow its format fails the whole
 * publication with a {@link io.btfshybrid.core.samples.SampleFormatException} naming the shard and
 * the offset, before anything is stored.
 */
final class HashPass {
  /** What the pass learnt of one file. */
  record Hashed(ShardDigest digest, SampleIndex index) {}

  private HashPass() {}

  static List<Hashed> run(
      List<SourceFile> files,
      int chunkSize,
      SampleFormatRules formats,
      DatasetPublisher.ProgressListener progress)
      throws IOException {
    long total = files.stream().mapToLong(SourceFile::size).sum();
    List<Hashed> out = new ArrayList<>(files.size());
    long[] hashed = {0};
    for (SourceFile f : files) {
      SampleIndexer indexer = formats.indexer(f.relative());
      try (InputStream in =
          new ProgressInputStream(
              Files.newInputStream(f.path()),
              n -> progress.progress("hash", Math.min(hashed[0] += n, total), total))) {
        ShardDigest digest = ShardDigest.of(in, chunkSize, indexer);
        out.add(new Hashed(digest, indexer.finish()));
      }
    }
    return out;
  }

  static List<ShardDigest> digests(List<Hashed> hashed) {
    return hashed.stream().map(Hashed::digest).toList();
  }
}
