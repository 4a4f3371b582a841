package io.btfshybrid.cli;

import io.btfshybrid.core.LocalKeyManagementService;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Key files named on the command line or in the configuration: a missing, unreadable or garbage
 * file is a usage error (exit 2) naming the file and what it should have been.
 */
final class KeyFiles {
  private KeyFiles() {}

  static ManifestSigner signer(Path file) {
    try {
      return ManifestSigner.load(file);
    } catch (IOException | RuntimeException e) {
      throw bad("signing key", file, "a private keyset from 'keys generate'", e);
    }
  }

  static TrustRoot trustRoot(CliConfig config, Optional<Path> override) {
    Path file =
        override
            .or(config::trust)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "no trust root: set 'trust:' in the configuration or pass --trust"));
    try {
      return TrustRoot.load(file);
    } catch (IOException | RuntimeException e) {
      throw bad("trust root", file, "a trust root from 'keys generate --public-out'", e);
    }
  }

  static LocalKeyManagementService kek(Path file) {
    try {
      return LocalKeyManagementService.load(file);
    } catch (IOException | RuntimeException e) {
      throw bad("KEK keyset", file, "a keyset from 'kms generate'", e);
    }
  }

  private static ConfigException bad(String what, Path file, String expected, Exception e) {
    return new ConfigException(
        what + " '" + file + "' is not " + expected + ": " + ErrorText.message(e), e);
  }
}
