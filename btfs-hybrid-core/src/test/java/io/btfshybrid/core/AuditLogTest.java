package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hash-chained audit log: tamper evidence, concurrency, signatures, sinks and the read path.
 */
class AuditLogTest {
  @TempDir Path tmp;
  Path file;

  @BeforeEach
  void setUp() {
    file = tmp.resolve("audit/audit.log");
  }

  /** A log of {@code n} entries, each naming its number in the field {@code n}. */
  List<String> writeEntries(int n) throws IOException {
    try (AuditLog log = AuditLog.open(file)) {
      for (int i = 0; i < n; i++) {
        log.append(AuditEvent.OPEN, Map.of("n", Integer.toString(i), "dataset", "demo"));
      }
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(n, lines.size());
    assertTrue(AuditLog.verify(file).ok());
    return lines;
  }

  /** Writes {@code lines} back as the log and checks verify names entry {@code expected}. */
  void assertTamperedAt(List<String> lines, int expected) throws IOException {
    Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    AuditVerification v = AuditLog.verify(file);
    assertFalse(v.ok());
    assertEquals(expected, v.firstBadEntry(), v.detail());
  }

  @Test
  void anIntactLogVerifies() throws IOException {
    writeEntries(5);
    AuditVerification v = AuditLog.verify(file);
    assertTrue(v.ok(), v.detail());
    assertEquals(5, v.entries());
    assertEquals(-1, v.firstBadEntry());
  }

  @Test
  void anEditedLineIsNamed() throws IOException {
    List<String> lines = new ArrayList<>(writeEntries(6));
    String edited = lines.get(3).replace("\"dataset\":\"demo\"", "\"dataset\":\"dem0\"");
    assertFalse(edited.equals(lines.get(3)));
    lines.set(3, edited);
    assertTamperedAt(lines, 3);
  }

  @Test
  void aDeletedLineIsNamed() throws IOException {
    List<String> lines = new ArrayList<>(writeEntries(6));
    lines.remove(2);
    assertTamperedAt(lines, 2);
  }

  @Test
  void reorderedLinesAreNamed() throws IOException {
    List<String> lines = new ArrayList<>(writeEntries(6));
    String fourth = lines.get(4);
    lines.set(4, lines.get(5));
    lines.set(5, fourth);
    assertTamperedAt(lines, 4);
  }

  @Test
  void concurrentAppendsFromTwoLogsOnOneFileKeepOneChain() throws Exception {
    int threads = 4;
    int each = 25;
    try (AuditLog first = AuditLog.open(file);
        AuditLog second = AuditLog.open(file)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        AuditLog log = t % 2 == 0 ? first : second;
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    log.append(
                        AuditEvent.FALLBACK,
                        Map.of("thread", Integer.toString(thread), "i", Integer.toString(i)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
    }
    AuditVerification v = AuditLog.verify(file);
    assertTrue(v.ok(), v.detail());
    assertEquals(threads * each, v.entries());
    Set<String> distinct = new HashSet<>(Files.readAllLines(file));
    assertEquals(threads * each, distinct.size());
  }

  @Test
  void signedEntriesVerifyOnlyAgainstTheSigningKey() throws IOException {
    ManifestSigner signer = ManifestSigner.generate();
    List<AuditEntry> shipped = new CopyOnWriteArrayList<>();
    try (AuditLog log = AuditLog.builder(file).signer(signer).sink(shipped::add).build()) {
      log.append(AuditEvent.PUBLISH, Map.of("dataset", "demo"));
      log.append(AuditEvent.KEY_RELEASE, Map.of("dataset", "demo", "kek", "kek-1"));
    }
    assertTrue(AuditLog.verify(file, TrustRoot.of(signer.publicKeyset())).ok());
    AuditVerification stranger =
        AuditLog.verify(file, TrustRoot.of(ManifestSigner.generate().publicKeyset()));
    assertFalse(stranger.ok());
    assertEquals(0, stranger.firstBadEntry());
    assertEquals(2, shipped.size());
    assertEquals(Files.readAllLines(file), shipped.stream().map(AuditEntry::json).toList());
    assertEquals(shipped.get(0).hash(), shipped.get(1).previousHash());
    assertEquals(AuditEvent.KEY_RELEASE, shipped.get(1).event());
    // an unsigned log does not pass a signature check
    Path unsigned = tmp.resolve("unsigned.log");
    try (AuditLog log = AuditLog.open(unsigned)) {
      log.append(AuditEvent.OPEN, Map.of());
    }
    assertEquals(0, AuditLog.verify(unsigned, TrustRoot.of(signer.publicKeyset())).firstBadEntry());
  }

  @Test
  void aTornLastLineIsNamedByVerifyAndTheNextAppendRepairsItOnTheRecord() throws IOException {
    writeEntries(2);
    long intactBytes = Files.size(file);
    byte[] torn = "{\"seq\":2,\"ti".getBytes(StandardCharsets.UTF_8);
    Files.write(file, torn, java.nio.file.StandardOpenOption.APPEND);
    AuditVerification before = AuditLog.verify(file);
    assertFalse(before.ok());
    assertEquals(2, before.firstBadEntry());
    assertTrue(before.detail().contains("torn tail"), before.detail());
    assertTrue(before.detail().contains("offset " + intactBytes), before.detail());

    try (AuditLog log = AuditLog.open(file)) {
      AuditEntry opened = log.append(AuditEvent.OPEN, Map.of("uri", "x"));
      assertEquals(3, opened.sequence(), "after the repair entry");
    }
    AuditVerification after = AuditLog.verify(file);
    assertTrue(after.ok(), after.detail());
    assertEquals(4, after.entries());
    String repair = Files.readAllLines(file).get(2);
    assertTrue(repair.contains("\"event\":\"log_repaired\""), repair);
    assertTrue(repair.contains("\"offset\":\"" + intactBytes + "\""), repair);
    assertTrue(repair.contains(Digests.sha256Hex(torn)), repair);
  }

  @Test
  void publisherAndClientRecordPublicationOpensKeyReleasesAndIntegrityFailures()
      throws IOException {
    Path source = Releases.sampleSource(tmp.resolve("src"));
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FileTier cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    ManifestSigner signer = ManifestSigner.generate();
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    try (AuditLog publisherLog = AuditLog.open(file);
        AuditLog clientLog = AuditLog.open(file)) {
      PublishResult release =
          DatasetPublisher.builder()
              .tier(replica)
              .tier(cloud)
              .signer(signer)
              .chunkSize(Releases.CHUNK)
              .encryptWith(kms, "kek-1")
              .auditLog(publisherLog)
              .build()
              .publish(source, "demo", "1.0.0");
      ShardEntry shard = release.manifest().shard("train/000000.bin").orElseThrow();
      Releases.flipByte(Releases.blobFile(replica, shard), 10);
      Files.delete(Releases.blobFile(replica, release.manifest().shard("README").orElseThrow()));
      // one client per read: a failure demotes the tier, so a second read would not try it
      for (String path : List.of(shard.path(), "README")) {
        try (DatasetClient client =
                DatasetClient.builder()
                    .tier(replica)
                    .tier(cloud)
                    .trust(TrustRoot.of(signer.publicKeyset()))
                    .keyManagement(kms)
                    .principal(Principal.of("alice", "research"))
                    .auditLog(clientLog)
                    .build();
            Dataset ds = client.open(release.manifestUri())) {
          Releases.readAll(ds.openShard(path));
        }
      }
    }
    List<String> lines = Files.readAllLines(file);
    List<String> events =
        lines.stream().map(l -> l.replaceAll(".*\"event\":\"([a-z_]+)\".*", "$1")).toList();
    assertEquals(
        List.of(
            "publish",
            "open",
            "key_release",
            "integrity_failure",
            "open",
            "key_release",
            "fallback"),
        events);
    assertTrue(lines.get(6).contains("\"shard\":\"README\""), lines.get(6));
    assertTrue(
        lines.get(3).contains("\"shard\":\"train/000000.bin\"")
            && lines.get(3).contains("\"tier\":\"mirror\""),
        lines.get(3));
    assertTrue(lines.get(1).contains("\"principal\":\"alice\""), lines.get(1));
    assertTrue(AuditLog.verify(file).ok());
  }
}
