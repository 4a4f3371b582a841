package io.btfshybrid.core;

import com.google.crypto.tink.Aead;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.KeyUnavailableException;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Wrapping and unwrapping data keys with one Tink {@link Aead} per KEK id, written once for the
 * local key file and for a cloud KMS: subclasses say where a KEK's AEAD comes from and how a
 * refusal reads.
 */
abstract class AeadKeyManagement implements KeyManagementService {
  /** The AEAD of KEK {@code kekId}, or {@link KeyUnavailableException} naming why there is none. */
  abstract Aead aead(String kekId) throws KeyUnavailableException;

  /** What a refused wrap or unwrap under {@code kekId} means, for the exception's message. */
  abstract String refusal(String kekId, boolean unwrapping, GeneralSecurityException e);

  /** Encrypts a data key under KEK {@code kekId}, bound to {@code context}. */
  @Override
  public final byte[] wrap(String kekId, byte[] dataKey, byte[] context) throws IOException {
    try {
      return aead(kekId).encrypt(dataKey, context);
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException(kekId, refusal(kekId, false, e), e);
    }
  }

  /**
   * Decrypts a wrapped data key; a wrong KEK, context or permission is a {@link
   * KeyUnavailableException}.
   */
  @Override
  public final byte[] unwrap(String kekId, byte[] wrappedKey, byte[] context) throws IOException {
    try {
      return aead(kekId).decrypt(wrappedKey, context);
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException(kekId, refusal(kekId, true, e), e);
    }
  }
}
