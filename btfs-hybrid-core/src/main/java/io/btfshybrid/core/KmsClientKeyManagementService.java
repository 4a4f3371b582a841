package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import io.btfshybrid.api.KeyUnavailableException;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key-encryption keys held by a remote KMS, reached through Tink's {@link KmsClient}: AWS KMS
 * ({@code aws-kms://…}), GCP KMS ({@code gcp-kms://…}), HashiCorp Vault ({@code hcvault://…}) or
 * any other client, with no code change here. The KEK never leaves the KMS; wrapping and unwrapping
 * are remote calls, so access control and audit of key use stay with the KMS.
 */
public final class KmsClientKeyManagementService extends AeadKeyManagement {
  private final KmsClient client;
  private final Map<String, String> keyUris;
  private final Map<String, Aead> aeads = new ConcurrentHashMap<>();

  private KmsClientKeyManagementService(KmsClient client, Map<String, String> keyUris) {
    this.client = Objects.requireNonNull(client, "client");
    Preconditions.checkArgument(!keyUris.isEmpty(), "at least one KEK id -> key URI is needed");
    keyUris.forEach(
        (id, uri) ->
            Preconditions.checkArgument(
                id != null && !id.isBlank() && id.length() <= 1024 && uri != null && !uri.isBlank(),
                "KEK id '%s' -> key URI '%s' is not usable",
                id,
                uri));
    this.keyUris = Collections.unmodifiableMap(new LinkedHashMap<>(keyUris));
  }

  /** KEKs named by their own key URIs: the manifest records the URI as the KEK id. */
  public static KmsClientKeyManagementService forKeyUris(KmsClient client, String... keyUris) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String uri : keyUris) {
      map.put(uri, uri);
    }
    return new KmsClientKeyManagementService(client, map);
  }

  /**
   * KEKs under stable ids of your choosing, mapped to key URIs: the manifest records the id, so the
   * mapping can point an id at another region's replica of the same key.
   */
  public static KmsClientKeyManagementService of(
      KmsClient client, Map<String, String> keyUrisById) {
    return new KmsClientKeyManagementService(client, keyUrisById);
  }

  /** The configured KEK ids. */
  @Override
  public Set<String> keyIds() {
    return keyUris.keySet();
  }

  @Override
  String refusal(String kekId, boolean unwrapping, GeneralSecurityException e) {
    return unwrapping
        ? "the KMS refused to unwrap ("
            + e.getMessage()
            + "): wrong key, no permission, or an altered wrapped key"
        : "the KMS refused to wrap: " + e.getMessage();
  }

  @Override
  Aead aead(String kekId) throws KeyUnavailableException {
    String uri = keyUris.get(kekId);
    if (uri == null) {
      throw new KeyUnavailableException(
          kekId, "no key URI is configured for it; known: " + keyUris.keySet());
    }
    Aead known = aeads.get(kekId);
    if (known != null) {
      return known;
    }
    if (!client.doesSupport(uri)) {
      throw new KeyUnavailableException(
          kekId, "the KMS client does not support key URI '" + uri + "'");
    }
    try {
      Aead aead = client.getAead(uri);
      aeads.putIfAbsent(kekId, aead);
      return aead;
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException(
          kekId, "the KMS client cannot use '" + uri + "': " + e.getMessage(), e);
    }
  }

  /** The KEK ids (never credentials). */
  @Override
  public String toString() {
    return "KmsClientKeyManagementService" + keyUris.keySet();
  }
}
