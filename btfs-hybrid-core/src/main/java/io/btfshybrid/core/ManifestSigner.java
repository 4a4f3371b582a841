package io.btfshybrid.core;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import io.btfshybrid.api.HybridStorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/** Signs manifests with an Ed25519 key held in a Tink keyset; generate, save and load it. */
public final class ManifestSigner {
  /** Upper bound on a signing keyset file. */
  private static final int MAX_FILE_BYTES = 1 << 20;

  private final KeysetHandle privateKeyset;
  private final PublicKeySign sign;
  private final String keyId;

  private ManifestSigner(KeysetHandle privateKeyset) throws GeneralSecurityException {
    this.privateKeyset = privateKeyset;
    this.sign = privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    if (!(privateKeyset.getPrimary().getKey() instanceof Ed25519PrivateKey key)) {
      throw new GeneralSecurityException("the keyset's primary key is not an Ed25519 private key");
    }
    this.keyId = TrustRoot.keyIdOf(key.getPublicKey());
  }

  /** A new signer with a fresh Ed25519 key. */
  public static ManifestSigner generate() {
    try {
      Crypto.init();
      return new ManifestSigner(
          KeysetHandle.generateNew(
              Ed25519Parameters.create(Ed25519Parameters.Variant.NO_PREFIX),
              RegistryConfiguration.get()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an Ed25519 key", e);
    }
  }

  /** Loads a signer saved by {@link #save}, naming the file when it is not a signing keyset. */
  public static ManifestSigner load(Path keysetFile) throws IOException {
    Crypto.init();
    String json =
        new String(
            BoundedReads.readAtMost(Files.newInputStream(keysetFile), MAX_FILE_BYTES, "the file"),
            StandardCharsets.UTF_8);
    try {
      return new ManifestSigner(
          TinkJsonProtoKeysetFormat.parseKeyset(
              json, RegistryConfiguration.get(), InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException | RuntimeException e) {
      // neither the parser's message nor its cause: they may quote the private key
      throw new HybridStorageException(
          "signing keyset '"
              + keysetFile
              + "' is not a Tink Ed25519 private keyset ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** Saves the private keyset (owner-only permissions where the file system allows it). */
  public void save(Path keysetFile) throws IOException {
    try {
      String json =
          TinkJsonProtoKeysetFormat.serializeKeyset(
              privateKeyset, RegistryConfiguration.get(), InsecureSecretKeyAccess.get());
      AtomicFiles.write(keysetFile, json.getBytes(StandardCharsets.UTF_8), true);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot serialise the signing keyset", e);
    }
  }

  /** The public half, to build a {@link TrustRoot} from. */
  public KeysetHandle publicKeyset() {
    try {
      return privateKeyset.getPublicKeysetHandle();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The id clients see on this signer's signatures (a fingerprint of the public key). */
  public String keyId() {
    return keyId;
  }

  SignedEnvelope.Signature sign(String payloadType, byte[] payload) {
    try {
      return new SignedEnvelope.Signature(
          keyId, sign.sign(SignedEnvelope.preAuthEncoding(payloadType, payload)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  /** Signs a payload into a new envelope. */
  SignedEnvelope envelope(String payloadType, byte[] payload) {
    SignedEnvelope.checkSignable(payloadType, payload);
    return new SignedEnvelope(payloadType, payload, java.util.List.of(sign(payloadType, payload)));
  }

  /** The key id only; the private key is never printed. */
  @Override
  public String toString() {
    return "ManifestSigner[" + keyId + "]";
  }
}
