package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams ask a source once for the rest of their range, wherever the range starts. */
class RequestSpanTest {
  @TempDir Path tmp;

  /** Records each read request (offset, length) made to a tier. */
  static final class Recording implements StorageTier {
    final StorageTier tier;
    final List<long[]> requests = new ArrayList<>();

    Recording(StorageTier tier) {
      this.tier = tier;
    }

    @Override
    public String id() {
      return tier.id();
    }

    @Override
    public TierKind kind() {
      return tier.kind();
    }

    @Override
    public Optional<Locator> locate(String key) {
      return tier.locate(key);
    }

    @Override
    public Locator write(String key, InputStream in, long size) throws IOException {
      return tier.write(key, in, size);
    }

    @Override
    public Optional<ObjectInfo> stat(Locator where) throws IOException {
      return tier.stat(where);
    }

    @Override
    public void delete(Locator where) throws IOException {
      tier.delete(where);
    }

    @Override
    public synchronized InputStream read(Locator where, long offset, long length)
        throws IOException {
      requests.add(new long[] {offset, length});
      return tier.read(where, offset, length);
    }
  }

  @Test
  void aRangedReadPastTheFirstChunkIsOneRequestForExactlyItsChunks() throws IOException {
    byte[] content = Releases.random(9, Releases.CHUNK * 6 + 5);
    Releases.write(tmp.resolve("src"), "big.bin", content);
    Recording tier = new Recording(Releases.tier(tmp.resolve("t"), "mirror", TierKind.REPLICA));
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult release =
        Releases.publisher(signer, List.of(tier)).publish(tmp.resolve("src"), "d", "1");
    tier.requests.clear();
    try (DatasetClient client =
            DatasetClient.builder().tier(tier).trust(TrustRoot.of(signer.publicKeyset())).build();
        Dataset ds = client.open(release.manifestUri())) {
      tier.requests.clear();
      long from = 3L * Releases.CHUNK + 10;
      byte[] got = Releases.readAll(ds.openShard("big.bin", from, -1));
      assertArrayEquals(Arrays.copyOfRange(content, (int) from, content.length), got);
      assertEquals(1, tier.requests.size(), "one request for the whole range");
      assertEquals(3L * Releases.CHUNK, tier.requests.get(0)[0]);
      assertEquals(
          content.length - 3L * Releases.CHUNK,
          tier.requests.get(0)[1],
          "never more than the stored size");
      ShardEntry shard = ds.shard("big.bin");
      assertEquals(shard.storedSize(), tier.requests.get(0)[0] + tier.requests.get(0)[1]);
    }
  }
}
