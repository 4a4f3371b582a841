package io.btfshybrid.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a release's manifest and checks it may be trusted: signatures against the trust root, the
 * pin of a pinned address, that the release the address names is the one signed, expiry, and for a
 * latest pointer its signature, expiry and sequence (never older than one seen before). Tries every
 * place the manifest may be stored until one serves a document that passes.
 */
final class ManifestLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestLoader.class);

  private final StallWatchdog watchdog;
  private final ManifestResolver resolver;
  private final TrustRoot trust;
  private final Clock clock;
  private final boolean allowExpired;
  private final TrustState trustState;
  private final Cache<String, DatasetClient.LoadedManifest> manifests;

  ManifestLoader(
      ManifestResolver resolver,
      TrustRoot trust,
      Clock clock,
      boolean allowExpired,
      TrustState trustState,
      int cacheSize,
      StallWatchdog watchdog) {
    this.watchdog = watchdog;
    this.resolver = resolver;
    this.trust = trust;
    this.clock = clock;
    this.allowExpired = allowExpired;
    this.trustState = trustState;
    this.manifests = Caffeine.newBuilder().maximumSize(cacheSize).build();
  }

  /** A manifest address, or a latest pointer followed to the manifest it names; verified. */
  DatasetClient.LoadedManifest resolve(URI uri) throws IOException {
    if (ManifestUris.isLogical(uri)) {
      Optional<String> dataset = ManifestUris.latestDataset(ManifestUris.keyOf(uri));
      if (dataset.isPresent()) {
        return followLatest(dataset.get(), uri);
      }
    }
    return loadManifest(uri);
  }

  private DatasetClient.LoadedManifest followLatest(String datasetId, URI uri) throws IOException {
    List<IOException> failures = new ArrayList<>();
    Optional<LatestPointers.Found> found =
        LatestPointers.newest(resolver.orderedTiers(), datasetId, trust, this::read, failures);
    if (found.isEmpty()) {
      throw firstRejection(failures, uri, "no tier holds a latest pointer");
    }
    LatestPointer pointer = found.get().pointer();
    String where = found.get().where();
    if (!allowExpired && clock.instant().isAfter(pointer.expiresAt())) {
      throw new ManifestRejectedException(
          Reason.EXPIRED,
          where
              + " (sequence "
              + pointer.sequence()
              + ") expired at "
              + pointer.expiresAt()
              + "; the publisher must refresh it");
    }
    trustState.check(pointer, where);
    DatasetClient.LoadedManifest loaded =
        loadManifest(ManifestUris.uriOf(pointer.manifestKey(), pointer.manifestSha256()));
    trustState.record(pointer, where);
    return loaded;
  }

  DatasetClient.LoadedManifest loadManifest(URI uri) throws IOException {
    Optional<String> pin = ManifestUris.pinOf(uri);
    if (pin.isPresent()) {
      DatasetClient.LoadedManifest known = manifests.getIfPresent(pin.get());
      if (known != null) {
        checkAddress(known.manifest(), uri);
        checkExpiry(known.manifest(), uri);
        return known;
      }
    }
    List<IOException> failures = new ArrayList<>();
    for (Candidate candidate : candidates(uri)) {
      try {
        SignedDocuments.Fetched doc =
            SignedDocuments.fetch(
                candidate.opener(), SignedEnvelope.MANIFEST_TYPE, candidate.name());
        DatasetClient.LoadedManifest loaded = verify(doc, uri, pin);
        manifests.put(loaded.hash(), loaded);
        return loaded;
      } catch (IOException e) {
        LOG.debug("manifest candidate {} failed: {}", candidate.name(), e.toString());
        failures.add(e);
      }
    }
    throw firstRejection(
        failures,
        uri,
        failures.isEmpty()
            ? "no configured tier can serve this address"
            : "no tier served the manifest");
  }

  /** The first refusal among {@code failures} (others suppressed), or "unavailable". */
  private static IOException firstRejection(
      List<IOException> failures, URI uri, String unavailable) {
    IOException thrown =
        failures.stream()
            .filter(f -> f instanceof ManifestRejectedException)
            .findFirst()
            .orElse(new ShardUnavailableException(uri.toString(), unavailable));
    failures.stream().filter(f -> f != thrown).forEach(thrown::addSuppressed);
    return thrown;
  }

  private DatasetClient.LoadedManifest verify(
      SignedDocuments.Fetched doc, URI uri, Optional<String> pin) throws ManifestRejectedException {
    SignedEnvelope envelope = doc.envelope();
    String hash = envelope.payloadSha256();
    if (pin.isPresent() && !pin.get().equals(hash)) {
      throw new ManifestRejectedException(
          Reason.HASH_MISMATCH,
          "'" + uri + "' pins " + pin.get() + " but the manifest found hashes to " + hash);
    }
    trust.verify(envelope, "manifest '" + uri + "'");
    DatasetManifest manifest = ManifestCodec.parse(envelope.payload());
    checkAddress(manifest, uri);
    checkExpiry(manifest, uri);
    return new DatasetClient.LoadedManifest(manifest, hash, doc.bytes());
  }

  /**
   * A manifest read from an address that names a release (any scheme: {@code btfs-hybrid:}, a tier
   * URI or a {@code file:} path ending in {@code manifests/<dataset>/<version>…}) must be that
   * release and revision: a validly signed manifest of another version served there (a freeze or
   * mix-and-match) is refused.
   */
  private static void checkAddress(DatasetManifest manifest, URI uri)
      throws ManifestRejectedException {
    String expected = ManifestUris.manifestKey(manifest);
    Optional<String> named =
        ManifestUris.isLogical(uri)
            ? Optional.of(ManifestUris.keyOf(uri))
            : ManifestUris.releaseKeyIn(uri);
    if (named.isPresent() && !named.get().equals(expected)) {
      throw new ManifestRejectedException(
          Reason.WRONG_RELEASE,
          "'"
              + uri
              + "' names '"
              + named.get()
              + "' but served the manifest of "
              + manifest.datasetId()
              + "@"
              + manifest.version()
              + " revision "
              + manifest.revision()
              + ", whose address is '"
              + expected
              + "'");
    }
  }

  private void checkExpiry(DatasetManifest manifest, URI uri) throws ManifestRejectedException {
    if (!allowExpired
        && manifest.expiresAt().isPresent()
        && clock.instant().isAfter(manifest.expiresAt().get())) {
      throw new ManifestRejectedException(
          Reason.EXPIRED,
          "manifest '"
              + uri
              + "' of "
              + manifest.datasetId()
              + "@"
              + manifest.version()
              + " expired at "
              + manifest.expiresAt().get());
    }
  }

  /** Where the bytes behind an address may be read, best first. */
  private List<Candidate> candidates(URI uri) throws ManifestRejectedException {
    List<Candidate> out = new ArrayList<>();
    if (ManifestUris.isLogical(uri)) {
      String key = ManifestUris.keyOf(uri);
      for (StorageTier tier : resolver.orderedTiers()) {
        tier.locate(key).ifPresent(loc -> out.add(candidate(tier, loc)));
      }
      return out;
    }
    for (StorageTier tier : resolver.orderedTiers()) {
      out.add(candidate(tier, new Locator(tier.id(), uri)));
    }
    if ("file".equals(uri.getScheme())) {
      Path file = Path.of(uri);
      out.add(new Candidate(file.toString(), () -> Files.newInputStream(file)));
    }
    return out;
  }

  void invalidateAll() {
    manifests.invalidateAll();
  }

  private record Candidate(String name, SignedDocuments.Opener opener) {}

  private Candidate candidate(StorageTier tier, Locator loc) {
    return new Candidate(loc.toString(), () -> read(tier, loc));
  }

  /** A stored document opened and read under the client's stall deadline, like any shard read. */
  private InputStream read(StorageTier tier, Locator where) throws IOException {
    return watchdog.watched(tier.id(), watchdog.open(ChunkSource.of(tier, where), 0, -1));
  }
}
