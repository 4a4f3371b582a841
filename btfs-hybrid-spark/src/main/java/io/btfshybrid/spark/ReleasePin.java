package io.btfshybrid.spark;

import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;

/**
 * The release a scan planned: its immutable manifest address and the manifest hash the driver saw,
 * so every executor reads exactly those bytes (a moved latest pointer cannot mix two versions).
 */
record ReleasePin(String manifestUri, String manifestHash) implements Serializable {
  /** Opens the pinned release through {@code client}; another manifest is refused. */
  Dataset open(DatasetClient client) throws IOException {
    Dataset ds = client.open(URI.create(manifestUri));
    if (!ds.manifestHash().equals(manifestHash)) {
      String seen = ds.manifestHash();
      ds.close();
      throw new ManifestRejectedException(
          ManifestRejectedException.Reason.HASH_MISMATCH,
          "manifest "
              + manifestUri
              + " has hash "
              + seen
              + " on this executor but "
              + manifestHash
              + " when the read was planned");
    }
    return ds;
  }
}
