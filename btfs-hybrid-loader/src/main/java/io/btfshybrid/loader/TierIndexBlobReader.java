package io.btfshybrid.loader;

import com.google.common.hash.Hashing;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.SampleIndexRef;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.BlobKeys;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.PlannedSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Index blobs from the shard's tiers, by content key, each verified before it is returned. */
final class TierIndexBlobReader implements IndexBlobReader {
  private final Dataset dataset;

  TierIndexBlobReader(Dataset dataset) {
    this.dataset = dataset;
  }

  @Override
  public byte[] read(ShardEntry shard, SampleIndexRef ref) throws IOException {
    if (ref.size() > Integer.MAX_VALUE - 8) {
      throw new IntegrityException(shard.path(), 0, null, "index blob of " + ref.size() + " bytes");
    }
    List<String> failures = new ArrayList<>();
    IntegrityException integrity = null;
    for (PlannedSource source : dataset.plan(shard.path())) {
      Optional<Locator> where = locate(source.tier(), ref);
      if (where.isEmpty()) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = source.tier().read(where.get(), 0, ref.size())) {
        bytes = in.readNBytes((int) ref.size() + 1);
      } catch (IOException e) {
        failures.add(source.tierId() + ": " + e.getMessage());
        continue;
      }
      if (bytes.length == ref.size()
          && Hashing.sha256().hashBytes(bytes).toString().equals(ref.sha256())) {
        return bytes;
      }
      integrity =
          new IntegrityException(
              shard.path(), 0, source.tierId(), "index blob " + ref.sha256() + " has other bytes");
      failures.add(source.tierId() + ": other bytes");
    }
    if (integrity != null && failures.size() == 1) {
      throw integrity;
    }
    throw new ShardUnavailableException(
        shard.path(), "no tier served its index blob " + ref.sha256() + " " + failures);
  }

  /** As for shards: a hint for this tier, else the content key, else a BTFS hint's CID. */
  private static Optional<Locator> locate(StorageTier tier, SampleIndexRef ref) {
    for (LocationHint hint : ref.locations()) {
      if (hint.tierId().equals(tier.id()) && hint.kind() == tier.kind()) {
        return Optional.of(hint.locator());
      }
    }
    Optional<Locator> byKey = tier.locate(BlobKeys.of(ref.sha256()));
    if (byKey.isPresent() || tier.kind() != TierKind.BTFS) {
      return byKey;
    }
    return ref.locations().stream()
        .filter(h -> h.kind() == TierKind.BTFS && "btfs".equals(h.uri().getScheme()))
        .findFirst()
        .map(h -> new Locator(tier.id(), h.uri()));
  }
}
