package io.btfshybrid.core;

import com.google.crypto.tink.StreamingAead;
import io.btfshybrid.api.AccessDeniedException;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.EncryptionInfo;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.KeyUnavailableException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Who may read a release, and the release of its data key: the access policy is checked for the
 * configured principal, then the key management unwraps the data key; both are audited. The data
 * key itself never appears in a message or log line, and is wiped once the AEAD is built.
 */
final class KeyRelease {
  private final Principal principal;
  private final KeyManagementService kms;
  private final ClientAudit audit;

  KeyRelease(Principal principal, KeyManagementService kms, ClientAudit audit) {
    this.principal = principal;
    this.kms = kms;
    this.audit = audit;
  }

  /** Refuses a restricted release to a principal outside its policy (audited). */
  void authorize(DatasetManifest manifest) throws IOException {
    if (manifest.policy().isEmpty()) {
      return;
    }
    AccessPolicy policy = AccessPolicy.of(manifest.policy().get());
    if (policy.allows(principal)) {
      return;
    }
    String release = manifest.datasetId() + "@" + manifest.version();
    String detail =
        principal == null
            ? release + " is restricted and no principal was configured"
            : release
                + " allows principals "
                + policy.principals()
                + " and groups "
                + policy.groups()
                + ", not "
                + principal;
    audit.record(AuditEvent.ACCESS_DENIED, manifest, Map.of("detail", detail));
    throw new AccessDeniedException(principal == null ? "<none>" : principal.name(), detail);
  }

  /**
   * The streaming AEAD of an encrypted release: the policy is checked again, then the data key is
   * unwrapped by the configured key management (audited as a key release).
   */
  StreamingAead release(DatasetManifest manifest) throws IOException {
    EncryptionInfo enc = manifest.encryption().orElseThrow();
    String release = manifest.datasetId() + "@" + manifest.version();
    ShardEncryption.check(enc, release);
    authorize(manifest);
    byte[] dataKey;
    try {
      dataKey = unwrap(manifest, enc, release);
    } catch (IOException e) {
      audit.record(
          AuditEvent.KEY_RELEASE,
          manifest,
          Map.of(
              "kek", enc.kekId(), "outcome", "refused", "detail", String.valueOf(e.getMessage())));
      throw e;
    }
    try {
      StreamingAead aead = ShardEncryption.streamingAead(dataKey, enc.segmentSize());
      audit.record(
          AuditEvent.KEY_RELEASE, manifest, Map.of("kek", enc.kekId(), "outcome", "released"));
      return aead;
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException(
          enc.kekId(), "the unwrapped data key is unusable: " + e.getMessage(), e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private byte[] unwrap(DatasetManifest manifest, EncryptionInfo enc, String release)
      throws IOException {
    if (kms == null) {
      throw new KeyUnavailableException(
          enc.kekId(),
          release + " is encrypted and this client has no key management (keyManagement(..))");
    }
    byte[] wrapped;
    try {
      wrapped = Base64.getDecoder().decode(enc.wrappedKey());
    } catch (IllegalArgumentException e) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, release + " wrapped key is not base64", e);
    }
    return kms.unwrap(
        enc.kekId(), wrapped, ShardEncryption.keyContext(manifest.datasetId(), manifest.version()));
  }
}
