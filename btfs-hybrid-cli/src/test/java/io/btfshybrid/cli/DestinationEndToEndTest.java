package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pull and export never touch a file of the user's they were not told to, nor write via links. */
class DestinationEndToEndTest {
  static final byte[] NOTES =
      "my own notes, not part of any release\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] MINE = "the user's own f1.bin\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  Fixture fx;
  String uri;
  Path out;

  @BeforeEach
  void publish() throws IOException {
    fx = Fixture.withFileTiers(tmp);
    uri = fx.publish("1");
    out = Files.createDirectories(tmp.resolve("out/part"));
    Files.write(tmp.resolve("out/notes.txt"), NOTES);
    Files.write(out.resolve("f1.bin"), MINE);
    out = tmp.resolve("out");
  }

  @Test
  void aNonEmptyDestinationIsRefusedNamingTheConflictAndLeftByteIdentical() throws IOException {
    CliProcess.Result r = fx.cli("pull", "ds@1", "--out", out.toString());
    assertEquals(ExitCodes.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("'part/f1.bin'"), r.err());
    assertTrue(r.err().contains("--force"), r.err());
    assertEquals(-1, Files.mismatch(out.resolve("part/f1.bin"), write(tmp.resolve("m"), MINE)));
    assertEquals(-1, Files.mismatch(out.resolve("notes.txt"), write(tmp.resolve("n"), NOTES)));
    assertFalse(Files.exists(out.resolve("part/f0.bin")), "nothing was written");

    CliProcess.Result e = fx.cli("export", "ds@1", "--out", out.toString());
    assertEquals(ExitCodes.USAGE, e.code(), e.err());
  }

  @Test
  void forceOverwritesOnlyTheReleasesOwnPaths() throws IOException {
    CliProcess.Result r = fx.cli("pull", "ds@1", "--out", out.toString(), "--force");
    assertEquals(0, r.code(), r.err());
    assertEquals(-1, Files.mismatch(out.resolve("part/f1.bin"), fx.source.resolve("part/f1.bin")));
    assertEquals(-1, Files.mismatch(out.resolve("notes.txt"), write(tmp.resolve("n"), NOTES)));
    assertEquals(0, Fixture.temporaryFiles(out));
    assertFalse(r.err().contains("\r"), "no progress when stderr is not a terminal: " + r.err());
  }

  @Test
  void aFailedPullLeavesTheUsersFilesByteIdenticalAndNoTemporaryFile() throws IOException {
    fx.corruptEveryBlob();
    CliProcess.Result r = fx.cli("pull", uri, "--out", out.toString(), "--force");
    assertEquals(ExitCodes.INTEGRITY, r.code(), r.err());
    assertEquals(-1, Files.mismatch(out.resolve("part/f1.bin"), write(tmp.resolve("m"), MINE)));
    assertEquals(-1, Files.mismatch(out.resolve("notes.txt"), write(tmp.resolve("n"), NOTES)));
    assertEquals(0, Fixture.temporaryFiles(out));
  }

  @Test
  void aPlantedSymlinkedDirectoryIsRefusedAndNothingIsWrittenOutsideOut() throws IOException {
    Path victim = Files.createDirectories(tmp.resolve("victim"));
    Path fresh = tmp.resolve("fresh");
    Files.createDirectories(fresh);
    Files.createSymbolicLink(fresh.resolve("part"), victim);
    CliProcess.Result r = fx.cli("pull", "ds@1", "--out", fresh.toString(), "--force");
    assertEquals(ExitCodes.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("symbolic link"), r.err());
    try (var left = Files.list(victim)) {
      assertEquals(0, left.count(), "nothing written through the link");
    }
  }

  @Test
  void aPlantedSymlinkAtAFileOrTemporaryNameIsReplacedNotFollowed() throws IOException {
    Path victim = write(tmp.resolve("victim.txt"), NOTES);
    Path fresh = Files.createDirectories(tmp.resolve("fresh/part"));
    Files.createSymbolicLink(tmp.resolve("fresh/empty.txt"), victim);
    Files.createSymbolicLink(fresh.resolve(".f0.bin.partial"), victim); // the old temporary name
    CliProcess.Result r =
        fx.cli("pull", "ds@1", "--out", tmp.resolve("fresh").toString(), "--force");
    assertEquals(0, r.code(), r.err());
    assertEquals(-1, Files.mismatch(victim, write(tmp.resolve("n"), NOTES)), "victim untouched");
    assertTrue(Files.isRegularFile(tmp.resolve("fresh/empty.txt"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(-1, Files.mismatch(fresh.resolve("f0.bin"), fx.source.resolve("part/f0.bin")));
  }

  @Test
  void exportKeepsADatasetsOwnSha256sumsAndNamesItsChecksumFile() throws Exception {
    Files.writeString(fx.source.resolve("SHA256SUMS"), "the dataset's own checksum list\n");
    fx.publish("2");
    Path exported = tmp.resolve("exported");
    CliProcess.Result r = fx.cli("--json", "export", "ds@2", "--out", exported.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"checksums\" : \"SHA256SUMS.btfs-hybrid\""), r.out());
    assertEquals(
        -1, Files.mismatch(exported.resolve("SHA256SUMS"), fx.source.resolve("SHA256SUMS")));
    Process check =
        new ProcessBuilder("sha256sum", "-c", "SHA256SUMS.btfs-hybrid")
            .directory(exported.toFile())
            .redirectErrorStream(true)
            .start();
    String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, check.waitFor(), report);
    assertEquals(5, report.lines().filter(l -> l.endsWith(": OK")).count(), report);
  }

  private static Path write(Path p, byte[] bytes) throws IOException {
    return Files.write(p, bytes);
  }
}
