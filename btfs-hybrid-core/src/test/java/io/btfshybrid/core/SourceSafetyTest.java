package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sources are read as files, and only paths that mean one file everywhere are published. */
class SourceSafetyTest {
  @TempDir Path tmp;
  Path source;
  FileTier replica;
  ManifestSigner signer;

  @BeforeEach
  void setUp() throws IOException {
    source = Files.createDirectories(tmp.resolve("src"));
    Releases.write(source, "ok.txt", "fine".getBytes());
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    signer = ManifestSigner.generate();
  }

  DatasetPublisher.Builder publisher() {
    return DatasetPublisher.builder().tier(replica).signer(signer).chunkSize(Releases.CHUNK);
  }

  UnpublishablePathException refused() {
    UnpublishablePathException e =
        assertThrows(
            UnpublishablePathException.class, () -> publisher().build().publish(source, "d", "1"));
    assertFalse(
        Files.exists(replica.root().resolve("manifests/d/1.json")), "nothing was published");
    return e;
  }

  Path linkOutside() throws IOException {
    Path secret = Releases.write(tmp.resolve("outside"), "secret.txt", "top secret".getBytes());
    try {
      return Files.createSymbolicLink(source.resolve("passwd"), secret);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
      throw e;
    }
  }

  @Test
  void aLinkLeavingTheSourceDirectoryIsRefusedNamingTheLink() throws IOException {
    linkOutside();
    UnpublishablePathException e = refused();
    assertEquals("passwd", e.path());
    assertTrue(e.getMessage().contains("passwd"), e.getMessage());
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertTrue(e.getMessage().contains("followLinks"), e.getMessage());
  }

  @Test
  void followLinksPublishesWhatALinkPointsTo() throws IOException {
    linkOutside();
    PublishResult r = publisher().followLinks(true).build().publish(source, "d", "1");
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(replica)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .build();
        Dataset ds = client.open(r.manifestUri())) {
      assertArrayEquals("top secret".getBytes(), Releases.readAll(ds.openShard("passwd")));
    }
  }

  @Test
  void aLinkThatStaysInsideTheSourceDirectoryIsPublished() throws IOException {
    try {
      Files.createSymbolicLink(source.resolve("alias.txt"), source.resolve("ok.txt"));
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
    }
    PublishResult r = publisher().build().publish(source, "d", "1");
    assertEquals(
        List.of("alias.txt", "ok.txt"), r.manifest().shards().stream().map(s -> s.path()).toList());
  }

  @Test
  void pathsDifferingOnlyByCaseAreRefused() throws IOException {
    Releases.write(source, "Data.bin", new byte[] {1});
    Releases.write(source, "data.bin", new byte[] {2});
    UnpublishablePathException e = refused();
    assertTrue(e.getMessage().contains("Data.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("data.bin"), e.getMessage());
  }

  @Test
  void aFileAndADirectoryDifferingOnlyByCaseAreRefused() throws IOException {
    Releases.write(source, "a", new byte[] {1});
    Releases.write(source, "A/x", new byte[] {2});
    assertEquals("A/x", refused().path());
  }

  @Test
  void pathsDifferingOnlyByUnicodeNormalisationAreRefused() throws IOException {
    String nfc = Normalizer.normalize("caf\u00e9.txt", Normalizer.Form.NFC);
    String nfd = Normalizer.normalize("caf\u00e9.txt", Normalizer.Form.NFD);
    try {
      Releases.write(source, nfc, new byte[] {1});
      Releases.write(source, nfd, new byte[] {2});
    } catch (IOException | java.nio.file.InvalidPathException e) {
      assumeTrue(false, "this file system cannot hold both forms: " + e);
    }
    assumeTrue(Files.list(source).count() == 3, "this file system normalises names itself");
    assertTrue(refused().getMessage().contains("normalisation"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil\u202Etxt.exe",
        "x\u2066y",
        "mark\u200E.txt",
        "mark\u200F.txt",
        "CON",
        "con.txt",
        "dir/aux.tar.gz",
        "Lpt9",
        "COM1.log",
        "nul",
        "prn.x",
        "stream.txt:hidden",
      })
  void unportablePathsAreRefusedNamingThePath(String name) throws IOException {
    try {
      Releases.write(source, name, new byte[] {1});
    } catch (java.nio.file.InvalidPathException e) {
      assumeTrue(false, "this file system cannot hold '" + name + "'");
    }
    UnpublishablePathException e = refused();
    assertEquals(name, e.path());
    assertTrue(e.getMessage().contains(name), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"console.txt", "com10", "auxiliary/a", "nul-device", "lpt0"})
  void namesThatOnlyResembleDeviceNamesArePublished(String name) throws IOException {
    Releases.write(source, name, new byte[] {1});
    assertFalse(publisher().build().publish(source, "d", "1").alreadyPublished());
  }
}
