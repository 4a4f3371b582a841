package io.btfshybrid.core;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink primitives this library uses, once. */
final class Crypto {
  private static volatile boolean registered;

  private Crypto() {}

  static void init() {
    if (registered) {
      return;
    }
    synchronized (Crypto.class) {
      if (!registered) {
        try {
          SignatureConfig.register();
          AeadConfig.register();
          StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("cannot register Tink primitives", e);
        }
        registered = true;
      }
    }
  }
}
