package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever URI opens a manifest, the release its path names must be the release signed. */
class ReleaseAddressTest {
  @TempDir Path tmp;
  FileTier replica;
  ManifestSigner signer;
  PublishResult alpha1;
  PublishResult alpha2;
  PublishResult beta1;

  @BeforeEach
  void publish() throws IOException {
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    signer = ManifestSigner.generate();
    DatasetPublisher publisher = Releases.publisher(signer, List.of(replica));
    Path source = Releases.sampleSource(tmp.resolve("src"));
    alpha1 = publisher.publish(source, "alpha", "1.0");
    Files.write(source.resolve("val/small.txt"), "version two".getBytes());
    alpha2 = publisher.publish(source, "alpha", "2.0");
    beta1 = publisher.publish(source, "beta", "1.0");
  }

  Path manifestFile(String dataset, String version) {
    return replica.root().resolve("manifests/" + dataset + "/" + version + ".json");
  }

  DatasetClient client() throws IOException {
    return DatasetClient.builder().tier(replica).trust(TrustRoot.of(signer.publicKeyset())).build();
  }

  /** Serves {@code from}'s validly signed manifest under alpha@2.0's key. */
  void swapInto2(String dataset, String version) throws IOException {
    Files.copy(
        manifestFile(dataset, version),
        manifestFile("alpha", "2.0"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void theRightReleaseOpensByEveryForm() throws IOException {
    URI file = manifestFile("alpha", "2.0").toUri();
    try (DatasetClient client = client();
        Dataset byFile = client.open(file);
        Dataset byLogical = client.open(alpha2.manifestUri())) {
      assertEquals("2.0", byFile.manifest().version());
      assertEquals(alpha2.manifestHash(), byFile.manifestHash());
      assertEquals(alpha2.manifestHash(), byLogical.manifestHash());
    }
  }

  @Test
  void anotherVersionServedUnderAFileUriIsRefused() throws IOException {
    swapInto2("alpha", "1.0");
    URI file = manifestFile("alpha", "2.0").toUri();
    try (DatasetClient client = client()) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> client.open(file));
      assertEquals(Reason.WRONG_RELEASE, e.reason());
      assertTrue(e.getMessage().contains("alpha@1.0"), e.getMessage());
      assertTrue(e.getMessage().contains("manifests/alpha/2.0.json"), e.getMessage());
    }
  }

  @Test
  void anotherDatasetServedUnderAFileUriIsRefused() throws IOException {
    swapInto2("beta", "1.0");
    URI file = manifestFile("alpha", "2.0").toUri();
    try (DatasetClient client = client()) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> client.open(file));
      assertEquals(Reason.WRONG_RELEASE, e.reason());
      assertTrue(e.getMessage().contains("beta@1.0"), e.getMessage());
    }
  }

  @Test
  void aFileOutsideEveryTierIsCheckedToo() throws IOException {
    // no tier is configured, so only the file itself is read
    Path elsewhere = tmp.resolve("copy/manifests/alpha/2.0.json");
    Files.createDirectories(elsewhere.getParent());
    Files.copy(manifestFile("alpha", "1.0"), elsewhere);
    try (DatasetClient client =
        DatasetClient.builder().trust(TrustRoot.of(signer.publicKeyset())).build()) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> client.open(elsewhere.toUri()));
      assertEquals(Reason.WRONG_RELEASE, e.reason());
    }
  }

  @Test
  void theLogicalFormStillRefusesWithTheSameReason() throws IOException {
    swapInto2("alpha", "1.0");
    try (DatasetClient client = client()) {
      ManifestRejectedException e =
          assertThrows(
              ManifestRejectedException.class,
              () -> client.open(URI.create("btfs-hybrid://manifests/alpha/2.0.json")));
      assertEquals(Reason.WRONG_RELEASE, e.reason());
    }
  }

  @Test
  void aPathThatNamesNoReleaseOpensWhatIsSigned() throws IOException {
    Path plain = tmp.resolve("saved-manifest.json");
    Files.copy(manifestFile("alpha", "1.0"), plain);
    try (DatasetClient client = client();
        Dataset ds = client.open(plain.toUri())) {
      assertEquals(alpha1.manifestHash(), ds.manifestHash());
    }
  }

  @Test
  void releaseKeysAreFoundInThePathOfAnyScheme() {
    assertEquals(
        Optional.of("manifests/alpha/2.0.json"),
        ManifestUris.releaseKeyIn(URI.create("s3://bucket/prefix/manifests/alpha/2.0.json")));
    assertEquals(
        Optional.of("manifests/alpha/2.0/r3.json"),
        ManifestUris.releaseKeyIn(URI.create("file:///x/manifests/alpha/2.0/r3.json")));
    assertEquals(
        Optional.of("manifests/alpha/2.0.json"),
        ManifestUris.releaseKeyIn(URI.create("file:///x/manifests/alpha/2.0/r1.json")));
    assertEquals(
        Optional.of("manifests/beta/1.0.0-rc.1.json"),
        ManifestUris.releaseKeyIn(URI.create("https://h/manifests/beta/1.0.0-rc.1.json")));
    assertEquals(Optional.empty(), ManifestUris.releaseKeyIn(URI.create("btfs://bafyabc")));
    assertEquals(
        Optional.empty(),
        ManifestUris.releaseKeyIn(URI.create("file:///x/manifests/alpha/latest.json")));
    assertEquals(Optional.empty(), ManifestUris.releaseKeyIn(URI.create("file:///x/alpha.json")));
  }
}
