package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds every release the tiers hold: lists {@code manifests/} on each tier (every pin on a
 * content-addressed one, whose small objects are sniffed for a manifest envelope), verifies each
 * manifest against the trust root and the key it was found at, and reads each dataset's latest
 * pointer. What does not verify is rejected (and named); what could not be read is a failure, so a
 * caller that must see everything (garbage collection) can refuse to go on.
 */
final class CatalogScan {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogScan.class);
  private static final String PREFIX = "manifests/";
  private static final int SNIFF_BYTES = 256;
  private static final byte[] MANIFEST_TYPE_TEXT =
      ("\"" + SignedEnvelope.MANIFEST_TYPE + "\"").getBytes(StandardCharsets.UTF_8);

  /** One verified manifest document and every place an identical copy was found. */
  record Revision(DatasetManifest manifest, String hash, List<Locator> copies) {}

  /** What the scan found: revisions by dataset, version and revision; pointers; problems. */
  record Result(
      Map<String, Map<String, Map<Integer, Revision>>> releases,
      Map<String, LatestPointer> pointers,
      Map<String, Map<String, Long>> listed,
      List<String> rejected,
      Set<String> unverifiedBlobs,
      List<IOException> failures) {}

  private final List<StorageTier> tiers;
  private final TrustRoot trust;
  private final Map<String, Map<String, Map<Integer, Revision>>> releases = new TreeMap<>();
  private final Map<String, Map<String, Long>> listed = new LinkedHashMap<>();
  private final List<String> rejected = new ArrayList<>();
  private final Set<String> unverifiedBlobs = new HashSet<>();
  private final List<IOException> failures = new ArrayList<>();

  private CatalogScan(List<StorageTier> tiers, TrustRoot trust) {
    this.tiers = tiers;
    this.trust = trust;
  }

  /** Scans {@code tiers}, verifying against {@code trust}. */
  static Result run(List<StorageTier> tiers, TrustRoot trust) {
    CatalogScan scan = new CatalogScan(tiers, trust);
    for (StorageTier tier : tiers) {
      scan.scan(tier);
    }
    Map<String, LatestPointer> pointers = scan.pointers();
    return new Result(
        scan.releases, pointers, scan.listed, scan.rejected, scan.unverifiedBlobs, scan.failures);
  }

  private void scan(StorageTier tier) {
    List<ObjectInfo> objects;
    try {
      objects = tier.list(PREFIX);
    } catch (IOException e) {
      failures.add(new IOException("tier '" + tier.id() + "' could not be listed: " + e, e));
      return;
    }
    boolean byKey = byKey(tier);
    Map<String, Long> uris = new HashMap<>();
    listed.put(tier.id(), uris);
    for (ObjectInfo object : objects) {
      Locator where = object.locator();
      uris.put(where.uri().toString(), object.size());
      Optional<String> key = byKey ? ManifestUris.releaseKeyIn(where.uri()) : Optional.empty();
      try {
        if (byKey ? key.isPresent() : looksLikeManifest(tier, object)) {
          read(tier, where, key);
        }
      } catch (ManifestRejectedException e) {
        LOG.warn("catalog: rejected {}: {}", where, e.getMessage());
        rejected.add(where + ": " + e.getMessage());
      } catch (ObjectNotFoundException e) {
        LOG.debug("catalog: {} vanished while listed", where);
      } catch (IOException e) {
        failures.add(new IOException(where + " could not be read: " + e, e));
      }
    }
  }

  /** Whether {@code tier} finds objects by key (files, S3), not only by content (BTFS). */
  static boolean byKey(StorageTier tier) {
    return tier.locate(PREFIX + "probe.json").isPresent();
  }

  /** A content-addressed tier's small object whose first bytes name the manifest type. */
  private static boolean looksLikeManifest(StorageTier tier, ObjectInfo object) throws IOException {
    if (object.size() > SignedEnvelope.maxEnvelopeBytes(SignedEnvelope.MANIFEST_TYPE)) {
      return false;
    }
    byte[] head;
    try (InputStream in = tier.read(object.locator(), 0, SNIFF_BYTES)) {
      head = in.readNBytes(SNIFF_BYTES);
    }
    return indexOf(head, MANIFEST_TYPE_TEXT) >= 0;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void read(StorageTier tier, Locator where, Optional<String> key) throws IOException {
    String name = "manifest " + where;
    SignedEnvelope envelope =
        SignedDocuments.fetch(tier, where, SignedEnvelope.MANIFEST_TYPE, name).envelope();
    try {
      trust.verify(envelope, name);
    } catch (ManifestRejectedException e) {
      protectBlobsOf(envelope);
      throw e;
    }
    DatasetManifest m = ManifestCodec.parse(envelope.payload());
    String expected = ManifestUris.manifestKey(m);
    if (key.isPresent() && !key.get().equals(expected)) {
      throw new ManifestRejectedException(
          Reason.WRONG_RELEASE,
          name + " is stored at '" + key.get() + "' but is the manifest of '" + expected + "'");
    }
    String hash = envelope.payloadSha256();
    Map<Integer, Revision> revisions =
        releases
            .computeIfAbsent(m.datasetId(), d -> new TreeMap<>())
            .computeIfAbsent(m.version(), v -> new TreeMap<>());
    Revision known = revisions.get(m.revision());
    if (known == null) {
      revisions.put(m.revision(), new Revision(m, hash, new ArrayList<>(List.of(where))));
    } else if (known.hash().equals(hash)) {
      known.copies().add(where);
    } else {
      throw new ManifestRejectedException(
          Reason.WRONG_RELEASE,
          name + " is another signed manifest of '" + expected + "' than " + known.copies());
    }
  }

  /**
   * Remembers the blobs a manifest that does not verify would reference (e.g. one signed by a key
   * since dropped from the trust root), so that garbage collection never removes them.
   */
  private void protectBlobsOf(SignedEnvelope envelope) {
    try {
      for (ShardEntry shard : ManifestCodec.parse(envelope.payload()).shards()) {
        unverifiedBlobs.add(shard.storedSha256());
        if (shard.hasSampleIndex()) {
          unverifiedBlobs.add(shard.sampleIndex().sha256());
        }
      }
    } catch (ManifestRejectedException | RuntimeException unreadable) {
      LOG.debug("an unverified document names no blobs: {}", unreadable.toString());
    }
  }

  /** Each dataset's newest verified latest pointer; unverifiable pointers are rejected. */
  private Map<String, LatestPointer> pointers() {
    Map<String, LatestPointer> pointers = new TreeMap<>();
    for (String dataset : releases.keySet()) {
      List<IOException> problems = new ArrayList<>();
      LatestPointers.newest(tiers, dataset, trust, problems)
          .ifPresent(found -> pointers.put(dataset, found.pointer()));
      for (IOException e : problems) {
        if (e instanceof ManifestRejectedException) {
          rejected.add(e.getMessage());
        } else {
          failures.add(e);
        }
      }
    }
    return pointers;
  }
}
