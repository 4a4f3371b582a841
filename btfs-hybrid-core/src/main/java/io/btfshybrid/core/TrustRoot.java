package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.AccessesPartialKey;
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
 *
 * <p>Roots are versioned and rotate like TUF's root role: {@link #rotate} produces a signed
 * document announcing the next root (version + 1), and {@link #verifyRotation} accepts it only when
 * it carries the threshold of this root's keys and the threshold of its own keys, so neither a
 * stolen minority of old keys nor keys nobody holds can take over. Chains are applied one version
 * at a time ({@link #verifyRotations}).
 */
public final class TrustRoot {
  private final Map<String, KeysetHandle> keys;
  private final Map<String, PublicKeyVerify> verifiers;
  private final int threshold;
  private final int version;

  /** Most keys a root may list. */
  static final int MAX_KEYS = 64;

  /** Upper bound on a trust-root document (the payload of a rotation, or a saved root file). */
  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  private TrustRoot(int threshold, List<KeysetHandle> publicKeysets) {
    this(1, threshold, publicKeysets);
  }

  private TrustRoot(int version, int threshold, List<KeysetHandle> publicKeysets) {
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
    if (version < 1) {
      throw new IllegalArgumentException("trust root version must be >= 1, was " + version);
    }
    if (byId.size() > MAX_KEYS) {
      throw new IllegalArgumentException(byId.size() + " keys exceed the limit of " + MAX_KEYS);
    }
    if (threshold < 1 || threshold > byId.size()) {
      throw new IllegalArgumentException(
          "threshold "
              + threshold
              + " must be between 1 and the number of keys ("
              + byId.size()
              + ")");
    }
    this.keys = Collections.unmodifiableMap(byId);
    this.verifiers = Collections.unmodifiableMap(verify);
    this.threshold = threshold;
    this.version = version;
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

  /** The version of this root: 1 for a root built with {@code of}, +1 per rotation. */
  public int version() {
    return version;
  }

  /**
   * A signed document making {@code next} (its keys and threshold) the successor of this root, at
   * version {@code version() + 1}. Sign it with at least this root's threshold of keys and {@code
   * next}'s threshold of its keys; more signatures can be added with {@link #cosign}.
   */
  public byte[] rotate(TrustRoot next, ManifestSigner... signers) {
    TrustRoot successor =
        new TrustRoot(version + 1, next.threshold, List.copyOf(next.keys.values()));
    return SignedEnvelope.sign(
            SignedEnvelope.TRUST_ROOT_TYPE, successor.canonicalJson(), Arrays.asList(signers))
        .toJson();
  }

  /** Adds {@code signer}'s signature to a rotation document (for signers who sign separately). */
  public static byte[] cosign(byte[] rotationDocument, ManifestSigner signer)
      throws ManifestRejectedException {
    SignedEnvelope env = SignedEnvelope.parse(rotationDocument, SignedEnvelope.TRUST_ROOT_TYPE);
    List<SignedEnvelope.Signature> sigs = new ArrayList<>(env.signatures());
    if (sigs.stream().noneMatch(s -> s.keyId().equals(signer.keyId()))) {
      sigs.add(signer.sign(env.payloadType(), env.payload()));
    }
    return new SignedEnvelope(env.payloadType(), env.payload(), sigs).toJson();
  }

  /**
   * The root a rotation document announces, accepted only when its version is exactly this root's
   * plus one, it carries this root's threshold of valid signatures (THRESHOLD_NOT_MET, UNKNOWN_KEY
   * otherwise) and its own threshold. An older or equal version is a ROLLBACK.
   */
  public TrustRoot verifyRotation(byte[] rotationDocument) throws ManifestRejectedException {
    SignedEnvelope env = SignedEnvelope.parse(rotationDocument, SignedEnvelope.TRUST_ROOT_TYPE);
    TrustRoot next = parseRoot(env.payload());
    if (next.version <= version) {
      throw new ManifestRejectedException(
          Reason.ROLLBACK,
          "trust root version "
              + next.version
              + " is not newer than the trusted version "
              + version);
    }
    if (next.version != version + 1) {
      throw new ManifestRejectedException(
          Reason.MALFORMED,
          "trust root version "
              + next.version
              + " skips versions after "
              + version
              + "; apply every rotation in order");
    }
    verify(
        env, "trust root v" + next.version + " (signatures of the current root v" + version + ")");
    next.verify(env, "trust root v" + next.version + " (signatures of its own keys)");
    return next;
  }

  /** Applies a chain of rotation documents in order, returning the newest root. */
  public TrustRoot verifyRotations(List<byte[]> rotationDocuments)
      throws ManifestRejectedException {
    TrustRoot root = this;
    for (byte[] doc : rotationDocuments) {
      root = root.verifyRotation(doc);
    }
    return root;
  }

  /** The root as a JSON tree: version, threshold and public keysets in key-id order. */
  private ObjectNode toTree() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("version", version);
    root.put("threshold", threshold);
    ArrayNode list = root.putArray("keys");
    for (Map.Entry<String, KeysetHandle> e : new java.util.TreeMap<>(keys).entrySet()) {
      try {
        list.addObject()
            .put("keyid", e.getKey())
            .put(
                "keyset",
                TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(
                    e.getValue(), RegistryConfiguration.get()));
      } catch (GeneralSecurityException ex) {
        throw new IllegalStateException("cannot serialise public key " + e.getKey(), ex);
      }
    }
    return root;
  }

  private byte[] canonicalJson() {
    try {
      return CanonicalJson.bytes(toTree());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TrustRoot parseRoot(byte[] payload) throws ManifestRejectedException {
    try {
      JsonNode root = ManifestCodec.JSON.readTree(payload);
      TrustRoot parsed = fromTree(root);
      for (JsonNode k : root.path("keys")) {
        if (!parsed.keys.containsKey(k.path("keyid").asText())) {
          throw new IllegalArgumentException(
              "key id '" + k.path("keyid").asText() + "' does not match its key");
        }
      }
      return parsed;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, "trust root document: " + e.getMessage(), e);
    }
  }

  private static TrustRoot fromTree(JsonNode root) throws GeneralSecurityException {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode keyList = root.path("keys");
    if (!keyList.isArray() || keyList.size() > MAX_KEYS) {
      throw new IllegalArgumentException(
          "'keys' must be an array of at most " + MAX_KEYS + " keys");
    }
    List<KeysetHandle> handles = new ArrayList<>();
    for (JsonNode k : keyList) {
      handles.add(
          TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(
              k.path("keyset").asText(), RegistryConfiguration.get()));
    }
    if (handles.isEmpty()) {
      throw new IllegalArgumentException("no keys listed");
    }
    return new TrustRoot(root.path("version").asInt(1), root.path("threshold").asInt(1), handles);
  }

  @AccessesPartialKey // the key id is a hash of the public key bytes, which are not secret
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
          what
              + " has a signature by key "
              + bad
              + " that does not match its content"
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
    AtomicFiles.write(
        file,
        ManifestCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toTree()),
        false);
  }

  /** Loads a trust root saved by {@link #save}, naming the file when it is malformed. */
  public static TrustRoot load(Path file) throws IOException {
    Crypto.init();
    try {
      byte[] bytes =
          BoundedReads.readAtMost(Files.newInputStream(file), MAX_DOCUMENT_BYTES, "the file");
      return fromTree(ManifestCodec.JSON.readTree(bytes));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof java.nio.file.NoSuchFileException) {
        throw (IOException) e;
      }
      throw new HybridStorageException(
          "trust root '" + file + "' is not a valid btfs-hybrid trust file: " + e.getMessage(), e);
    }
  }
}
