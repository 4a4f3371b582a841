package io.btfshybrid.api;

import java.io.IOException;
import java.util.Set;

/**
 * Wraps and unwraps data keys with key-encryption keys (KEKs) that never leave it; plug in a local
 * keyset, a cloud KMS or Vault.
 */
public interface KeyManagementService {
  /** The ids of the KEKs this service can use. */
  Set<String> keyIds();

  /** Encrypts {@code dataKey} under the KEK {@code kekId}; {@code context} is bound as AAD. */
  byte[] wrap(String kekId, byte[] dataKey, byte[] context) throws IOException;

  /** Decrypts a wrapped data key; fails with a typed error when the KEK is wrong or missing. */
  byte[] unwrap(String kekId, byte[] wrappedKey, byte[] context) throws IOException;
}
