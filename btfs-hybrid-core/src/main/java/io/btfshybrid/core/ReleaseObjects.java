package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.SampleIndexRef;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists what a release stores, for scrub, repair and restore: every shard's stored bytes, every
 * index blob, every manifest revision up to the one loaded, and the dataset's newest verified
 * latest pointer. Objects sharing a content key (two shards with equal bytes) are listed once.
 */
final class ReleaseObjects {
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseObjects.class);

  private ReleaseObjects() {}

  /** The release {@code loaded} names, read with {@code ops}' tiers and trust. */
  static List<ReleaseObject> of(ReleaseOperations ops, DatasetClient.LoadedManifest loaded) {
    return of(ops, loaded, ops.tiers());
  }

  /**
   * As {@link #of(ReleaseOperations, DatasetClient.LoadedManifest)}, the pointer from these tiers.
   */
  static List<ReleaseObject> of(
      ReleaseOperations ops, DatasetClient.LoadedManifest loaded, List<StorageTier> pointerTiers) {
    DatasetManifest m = loaded.manifest();
    List<ReleaseObject> out = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (ShardEntry s : m.shards()) {
      ReleaseObject shard =
          new ReleaseObject(
              "shard " + s.path(),
              ReleaseObject.Kind.SHARD,
              BlobKeys.of(s),
              s.storedSize(),
              s.chunkSize(),
              s.chunkHashes(),
              s.locations(),
              Optional.empty());
      add(out, keys, shard);
    }
    for (ShardEntry s : m.shards()) {
      if (s.hasSampleIndex()) {
        add(out, keys, index(s.path(), s.sampleIndex()));
      }
    }
    for (int r = DatasetManifest.FIRST_REVISION; r < m.revision(); r++) {
      add(out, keys, earlierRevision(ops, m, r));
    }
    add(
        out,
        keys,
        ReleaseObject.document(
            "manifest r" + m.revision(),
            ReleaseObject.Kind.MANIFEST,
            ManifestUris.manifestKey(m),
            loaded.envelope()));
    newestPointer(pointerTiers, m.datasetId(), ops.trust())
        .ifPresent(
            bytes ->
                out.add(
                    ReleaseObject.document(
                        "latest pointer",
                        ReleaseObject.Kind.POINTER,
                        ManifestUris.latestKey(m.datasetId()),
                        bytes)));
    return out;
  }

  private static void add(List<ReleaseObject> out, Set<String> keys, ReleaseObject o) {
    if (keys.add(o.key())) {
      out.add(o);
    }
  }

  private static ReleaseObject index(String path, SampleIndexRef ref) {
    return new ReleaseObject(
        "index " + path,
        ReleaseObject.Kind.INDEX,
        BlobKeys.of(ref.sha256()),
        ref.size(),
        Math.max(1, ref.size()),
        ref.size() == 0 ? List.of() : List.of(ref.sha256()),
        ref.locations(),
        Optional.empty());
  }

  /** An earlier revision, verified from any tier; without bytes when none holds a good copy. */
  private static ReleaseObject earlierRevision(
      ReleaseOperations ops, DatasetManifest m, int revision) {
    String key = ManifestUris.manifestKey(m.datasetId(), m.version(), revision);
    String name = "manifest r" + revision;
    try {
      DatasetClient.LoadedManifest earlier =
          ops.manifest(URI.create(ManifestUris.SCHEME + "://" + key));
      return ReleaseObject.document(name, ReleaseObject.Kind.MANIFEST, key, earlier.envelope());
    } catch (IOException e) {
      LOG.warn("no tier holds a verified copy of {} of {}: {}", name, m.datasetId(), e.toString());
      return new ReleaseObject(
          name, ReleaseObject.Kind.MANIFEST, key, 0, 1, List.of(), List.of(), Optional.empty());
    }
  }

  /**
   * The bytes of the dataset's newest latest pointer any key-addressed tier holds whose signatures
   * meet the trust root; empty when no tier holds one.
   */
  static Optional<byte[]> newestPointer(
      List<StorageTier> tiers, String datasetId, TrustRoot trust) {
    String key = ManifestUris.latestKey(datasetId);
    byte[] best = null;
    long bestSequence = -1;
    for (StorageTier tier : tiers) {
      Optional<Locator> at = tier.locate(key);
      if (at.isEmpty()) {
        continue;
      }
      String where = "latest pointer " + at.get();
      try {
        SignedDocuments.Fetched doc =
            SignedDocuments.fetch(tier, at.get(), SignedEnvelope.LATEST_TYPE, where);
        trust.verify(doc.envelope(), where);
        LatestPointer p = LatestPointer.parse(doc.envelope().payload(), where);
        if (p.datasetId().equals(datasetId) && p.sequence() > bestSequence) {
          best = doc.bytes();
          bestSequence = p.sequence();
        }
      } catch (ObjectNotFoundException e) {
        LOG.debug("{}: none", where);
      } catch (IOException | RuntimeException e) {
        LOG.debug("{} is not a verifiable pointer: {}", where, e.toString());
      }
    }
    return Optional.ofNullable(best);
  }
}
