package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The one canonical JSON form of every signed or hashed document (manifests, latest pointers, trust
 * roots, trust state, audit lines): keys sorted, no insignificant white space, UTF-8.
 */
final class CanonicalJson {
  private CanonicalJson() {}

  /** The canonical bytes of {@code node}. */
  static byte[] bytes(JsonNode node) throws IOException {
    return ManifestCodec.JSON.writeValueAsBytes(ManifestCodec.sorted(node));
  }
}
