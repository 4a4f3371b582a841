package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.AccessDeniedException;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.ManifestPolicy;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access policy decides before any key is unwrapped or byte is read. */
class AccessPolicyTest {
  @TempDir Path tmp;
  Path source;
  FileTier replica;
  ManifestSigner signer;
  LocalKeyManagementService kms;
  AtomicInteger unwraps = new AtomicInteger();
  AccessPolicy policy =
      AccessPolicy.builder()
          .allowGroup("research")
          .allowPrincipal("carol")
          .classification("confidential")
          .build();

  @BeforeEach
  void setUp() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    signer = ManifestSigner.generate();
    kms = LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
  }

  PublishResult publish(boolean encrypted) throws IOException {
    DatasetPublisher.Builder b =
        DatasetPublisher.builder()
            .tier(replica)
            .signer(signer)
            .chunkSize(Releases.CHUNK)
            .policy(policy);
    if (encrypted) {
      b.encryptWith(kms, "kek-1");
    }
    return b.build().publish(source, "demo", "1.0.0");
  }

  /** The KMS, counting unwrap calls: a refused principal must cause none. */
  KeyManagementService countingKms() {
    return new KeyManagementService() {
      @Override
      public Set<String> keyIds() {
        return kms.keyIds();
      }

      @Override
      public byte[] wrap(String kekId, byte[] dataKey, byte[] context) throws IOException {
        return kms.wrap(kekId, dataKey, context);
      }

      @Override
      public byte[] unwrap(String kekId, byte[] wrappedKey, byte[] context) throws IOException {
        unwraps.incrementAndGet();
        return kms.unwrap(kekId, wrappedKey, context);
      }
    };
  }

  DatasetClient client(Principal principal, AuditLog audit) throws IOException {
    DatasetClient.Builder b =
        DatasetClient.builder()
            .tier(replica)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .keyManagement(countingKms());
    if (principal != null) {
      b.principal(principal);
    }
    if (audit != null) {
      b.auditLog(audit);
    }
    return b.build();
  }

  @Test
  void thePolicyAndClassificationAreSignedIntoTheManifest() throws IOException {
    PublishResult release = publish(true);
    assertEquals("confidential", release.manifest().classification());
    assertEquals(
        new ManifestPolicy(List.of("carol"), List.of("research")),
        release.manifest().policy().orElseThrow());
    assertTrue(
        AccessPolicy.of(release.manifest().policy().get())
            .allows(Principal.of("bob", "ops", "research")));
  }

  @Test
  void membersAndNamedPrincipalsRead() throws IOException {
    PublishResult release = publish(true);
    byte[] readme = Files.readAllBytes(source.resolve("README"));
    for (Principal p : List.of(Principal.of("alice", "research"), Principal.of("carol"))) {
      try (DatasetClient client = client(p, null);
          Dataset ds = client.open(release.manifestUri())) {
        assertArrayEquals(readme, Releases.readAll(ds.openShard("README")), p.toString());
      }
    }
    assertEquals(2, unwraps.get());
  }

  @Test
  void aPrincipalOutsideThePolicyIsDeniedBeforeAnyKeyIsUnwrapped() throws IOException {
    PublishResult release = publish(true);
    Path auditFile = tmp.resolve("audit.log");
    try (AuditLog audit = AuditLog.open(auditFile)) {
      for (Principal p : List.of(Principal.of("mallory", "sales"), Principal.of("research"))) {
        try (DatasetClient client = client(p, audit)) {
          AccessDeniedException e =
              assertThrows(AccessDeniedException.class, () -> client.open(release.manifestUri()));
          assertEquals(p.name(), e.principal());
        }
      }
      try (DatasetClient client = client(null, audit)) {
        assertThrows(AccessDeniedException.class, () -> client.open(release.manifestUri()));
      }
    }
    assertEquals(0, unwraps.get(), "no data key was unwrapped");
    String log = Files.readString(auditFile);
    assertEquals(
        3, log.lines().filter(l -> l.contains("\"event\":\"access_denied\"")).count(), log);
    assertFalse(log.contains("\"event\":\"key_release\""), log);
    assertTrue(AuditLog.verify(auditFile).ok());
  }

  @Test
  void unencryptedRestrictedReleasesAreAlsoRefusedOnOpen() throws IOException {
    PublishResult release = publish(false);
    try (DatasetClient client = client(Principal.of("mallory", "sales"), null)) {
      assertThrows(AccessDeniedException.class, () -> client.open(release.manifestUri()));
    }
    try (DatasetClient client = client(Principal.of("alice", "research"), null);
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(
          Files.readAllBytes(source.resolve("README")), Releases.readAll(ds.openShard("README")));
    }
  }

  @Test
  void anOpenPolicyAllowsEveryoneAndIsNotStored() throws IOException {
    PublishResult release =
        DatasetPublisher.builder()
            .tier(replica)
            .signer(signer)
            .policy(AccessPolicy.builder().build())
            .build()
            .publish(source, "demo", "1.0.0");
    assertTrue(release.manifest().policy().isEmpty());
    try (DatasetClient client = client(null, null);
        Dataset ds = client.open(release.manifestUri())) {
      assertEquals(5, ds.shards().size());
    }
  }
}
