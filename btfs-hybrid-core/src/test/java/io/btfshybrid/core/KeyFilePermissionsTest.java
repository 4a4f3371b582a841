package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key files are owner-only from their first byte: the temp file already is, and so is the result.
 */
class KeyFilePermissionsTest {
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  @TempDir Path tmp;
  final List<Set<PosixFilePermission>> tempPermissions = new ArrayList<>();

  @BeforeEach
  void watchTempFiles() {
    assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
    AtomicFiles.tempCreated =
        p -> {
          try {
            tempPermissions.add(Files.getPosixFilePermissions(p));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
  }

  @AfterEach
  void stopWatching() {
    AtomicFiles.tempCreated = p -> {};
  }

  void assertOwnerOnlyThroughout(Path file) throws IOException {
    assertEquals(1, tempPermissions.size(), "one temp file was created");
    assertEquals(OWNER_ONLY, tempPermissions.get(0), "the temp file was owner-only when created");
    assertEquals(OWNER_ONLY, Files.getPosixFilePermissions(file));
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertFalse(
          left.anyMatch(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)),
          "no temp file is left behind");
    }
  }

  @Test
  void kekFileIsNeverReadableByOthers() throws IOException {
    Path file = tmp.resolve("kek.json");
    LocalKeyManagementService.generate(file, "kek-1");
    assertOwnerOnlyThroughout(file);
    assertEquals(Set.of("kek-1"), LocalKeyManagementService.load(file).keyIds());
  }

  @Test
  void signingKeyFileIsNeverReadableByOthers() throws IOException {
    Path file = tmp.resolve("signer.json");
    ManifestSigner signer = ManifestSigner.generate();
    signer.save(file);
    assertOwnerOnlyThroughout(file);
    assertEquals(signer.keyId(), ManifestSigner.load(file).keyId());
  }

  @Test
  void resavingASigningKeyOverAWorldReadableFileLeavesItOwnerOnly() throws IOException {
    Path file = tmp.resolve("signer.json");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    ManifestSigner.generate().save(file);
    assertOwnerOnlyThroughout(file);
  }

  @Test
  void anExistingKekFileIsNeverOverwritten() throws IOException {
    Path file = tmp.resolve("kek.json");
    byte[] first = Files.readAllBytes(writeKek(file));
    assertThrows(
        FileAlreadyExistsException.class, () -> LocalKeyManagementService.generate(file, "x"));
    assertArrayEquals(first, Files.readAllBytes(file));
  }

  Path writeKek(Path file) throws IOException {
    LocalKeyManagementService.generate(file, "kek-1");
    return file;
  }

  @Test
  void createNewLosesToAnExistingFileWithoutTouchingIt() throws IOException {
    Path target = tmp.resolve("a/b.json");
    AtomicFiles.createNew(new ByteArrayInputStream(new byte[] {1, 2}), 2, target, false);
    assertThrows(
        FileAlreadyExistsException.class,
        () -> AtomicFiles.createNew(new ByteArrayInputStream(new byte[] {3}), 1, target, false));
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(target));
    try (Stream<Path> left = Files.list(target.getParent())) {
      assertEquals(List.of(target), left.toList());
    }
  }
}
