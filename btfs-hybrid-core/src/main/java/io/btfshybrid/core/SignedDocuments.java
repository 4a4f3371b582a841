package io.btfshybrid.core;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fetches one signed document (manifest, latest pointer, trust root) from where it is stored: reads
 * at most the limit of its type, then parses the envelope with the streaming parser. Every failure
 * is an {@link IOException} (typed, naming where), so a caller can go on to the next source; a
 * misbehaving source never escapes as an unchecked exception.
 */
final class SignedDocuments {
  private SignedDocuments() {}

  /** Opens the stored bytes of one document. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  /** A parsed envelope with the exact bytes it was read from. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  record Fetched(SignedEnvelope envelope, byte[] bytes) {}

  /** The document at {@code loc} on {@code tier}. */
  static Fetched fetch(StorageTier tier, Locator loc, String payloadType, String where)
      throws IOException {
    return fetch(() -> tier.read(loc, 0, -1), payloadType, where);
  }

  /** The document {@code opener} reads, of type {@code payloadType}; {@code where} names it. */
  static Fetched fetch(Opener opener, String payloadType, String where) throws IOException {
    byte[] bytes;
    try {
      bytes =
          BoundedReads.readAtMost(
              opener.open(), SignedEnvelope.maxEnvelopeBytes(payloadType), where);
    } catch (BoundedReads.TooLargeException e) {
      throw new ManifestRejectedException(Reason.TOO_LARGE, e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new HybridStorageException(where + ": " + e, e);
    }
    try {
      return new Fetched(SignedEnvelope.parse(bytes, payloadType), bytes);
    } catch (ManifestRejectedException e) {
      throw new ManifestRejectedException(e.reason(), where + ": " + e.detail(), e);
    }
  }
}
