package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
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

  /**
   * The newest verifiable pointer on any tier; every tier that failed (unreadable or unverifiable)
   * adds its failure to {@code failures}, a tier without a pointer adds nothing.
   */
  static Optional<Found> newest(
      List<StorageTier> tiers, String datasetId, TrustRoot trust, List<IOException> failures) {
    return newest(tiers, datasetId, trust, DocumentReader.DIRECT, failures);
  }

  /**
   * As {@link #newest(List, String, TrustRoot, List)}, reading each pointer through {@code reader}.
   */
  static Optional<Found> newest(
      List<StorageTier> tiers,
      String datasetId,
      TrustRoot trust,
      DocumentReader reader,
      List<IOException> failures) {
    return newest(tiers, datasetId, trust, reader, (tier, e) -> failures.add(e));
  }

  /** How the stored bytes of one document are opened (a client puts its stall deadline here). */
  @FunctionalInterface
  interface DocumentReader {
    /** Reads straight from the tier, without a deadline. */
    DocumentReader DIRECT = (tier, where) -> tier.read(where, 0, -1);

    /** Opens the whole document at {@code where} on {@code tier}. */
    InputStream open(StorageTier tier, Locator where) throws IOException;
  }

  /**
   * The newest verifiable pointer, for a writer that must continue its sequence: a tier whose
   * pointer could not be read (anything but "not found" or a pointer that does not verify) fails
   * with {@link LatestPointerUnavailableException} naming the tier, because starting over from a
   * lower sequence would make every client refuse the next release as a rollback. Only when no tier
   * holds a pointer is the answer empty.
   */
  static Optional<Found> newestForWriting(
      List<StorageTier> tiers, String datasetId, TrustRoot trust)
      throws LatestPointerUnavailableException {
    List<LatestPointerUnavailableException> unreadable = new ArrayList<>();
    Optional<Found> found =
        newest(
            tiers,
            datasetId,
            trust,
            DocumentReader.DIRECT,
            (tier, e) -> {
              if (e instanceof ManifestRejectedException) {
                LOG.warn(
                    "ignoring an unverifiable latest pointer of {} on tier '{}': {}",
                    datasetId,
                    tier.id(),
                    e.getMessage());
              } else {
                unreadable.add(new LatestPointerUnavailableException(datasetId, tier.id(), e));
              }
            });
    if (!unreadable.isEmpty()) {
      LatestPointerUnavailableException first = unreadable.get(0);
      unreadable.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
    return found;
  }

  private static Optional<Found> newest(
      List<StorageTier> tiers,
      String datasetId,
      TrustRoot trust,
      DocumentReader reader,
      BiConsumer<StorageTier, IOException> failures) {
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
            SignedDocuments.fetch(
                    () -> reader.open(tier, loc.get()), SignedEnvelope.LATEST_TYPE, where)
                .envelope();
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
        failures.accept(
            tier, e instanceof IOException io ? io : new IOException(where + ": " + e, e));
      }
    }
    return Optional.ofNullable(best);
  }
}
