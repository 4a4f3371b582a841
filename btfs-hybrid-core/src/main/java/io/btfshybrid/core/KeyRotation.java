package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.EncryptionInfo;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.KeyUnavailableException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-wraps the data key of an encrypted release under another KEK as a new manifest revision (same
 * shards, nothing re-encrypted or uploaded) and moves the latest pointer to it when the pointer
 * named that release.
 */
final class KeyRotation {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);
  private static final int MAX_REVISIONS = 10_000;

  private final List<StorageTier> tiers;
  private final TrustRoot trust;
  private final Clock clock;
  private final KeyManagementService kms;
  private final Duration expiresAfter;
  private final ManifestWriter writer;
  private final PublishAudit audit;

  KeyRotation(
      List<StorageTier> tiers,
      TrustRoot trust,
      Clock clock,
      KeyManagementService kms,
      Duration expiresAfter,
      ManifestWriter writer,
      PublishAudit audit) {
    this.tiers = tiers;
    this.trust = trust;
    this.clock = clock;
    this.kms = kms;
    this.expiresAfter = expiresAfter;
    this.writer = writer;
    this.audit = audit;
  }

  PublishResult rotate(URI manifestUri, String newKekId) throws IOException {
    if (!kms.keyIds().contains(newKekId)) {
      throw new KeyUnavailableException(
          newKekId, "not one of the key management's KEKs " + kms.keyIds());
    }
    DatasetManifest old;
    try (DatasetClient reader =
        DatasetClient.builder().tiers(tiers).trust(trust).allowExpired(true).clock(clock).build()) {
      old = reader.resolve(manifestUri).manifest();
    }
    String release = old.datasetId() + "@" + old.version();
    EncryptionInfo enc =
        old.encryption()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        release + " is not encrypted: there is no data key to rotate"));
    ShardEncryption.check(enc, release);
    writer.checkLatestReadable(old.datasetId());
    byte[] context = ShardEncryption.keyContext(old.datasetId(), old.version());
    byte[] dataKey = kms.unwrap(enc.kekId(), Base64.getDecoder().decode(enc.wrappedKey()), context);
    byte[] rewrapped;
    try {
      rewrapped = kms.wrap(newKekId, dataKey, context);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
    int revision = nextRevision(old);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    DatasetManifest next =
        old.toBuilder()
            .revision(revision)
            .createdAt(now)
            .expiresAt(expiresAfter != null ? now.plus(expiresAfter) : old.expiresAt().orElse(null))
            .encryption(
                new EncryptionInfo(
                    enc.scheme(),
                    enc.segmentSize(),
                    newKekId,
                    Base64.getEncoder().encodeToString(rewrapped)))
            .build();
    String key = ManifestUris.manifestKey(next);
    SignedEnvelope envelope = writer.sign(next);
    List<Locator> stored =
        writer
            .storeNew(
                key,
                envelope.toJson(),
                (tier, where, bytes) -> {
                  throw new ReleaseConflictException(
                      release
                          + " revision "
                          + revision
                          + " was written concurrently on tier '"
                          + tier.id()
                          + "'; rotate again");
                })
            .locations();
    String hash = envelope.payloadSha256();
    Optional<LatestPointer> current = writer.latest(old.datasetId());
    if (current.isEmpty() || current.get().version().equals(old.version())) {
      writer.publishLatest(next, key, hash);
    }
    LOG.info(
        "rotated the data key of {} from KEK {} to {}: revision {}, manifest {}",
        release,
        enc.kekId(),
        newKekId,
        revision,
        hash);
    audit.record(
        AuditEvent.KEY_ROTATION,
        next,
        Map.of("manifest", hash, "fromKek", enc.kekId(), "kek", newKekId));
    return PublishResult.builder()
        .manifestUri(ManifestUris.uriOf(key, hash))
        .manifestHash(hash)
        .manifest(next)
        .manifestLocations(stored)
        .latestUri(ManifestUris.latestUri(old.datasetId()))
        .build();
  }

  /** One above the highest revision of the release stored on any tier. */
  private int nextRevision(DatasetManifest m) throws IOException {
    int revision = m.revision() + 1;
    while (revision < MAX_REVISIONS
        && storedAnywhere(ManifestUris.manifestKey(m.datasetId(), m.version(), revision))) {
      revision++;
    }
    if (revision >= MAX_REVISIONS) {
      throw new ReleaseConflictException(
          m.datasetId()
              + "@"
              + m.version()
              + " already has "
              + MAX_REVISIONS
              + " manifest revisions");
    }
    return revision;
  }

  private boolean storedAnywhere(String key) throws IOException {
    for (StorageTier tier : tiers) {
      Optional<Locator> loc = tier.locate(key);
      if (loc.isPresent() && tier.stat(loc.get()).isPresent()) {
        return true;
      }
    }
    return false;
  }
}
