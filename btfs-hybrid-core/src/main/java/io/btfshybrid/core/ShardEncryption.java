package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import com.google.crypto.tink.AccessesPartialKey;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.util.SecretBytes;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.EncryptionInfo;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * Envelope encryption of shards with Tink's AES-GCM-HKDF streaming AEAD. The ciphertext segment
 * size equals the verifier's chunk size, so every stored chunk is exactly one ciphertext segment
 * (the first one also carries the 40-byte header): a chunk verified by its hash is decrypted as a
 * whole segment and ranged reads decrypt only the segments they touch.
 *
 * <p>Each release has its own random 256-bit data key; the manifest carries it wrapped by a KEK
 * with the release identity as context. Each shard is encrypted with its path as associated data,
 * so ciphertext moved to another path (or from another release) does not decrypt.
 */
final class ShardEncryption {
  /** The scheme name recorded in {@link EncryptionInfo#scheme()}. */
  static final String SCHEME = "AES256_GCM_HKDF";

  static final int DATA_KEY_BYTES = 32;

  /**
   * Header of a Tink AES-GCM-HKDF stream: 1 length byte, the salt (key size), 7-byte nonce prefix.
   */
  static final int HEADER_BYTES = 1 + DATA_KEY_BYTES + 7;

  static final int TAG_BYTES = 16;

  /** Smallest segment (chunk) size that leaves plaintext room in the first segment. */
  static final int MIN_SEGMENT_BYTES = 1024;

  /** A fresh data key for a release, wrapped into {@code manifest}, as a streaming AEAD. */
  /** Refuses a chunk size too small for ciphertext segments, or a KEK {@code kms} lacks. */
  static void checkSettings(KeyManagementService kms, String kekId, int chunkSize) {
    Preconditions.checkArgument(
        chunkSize >= MIN_SEGMENT_BYTES,
        "an encrypted release needs a chunk size of at least %s, was %s",
        MIN_SEGMENT_BYTES,
        chunkSize);
    Preconditions.checkArgument(
        kms.keyIds().contains(kekId),
        "KEK '%s' is not one of the key management's KEKs %s",
        kekId,
        kms.keyIds());
  }

  static StreamingAead forRelease(
      KeyManagementService kms,
      String kekId,
      int chunkSize,
      DatasetManifest.Builder manifest,
      String datasetId,
      String version)
      throws IOException {
    byte[] dataKey = newDataKey();
    try {
      byte[] wrapped = kms.wrap(kekId, dataKey, keyContext(datasetId, version));
      manifest.encryption(
          new EncryptionInfo(
              SCHEME, chunkSize, kekId, Base64.getEncoder().encodeToString(wrapped)));
      return streamingAead(dataKey, chunkSize);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up shard encryption", e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /** Upper bound on a wrapped data key (Tink AEAD adds at most a prefix, nonce and tag). */
  static final int MAX_WRAPPED_KEY_BYTES = 1024;

  private ShardEncryption() {}

  static byte[] newDataKey() {
    return SecretBytes.randomBytes(DATA_KEY_BYTES).toByteArray(InsecureSecretKeyAccess.get());
  }

  /** The streaming AEAD of a data key at a segment size. */
  @AccessesPartialKey // builds the key from its raw bytes: the data key is ours, not a keyset
  static StreamingAead streamingAead(byte[] dataKey, int segmentSize)
      throws GeneralSecurityException {
    if (dataKey.length != DATA_KEY_BYTES) {
      throw new GeneralSecurityException(
          "data key has " + dataKey.length + " bytes, " + DATA_KEY_BYTES + " expected");
    }
    AesGcmHkdfStreamingParameters parameters =
        AesGcmHkdfStreamingParameters.builder()
            .setKeySizeBytes(DATA_KEY_BYTES)
            .setDerivedAesGcmKeySizeBytes(DATA_KEY_BYTES)
            .setHkdfHashType(AesGcmHkdfStreamingParameters.HashType.SHA256)
            .setCiphertextSegmentSizeBytes(segmentSize)
            .build();
    return AesGcmHkdfStreaming.create(
        AesGcmHkdfStreamingKey.create(
            parameters, SecretBytes.copyFrom(dataKey, InsecureSecretKeyAccess.get())));
  }

  /** Associated data of one shard's ciphertext: its path in the release. */
  static byte[] shardAad(String path) {
    return ("btfs-hybrid/shard/v1:" + path).getBytes(StandardCharsets.UTF_8);
  }

  /** Context bound to the wrapped data key: the release it belongs to. */
  static byte[] keyContext(String datasetId, String version) {
    return ("btfs-hybrid/data-key/v1:" + datasetId + "@" + version)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Refuses encryption parameters this library cannot read safely, naming the value. */
  static void check(EncryptionInfo info, String release) throws ManifestRejectedException {
    if (!SCHEME.equals(info.scheme())) {
      throw new ManifestRejectedException(
          Reason.MALFORMED,
          release
              + " uses encryption scheme '"
              + info.scheme()
              + "'; this library reads only '"
              + SCHEME
              + "'");
    }
    if (info.segmentSize() < MIN_SEGMENT_BYTES) {
      throw new ManifestRejectedException(
          Reason.MALFORMED,
          release
              + " declares segment size "
              + info.segmentSize()
              + ", below the minimum "
              + MIN_SEGMENT_BYTES);
    }
    if (info.wrappedKey().length() > MAX_WRAPPED_KEY_BYTES * 2) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE,
          release + " carries a wrapped key of " + info.wrappedKey().length() + " characters");
    }
  }

  /** The result of encrypting one file: plaintext size and hash, and the ciphertext's digest. */
  record EncryptedShard(long plainSize, String plainSha256, ShardDigest stored) {}

  /**
   * Encrypts {@code plaintext} into {@code out} in one pass, hashing the plaintext and the
   * ciphertext chunks as they go by.
   */
  static EncryptedShard encrypt(
      Path plaintext, Path out, StreamingAead aead, String shardPath, int chunkSize)
      throws IOException {
    ShardDigest.Hasher stored = new ShardDigest.Hasher(chunkSize);
    MessageDigest plain = Digests.sha256();
    long plainSize = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(plaintext);
        OutputStream file = Files.newOutputStream(out);
        OutputStream encrypting =
            aead.newEncryptingStream(new Tee(file, stored), shardAad(shardPath))) {
      int n;
      while ((n = in.read(buf)) > 0) {
        plain.update(buf, 0, n);
        plainSize += n;
        encrypting.write(buf, 0, n);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encrypt '" + shardPath + "': " + e.getMessage(), e);
    }
    return new EncryptedShard(plainSize, Digests.hex(plain.digest()), stored.finish());
  }

  /** Writes to a file and a hasher at once. */
  private static final class Tee extends FilterOutputStream {
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      super(first);
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      second.write(b, off, len);
    }
  }
}
