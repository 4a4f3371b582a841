package io.btfshybrid.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The one rule {@code keys generate} and {@code kms generate} share for their output files: an
 * existing file is refused (exit 2) unless {@code --force}, because overwriting a key loses every
 * release it signed or wrapped.
 */
final class KeyOutput {
  private KeyOutput() {}

  /** Refuses an existing {@code file} without {@code force}; with it, removes the old file. */
  static void claim(Path file, String what, boolean force) throws IOException {
    if (file == null || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!force) {
      throw new ConfigException(
          "'"
              + file
              + "' already exists; refusing to overwrite a "
              + what
              + " (pass --force to replace it)");
    }
    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ConfigException("'" + file + "' is a directory");
    }
    Files.delete(file);
  }
}
