package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a dataset's latest pointer from every tier that holds one and keeps the newest whose
 * signatures meet the trust root: a stale tier cannot hide a newer pointer, and an unsigned or
 * forged one is skipped (and reported).
 */
final class LatestPointers {
  private static final Logger LOG = LoggerFactory.getLogger(LatestPointers.class);

  private LatestPointers() {}

  /** A verified pointer, the signed document it came from and where it was read. */
  record Found(LatestPointer pointer, SignedEnvelope envelope, String where) {}

  static Optional<Found> newest(
      List<StorageTier> tiers, String datasetId, TrustRoot trust, List<IOException> failures) {
    String key = ManifestUris.latestKey(datasetId);
    Found best = null;
    for (StorageTier tier : tiers) {
      Optional<Locator> loc = tier.locate(key);
      if (loc.isEmpty()) {
        continue;
      }
      String where = "latest pointer " + loc.get();
      try {
        SignedEnvelope env =
            SignedDocuments.fetch(tier, loc.get(), SignedEnvelope.LATEST_TYPE, where).envelope();
        trust.verify(env, where);
        LatestPointer p = LatestPointer.parse(env.payload(), where);
        if (!p.datasetId().equals(datasetId)) {
          throw new ManifestRejectedException(
              Reason.MALFORMED, where + " is the pointer of dataset '" + p.datasetId() + "'");
        }
        if (best == null || p.sequence() > best.pointer().sequence()) {
          best = new Found(p, env, where);
        }
      } catch (ObjectNotFoundException e) {
        LOG.debug("{}: none on tier {}", where, tier.id());
      } catch (IOException | RuntimeException e) {
        LOG.debug("{} refused: {}", where, e.toString());
        failures.add(e instanceof IOException io ? io : new IOException(where + ": " + e, e));
      }
    }
    return Optional.ofNullable(best);
  }
}
