package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.KeyUnavailableException;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KEKs: local keyset files, Tink KmsClient adapters, and typed errors for wrong or missing KEKs.
 */
class KeyManagementTest {
  @TempDir Path tmp;
  Path source;
  FileTier replica;
  ManifestSigner signer;

  @BeforeEach
  void setUp() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    signer = ManifestSigner.generate();
  }

  PublishResult publish(KeyManagementService kms, String kekId) throws IOException {
    return DatasetPublisher.builder()
        .tier(replica)
        .signer(signer)
        .chunkSize(Releases.CHUNK)
        .encryptWith(kms, kekId)
        .build()
        .publish(source, "demo", "1.0.0");
  }

  /** Reads README through a client using {@code kms} (null: none configured). */
  byte[] readWith(KeyManagementService kms, PublishResult release) throws IOException {
    DatasetClient.Builder b =
        DatasetClient.builder().tier(replica).trust(TrustRoot.of(signer.publicKeyset()));
    if (kms != null) {
      b.keyManagement(kms);
    }
    try (DatasetClient client = b.build();
        Dataset ds = client.open(release.manifestUri())) {
      return Releases.readAll(ds.openShard("README"));
    }
  }

  @Test
  void theRightKekDecrypts() throws IOException {
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    PublishResult release = publish(kms, "kek-1");
    assertArrayEquals(
        Files.readAllBytes(source.resolve("README")),
        readWith(LocalKeyManagementService.load(tmp.resolve("kek.json")), release));
  }

  @Test
  void anotherKeyUnderTheSameIdIsATypedError() throws IOException {
    PublishResult release =
        publish(LocalKeyManagementService.generate(tmp.resolve("a.json"), "kek-1"), "kek-1");
    LocalKeyManagementService impostor =
        LocalKeyManagementService.generate(tmp.resolve("b.json"), "kek-1");
    KeyUnavailableException e =
        assertThrows(KeyUnavailableException.class, () -> readWith(impostor, release));
    assertEquals("kek-1", e.kekId());
  }

  @Test
  void aMissingKekIsATypedErrorNamingIt() throws IOException {
    PublishResult release =
        publish(LocalKeyManagementService.generate(tmp.resolve("a.json"), "kek-1"), "kek-1");
    LocalKeyManagementService other =
        LocalKeyManagementService.generate(tmp.resolve("b.json"), "kek-2");
    KeyUnavailableException e =
        assertThrows(KeyUnavailableException.class, () -> readWith(other, release));
    assertEquals("kek-1", e.kekId());
    assertTrue(e.getMessage().contains("kek-2"), "names what the file holds: " + e.getMessage());
    assertThrows(KeyUnavailableException.class, () -> readWith(null, release));
  }

  @Test
  void anUnencryptedReleaseIsNeverPassedOffAsTheEncryptedOneAskedFor() throws IOException {
    DatasetPublisher.builder()
        .tier(replica)
        .signer(signer)
        .build()
        .publish(source, "demo", "1.0.0");
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    ReleaseConflictException e =
        assertThrows(ReleaseConflictException.class, () -> publish(kms, "kek-1"));
    assertTrue(e.getMessage().contains("unencrypted"), e.getMessage());
  }

  @Test
  void aPublisherRefusesAKekItsKeyManagementDoesNotHold() throws IOException {
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DatasetPublisher.builder()
                    .tier(replica)
                    .signer(signer)
                    .encryptWith(kms, "kek-9")
                    .build());
    assertTrue(e.getMessage().contains("kek-9"), e.getMessage());
  }

  @Test
  void theWrappedKeyIsBoundToItsRelease() throws IOException {
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    byte[] wrapped = kms.wrap("kek-1", key, ShardEncryption.keyContext("demo", "1.0.0"));
    assertArrayEquals(
        key, kms.unwrap("kek-1", wrapped, ShardEncryption.keyContext("demo", "1.0.0")));
    assertThrows(
        KeyUnavailableException.class,
        () -> kms.unwrap("kek-1", wrapped, ShardEncryption.keyContext("demo", "2.0.0")));
  }

  @Test
  void keysetFilesAreNeverOverwrittenAndBadOnesAreNamed() throws IOException {
    Path file = tmp.resolve("kek.json");
    LocalKeyManagementService.generate(file, "kek-1", "kek-2");
    assertEquals(Set.of("kek-1", "kek-2"), LocalKeyManagementService.load(file).keyIds());
    assertThrows(
        FileAlreadyExistsException.class, () -> LocalKeyManagementService.generate(file, "kek-3"));
    assertEquals(Set.of("kek-1", "kek-2"), LocalKeyManagementService.load(file).keyIds());

    Path garbage = Files.writeString(tmp.resolve("garbage.json"), "{\"format\": 3}");
    InvalidKeysetException bad =
        assertThrows(InvalidKeysetException.class, () -> LocalKeyManagementService.load(garbage));
    assertEquals(garbage, bad.file());
    assertTrue(bad.getMessage().contains(garbage.toString()), bad.getMessage());
    Path signerFile = tmp.resolve("signer.json");
    signer.save(signerFile);
    assertThrows(InvalidKeysetException.class, () -> LocalKeyManagementService.load(signerFile));
    InvalidKeysetException missing =
        assertThrows(
            InvalidKeysetException.class,
            () -> LocalKeyManagementService.load(tmp.resolve("nope.json")));
    assertTrue(missing.getMessage().contains("nope.json"), missing.getMessage());
  }

  /** An in-process stand-in for a cloud KMS: AES-GCM keys held "remotely" by key URI. */
  static final class FakeKmsClient implements KmsClient {
    final Map<String, Aead> keys = new HashMap<>();
    int calls;

    FakeKmsClient withKey(String uri) throws GeneralSecurityException {
      Crypto.init();
      keys.put(
          uri,
          KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
              .getPrimitive(RegistryConfiguration.get(), Aead.class));
      return this;
    }

    @Override
    public boolean doesSupport(String keyUri) {
      return keyUri != null && keyUri.startsWith("fake-kms://");
    }

    @Override
    public KmsClient withCredentials(String credentialPath) {
      return this;
    }

    @Override
    public KmsClient withDefaultCredentials() {
      return this;
    }

    @Override
    public Aead getAead(String keyUri) throws GeneralSecurityException {
      calls++;
      Aead aead = keys.get(keyUri);
      if (aead == null) {
        throw new GeneralSecurityException("key " + keyUri + " does not exist");
      }
      return aead;
    }
  }

  @Test
  void aTinkKmsClientPlugsInUnchanged() throws Exception {
    FakeKmsClient cloudKms = new FakeKmsClient().withKey("fake-kms://projects/p/keys/kek-a");
    KmsClientKeyManagementService kms =
        KmsClientKeyManagementService.forKeyUris(cloudKms, "fake-kms://projects/p/keys/kek-a");
    PublishResult release = publish(kms, "fake-kms://projects/p/keys/kek-a");
    assertEquals(
        "fake-kms://projects/p/keys/kek-a", release.manifest().encryption().orElseThrow().kekId());
    assertArrayEquals(Files.readAllBytes(source.resolve("README")), readWith(kms, release));

    // by stable id, mapped to a URI
    KmsClientKeyManagementService byId =
        KmsClientKeyManagementService.of(
            cloudKms, Map.of("kek-a", "fake-kms://projects/p/keys/kek-a"));
    byte[] wrapped = byId.wrap("kek-a", new byte[32], new byte[] {1});
    assertArrayEquals(
        new byte[32], kms.unwrap("fake-kms://projects/p/keys/kek-a", wrapped, new byte[] {1}));

    // the same URI at another KMS (another key): typed error
    FakeKmsClient otherKms = new FakeKmsClient().withKey("fake-kms://projects/p/keys/kek-a");
    assertThrows(
        KeyUnavailableException.class,
        () ->
            readWith(
                KmsClientKeyManagementService.forKeyUris(
                    otherKms, "fake-kms://projects/p/keys/kek-a"),
                release));
    // a key the KMS does not have, and a URI the client does not support: typed errors
    KmsClientKeyManagementService gone =
        KmsClientKeyManagementService.of(new FakeKmsClient(), Map.of("k", "fake-kms://missing"));
    assertThrows(KeyUnavailableException.class, () -> gone.wrap("k", new byte[32], new byte[0]));
    KmsClientKeyManagementService unsupported =
        KmsClientKeyManagementService.of(
            cloudKms, Map.of("k", "aws-kms://arn:aws:kms:eu-west-1:1:key/x"));
    KeyUnavailableException e =
        assertThrows(
            KeyUnavailableException.class,
            () -> unsupported.unwrap("k", new byte[40], new byte[0]));
    assertTrue(e.getMessage().contains("aws-kms://"), e.getMessage());
    assertThrows(
        KeyUnavailableException.class,
        () -> kms.unwrap("not-configured", new byte[40], new byte[0]));
    assertEquals(List.of("fake-kms://projects/p/keys/kek-a"), List.copyOf(kms.keyIds()));
  }
}
