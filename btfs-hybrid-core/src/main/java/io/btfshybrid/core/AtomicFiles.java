package io.btfshybrid.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Writes files so that readers see either nothing or the whole, durable file: a temp sibling
 * (created owner-only from its first byte when asked), fsync, then an atomic rename, or for {@link
 * #createNew} a hard link that fails when the target exists.
 */
final class AtomicFiles {
  static final String TEMP_SUFFIX = ".partial";

  private static final Set<OpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  /** Test hook: told of every temp file right after it was created, before a byte is written. */
  static volatile Consumer<Path> tempCreated = p -> {};

  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code bytes}; {@code ownerOnly} files are never readable by
   * others.
   */
  static void write(Path target, byte[] bytes, boolean ownerOnly) throws IOException {
    Path temp = tempFor(target);
    try {
      writeTemp(temp, target, new ByteArrayInputStream(bytes), bytes.length, ownerOnly);
      move(temp, target);
      syncDirectory(target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Copies exactly {@code size} bytes from {@code in} to {@code target}, or leaves nothing. */
  static long copy(InputStream in, long size, Path target) throws IOException {
    Path temp = tempFor(target);
    try {
      long n = writeTemp(temp, target, in, size, false);
      move(temp, target);
      syncDirectory(target);
      return n;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Creates {@code target} holding exactly {@code size} bytes of {@code in} only when it does not
   * exist yet: the bytes go to a synced temp sibling that is then hard-linked into place, which
   * fails atomically with {@link FileAlreadyExistsException} when another writer got there first.
   */
  static long createNew(InputStream in, long size, Path target, boolean ownerOnly)
      throws IOException {
    Path temp = tempFor(target);
    try {
      long n = writeTemp(temp, target, in, size, ownerOnly);
      try {
        Files.createLink(target, temp);
      } catch (UnsupportedOperationException e) {
        // no hard links on this file system: a rename without replacing is the closest
        Files.move(temp, target);
      } catch (FileAlreadyExistsException e) {
        throw e;
      } catch (FileSystemException e) {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(temp, target);
      }
      syncDirectory(target);
      return n;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Writes the temp file (owner-only from creation when asked) and forces it to disk. */
  private static long writeTemp(
      Path temp, Path target, InputStream in, long size, boolean ownerOnly) throws IOException {
    long n;
    try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, attributes(temp, ownerOnly))) {
      tempCreated.accept(temp);
      OutputStream out = Channels.newOutputStream(channel);
      n = in.transferTo(out);
      out.flush();
      channel.force(true);
    }
    if (size >= 0 && n != size) {
      throw new IOException(
          "expected " + size + " bytes for " + target.getFileName() + " but got " + n);
    }
    return n;
  }

  private static FileAttribute<?>[] attributes(Path file, boolean ownerOnly) {
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!ownerOnly || !posix) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
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

  /** Makes the rename itself durable where directories can be synced (best effort elsewhere). */
  private static void syncDirectory(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms (Windows) cannot open a directory; the file itself is synced already
    }
  }
}
