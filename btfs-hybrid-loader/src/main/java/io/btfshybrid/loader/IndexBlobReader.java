package io.btfshybrid.loader;

import io.btfshybrid.api.SampleIndexRef;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import java.io.IOException;

/**
 * Fetches a shard's index blob by its hash. {@link SampleDataset} checks the SHA-256 and size of
 * whatever comes back against the signed manifest before using it.
 */
public interface IndexBlobReader {
  /** The bytes of {@code ref}, the index blob of {@code shard}. */
  byte[] read(ShardEntry shard, SampleIndexRef ref) throws IOException;

  /**
   * Reads from the tiers that hold {@code dataset}'s shard (by hint, content key or BTFS CID), in
   * the dataset's plan order, moving to the next tier when one fails or returns other bytes.
   */
  static IndexBlobReader tiers(Dataset dataset) {
    return new TierIndexBlobReader(dataset);
  }
}
