package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestPolicy;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "is this dataset@version already published, and is it the same release?". Only a manifest
 * that verifies against the trust root and names this very release counts: junk or an unsigned
 * look-alike at the manifest key is neither "already published" nor a conflict, it is something to
 * replace.
 */
final class ReleaseLookup {
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseLookup.class);

  private final List<StorageTier> tiers;
  private final TrustRoot trust;
  private final boolean encrypted;
  private final Optional<ManifestPolicy> policy;

  /** What the publisher would write: its tiers, the keys it trusts and the protection it adds. */
  ReleaseLookup(
      List<StorageTier> tiers,
      TrustRoot trust,
      boolean encrypted,
      Optional<ManifestPolicy> policy) {
    this.tiers = tiers;
    this.trust = trust;
    this.encrypted = encrypted;
    this.policy = policy;
  }

  /** The content a release is compared by: each shard path with its size and SHA-256. */
  static Map<String, String> contentOf(List<SourceFile> files, List<ShardDigest> digests) {
    Map<String, String> content = new java.util.HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      content.put(files.get(i).relative(), files.get(i).size() + ":" + digests.get(i).sha256());
    }
    return content;
  }

  /**
   * The verified release already stored under {@code key} on any tier, if any; refused with {@link
   * ReleaseConflictException} when its content or protection differs from {@code content}.
   */
  Optional<PublishResult> existing(
      String key, String datasetId, String version, Map<String, String> content)
      throws IOException {
    for (StorageTier tier : tiers) {
      Optional<Locator> loc = tier.locate(key);
      if (loc.isEmpty() || tier.stat(loc.get()).isEmpty()) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = tier.read(loc.get(), 0, -1)) {
        bytes = in.readNBytes(SignedEnvelope.maxEnvelopeBytes(SignedEnvelope.MANIFEST_TYPE) + 1);
      } catch (ObjectNotFoundException e) {
        continue;
      }
      Optional<PublishResult> found = judge(tier, loc.get(), bytes, datasetId, version, content);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * Judges the document {@code bytes} found at {@code where}: the same release (present), a
   * different release ({@link ReleaseConflictException}) or junk that proves nothing (empty).
   */
  Optional<PublishResult> judge(
      StorageTier tier,
      Locator where,
      byte[] bytes,
      String datasetId,
      String version,
      Map<String, String> content)
      throws ReleaseConflictException {
    String release = datasetId + "@" + version;
    Optional<Verified> verified = verify(tier, where, bytes, release);
    if (verified.isEmpty()) {
      return Optional.empty();
    }
    DatasetManifest old = verified.get().manifest();
    if (!old.datasetId().equals(datasetId) || !old.version().equals(version)) {
      LOG.warn(
          "tier '{}' holds a manifest of {}@{} at the key of {}: it will be replaced",
          tier.id(),
          old.datasetId(),
          old.version(),
          release);
      return Optional.empty();
    }
    Map<String, String> oldContent =
        old.shards().stream()
            .collect(Collectors.toMap(ShardEntry::path, s -> s.size() + ":" + s.sha256()));
    if (!oldContent.equals(content)) {
      throw new ReleaseConflictException(
          release
              + " is already published with different content (manifest on tier '"
              + tier.id()
              + "'); releases are immutable, publish a new version");
    }
    String protection = protectionConflict(old);
    if (protection != null) {
      throw new ReleaseConflictException(
          release
              + " is already published with the same content but "
              + protection
              + "; releases are immutable, publish a new version");
    }
    String hash = verified.get().envelope().payloadSha256();
    LOG.info("{} is already published with the same content (manifest {})", release, hash);
    return Optional.of(
        PublishResult.builder()
            .manifestUri(ManifestUris.releaseUri(datasetId, version, hash))
            .manifestHash(hash)
            .manifest(old)
            .manifestLocations(List.of(where))
            .alreadyPublished(true)
            .build());
  }

  private record Verified(SignedEnvelope envelope, DatasetManifest manifest) {}

  /** The manifest when {@code bytes} are a signed manifest this publisher trusts, else empty. */
  private Optional<Verified> verify(StorageTier tier, Locator where, byte[] bytes, String release) {
    String what = "the stored manifest of " + release + " on tier '" + tier.id() + "'";
    try {
      if (bytes.length > SignedEnvelope.maxEnvelopeBytes(SignedEnvelope.MANIFEST_TYPE)) {
        throw new ManifestRejectedException(
            ManifestRejectedException.Reason.TOO_LARGE, what + " is too large");
      }
      SignedEnvelope envelope = SignedEnvelope.parse(bytes, SignedEnvelope.MANIFEST_TYPE);
      trust.verify(envelope, what);
      return Optional.of(new Verified(envelope, ManifestCodec.parse(envelope.payload())));
    } catch (ManifestRejectedException | RuntimeException e) {
      LOG.warn("{} ({}) does not verify, it will be replaced: {}", what, where, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * How an existing release's protection differs from what this publisher would write (so a release
   * asked for encrypted or restricted is never silently answered by an open one), or null.
   */
  private String protectionConflict(DatasetManifest old) {
    if (old.encryption().isPresent() != encrypted) {
      return old.encryption().isPresent() ? "encrypted" : "unencrypted";
    }
    if (!old.policy().equals(policy)) {
      return "with the access policy " + old.policy().map(Object::toString).orElse("(none)");
    }
    return null;
  }
}
