package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs and stores the documents of a release: the manifest, created only where its key is free (so
 * of two publishers of one version exactly one wins), and the dataset's latest pointer, whose
 * sequence only goes up.
 */
final class ManifestWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestWriter.class);
  private static final int MAX_REPLACE_ATTEMPTS = 3;

  private final List<StorageTier> tiers;
  private final List<ManifestSigner> signers;
  private final TrustRoot trust;
  private final Clock clock;
  private final Duration latestValidity;

  /** What a key already taken on a tier holds, as far as this writer is concerned. */
  @FunctionalInterface
  interface TakenKey {
    /**
     * Judges {@code bytes} found at {@code where}: present when they are the same release (the
     * write is done), empty when they are junk to replace; throws when they are another release.
     */
    Optional<PublishResult> judge(StorageTier tier, Locator where, byte[] bytes) throws IOException;
  }

  /** The manifest is stored (on every tier), or the same release was found already there. */
  record Stored(List<Locator> locations, Optional<PublishResult> existing) {}

  ManifestWriter(
      List<StorageTier> tiers,
      List<ManifestSigner> signers,
      TrustRoot trust,
      Clock clock,
      Duration latestValidity) {
    this.tiers = tiers;
    this.signers = signers;
    this.trust = trust;
    this.clock = clock;
    this.latestValidity = latestValidity;
  }

  /** The signers' key ids, for the audit log. */
  List<ManifestSigner> signers() {
    return signers;
  }

  /** Signs a manifest, refusing (TOO_LARGE) one no client would open. */
  SignedEnvelope sign(DatasetManifest manifest) throws ManifestRejectedException {
    return SignedEnvelope.sign(
        SignedEnvelope.MANIFEST_TYPE, ManifestCodec.encode(manifest), signers);
  }

  /**
   * Stores {@code document} under {@code key} on every tier with a conditional create. When a tier
   * already holds the key, {@code taken} decides: the very same bytes are this release, a verified
   * same release ends the write with that release, a different one is a conflict (thrown), and junk
   * is deleted and the create retried.
   */
  Stored storeNew(String key, byte[] document, TakenKey taken) throws IOException {
    List<Locator> stored = new ArrayList<>();
    for (StorageTier tier : tiers) {
      for (int attempt = 1; ; attempt++) {
        try {
          stored.add(tier.writeNew(key, new ByteArrayInputStream(document), document.length));
          break;
        } catch (ObjectExistsException e) {
          Optional<byte[]> there = read(tier, e.locator());
          if (there.isEmpty()) {
            continue; // deleted meanwhile: create again
          }
          Optional<PublishResult> same = taken.judge(tier, e.locator(), there.get());
          if (same.isPresent()) {
            return new Stored(stored, same);
          }
          if (attempt >= MAX_REPLACE_ATTEMPTS) {
            throw new ReleaseConflictException(
                "tier '"
                    + tier.id()
                    + "' keeps holding an unverifiable document at "
                    + key
                    + " after "
                    + attempt
                    + " attempts to replace it");
          }
          LOG.warn("replacing an unverifiable document at {} on tier '{}'", key, tier.id());
          tier.delete(e.locator());
        }
      }
    }
    return new Stored(stored, Optional.empty());
  }

  private static Optional<byte[]> read(StorageTier tier, Locator where) throws IOException {
    try (InputStream in = tier.read(where, 0, -1)) {
      return Optional.of(
          in.readNBytes(SignedEnvelope.maxEnvelopeBytes(SignedEnvelope.MANIFEST_TYPE) + 1));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Fails with {@link LatestPointerUnavailableException} when a tier cannot say what the dataset's
   * latest pointer is, before anything is written.
   */
  void checkLatestReadable(String datasetId) throws IOException {
    LatestPointers.newestForWriting(tiers, datasetId, trust);
  }

  /**
   * The newest verifiable latest pointer of {@code datasetId}, failing when a tier is unreadable.
   */
  Optional<LatestPointer> latest(String datasetId) throws IOException {
    return LatestPointers.newestForWriting(tiers, datasetId, trust)
        .map(LatestPointers.Found::pointer);
  }

  /**
   * Writes a new latest pointer for the manifest of {@code release} stored at {@code key}, one
   * sequence above the newest verifiable pointer on any tier (1 only when no tier holds one).
   */
  URI publishLatest(DatasetManifest release, String key, String manifestHash) throws IOException {
    String datasetId = release.datasetId();
    long sequence = latest(datasetId).map(p -> p.sequence() + 1).orElse(1L);
    writeLatest(datasetId, sequence, release.version(), release.revision(), key, manifestHash);
    return ManifestUris.latestUri(datasetId);
  }

  /** Re-signs the current latest pointer with a higher sequence and a fresh expiry. */
  URI refreshLatest(String datasetId) throws IOException {
    LatestPointer current =
        latest(datasetId)
            .orElseThrow(
                () ->
                    new io.btfshybrid.api.ShardUnavailableException(
                        ManifestUris.latestKey(datasetId),
                        "no tier holds a verifiable latest pointer to refresh"));
    writeLatest(
        datasetId,
        current.sequence() + 1,
        current.version(),
        current.revision(),
        current.manifestKey(),
        current.manifestSha256());
    return ManifestUris.latestUri(datasetId);
  }

  private void writeLatest(
      String datasetId,
      long sequence,
      String version,
      int revision,
      String manifestKey,
      String manifestHash)
      throws IOException {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    LatestPointer pointer =
        new LatestPointer(
            datasetId,
            sequence,
            version,
            revision,
            manifestKey,
            manifestHash,
            now,
            now.plus(latestValidity));
    byte[] document =
        SignedEnvelope.sign(SignedEnvelope.LATEST_TYPE, pointer.toCanonicalJson(), signers)
            .toJson();
    for (StorageTier tier : tiers) {
      tier.write(
          ManifestUris.latestKey(datasetId), new ByteArrayInputStream(document), document.length);
    }
    LOG.debug(
        "latest pointer of {} is now sequence {} -> {}@{} revision {}",
        datasetId,
        sequence,
        datasetId,
        version,
        revision);
  }
}
