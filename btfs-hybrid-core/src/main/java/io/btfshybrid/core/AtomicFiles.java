package io.btfshybrid.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/** Writes files so that readers see either nothing or the whole file: temp file, then rename. */
final class AtomicFiles {
  static final String TEMP_SUFFIX = ".partial";

  private AtomicFiles() {}

  static void write(Path target, byte[] bytes, boolean ownerOnly) throws IOException {
    Path temp = tempFor(target);
    try {
      Files.write(temp, bytes);
      if (ownerOnly) {
        try {
          Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
      }
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Copies exactly {@code size} bytes from {@code in} to {@code target}, or leaves nothing. */
  static long copy(InputStream in, long size, Path target) throws IOException {
    Path temp = tempFor(target);
    try {
      long n;
      try (OutputStream out = Files.newOutputStream(temp)) {
        n = in.transferTo(out);
      }
      if (size >= 0 && n != size) {
        throw new IOException(
            "expected " + size + " bytes for " + target.getFileName() + " but got " + n);
      }
      move(temp, target);
      return n;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static Path tempFor(Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    return parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
  }

  static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
