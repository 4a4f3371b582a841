package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public keys a client accepts, by key id, and how many distinct valid signatures a document
 * needs (k of n). A document signed by no key here is refused.
 */
public final class TrustRoot {
  private final Map<String, KeysetHandle> keys;
  private final Map<String, PublicKeyVerify> verifiers;
  private final int threshold;

  private TrustRoot(int threshold, List<KeysetHandle> publicKeysets) {
    Crypto.init();
    Map<String, KeysetHandle> byId = new LinkedHashMap<>();
    Map<String, PublicKeyVerify> verify = new LinkedHashMap<>();
    for (KeysetHandle handle : publicKeysets) {
      if (!(handle.getPrimary().getKey() instanceof Ed25519PublicKey key)) {
        throw new IllegalArgumentException(
            "trust root keys must be Ed25519 public keysets, got "
                + handle.getPrimary().getKey().getClass().getSimpleName());
      }
      String id = keyIdOf(key);
      byId.put(id, handle);
      try {
        verify.put(id, handle.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("unusable public key " + id, e);
      }
    }
    if (threshold < 1 || threshold > byId.size()) {
      throw new IllegalArgumentException(
          "threshold " + threshold + " must be between 1 and the number of keys (" + byId.size() + ")");
    }
    this.keys = Collections.unmodifiableMap(byId);
    this.verifiers = Collections.unmodifiableMap(verify);
    this.threshold = threshold;
  }

  /** A trust root accepting a signature by any one of these public keysets. */
  public static TrustRoot of(KeysetHandle... publicKeysets) {
    return new TrustRoot(1, Arrays.asList(publicKeysets));
  }

  /** A trust root requiring {@code threshold} distinct valid signatures from these keys. */
  public static TrustRoot of(int threshold, KeysetHandle... publicKeysets) {
    return new TrustRoot(threshold, Arrays.asList(publicKeysets));
  }

  /** The ids of the accepted keys. */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  /** How many distinct valid signatures a document needs. */
  public int threshold() {
    return threshold;
  }

  static String keyIdOf(Ed25519PublicKey key) {
    return Digests.sha256Hex(key.getPublicKeyBytes().toByteArray()).substring(0, 32);
  }

  /** Checks the envelope carries at least {@link #threshold} valid signatures from known keys. */
  void verify(SignedEnvelope envelope, String what) throws ManifestRejectedException {
    if (envelope.signatures().isEmpty()) {
      throw new ManifestRejectedException(Reason.UNSIGNED, what + " carries no signature");
    }
    byte[] signed = envelope.signedBytes();
    Set<String> valid = new HashSet<>();
    List<String> bad = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (SignedEnvelope.Signature sig : envelope.signatures()) {
      PublicKeyVerify verifier = verifiers.get(sig.keyId());
      if (verifier == null) {
        unknown.add(sig.keyId());
        continue;
      }
      try {
        verifier.verify(sig.bytes(), signed);
        valid.add(sig.keyId());
      } catch (GeneralSecurityException e) {
        bad.add(sig.keyId());
      }
    }
    if (valid.size() >= threshold) {
      return;
    }
    if (!bad.isEmpty()) {
      throw new ManifestRejectedException(
          Reason.BAD_SIGNATURE,
          what + " has a signature by key " + bad + " that does not match its content"
              + " (altered after signing?)");
    }
    if (valid.isEmpty()) {
      throw new ManifestRejectedException(
          Reason.UNKNOWN_KEY, what + " is signed only by unknown key(s) " + unknown);
    }
    throw new ManifestRejectedException(
        Reason.THRESHOLD_NOT_MET,
        what + " has " + valid.size() + " valid signature(s), " + threshold + " required");
  }

  /** Saves the trust root as JSON (public keys only). */
  public void save(Path file) throws IOException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("threshold", threshold);
    ArrayNode list = root.putArray("keys");
    for (Map.Entry<String, KeysetHandle> e : keys.entrySet()) {
      try {
        list.addObject()
            .put("keyid", e.getKey())
            .put("keyset", TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(e.getValue()));
      } catch (GeneralSecurityException ex) {
        throw new IOException(ex);
      }
    }
    AtomicFiles.write(file, ManifestCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), false);
  }

  /** Loads a trust root saved by {@link #save}, naming the file when it is malformed. */
  public static TrustRoot load(Path file) throws IOException {
    Crypto.init();
    try {
      JsonNode root = ManifestCodec.JSON.readTree(Files.readAllBytes(file));
      List<KeysetHandle> handles = new ArrayList<>();
      for (JsonNode k : root.path("keys")) {
        handles.add(TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(k.path("keyset").asText()));
      }
      if (handles.isEmpty()) {
        throw new IllegalArgumentException("no keys listed");
      }
      return new TrustRoot(root.path("threshold").asInt(1), handles);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof java.nio.file.NoSuchFileException) {
        throw (IOException) e;
      }
      throw new HybridStorageException(
          "trust root '" + file + "' is not a valid btfs-hybrid trust file: " + e.getMessage(), e);
    }
  }
}
