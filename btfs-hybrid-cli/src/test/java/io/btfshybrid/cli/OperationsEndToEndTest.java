package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.MoreFiles;
import io.btfshybrid.s3.S3Tier;
import io.btfshybrid.testkit.BtfsNodeSimulator;
import io.btfshybrid.testkit.S3TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scrub}, {@code repair} and {@code restore} as a user runs them, each a separate process,
 * over a replica directory, S3Proxy and the BTFS node simulator: damage is found and named,
 * repaired and found gone; with the replica and the cloud wiped, BTFS restores into a fresh
 * directory that alone serves a pull.
 */
class OperationsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private S3TestServer s3;
  private BtfsNodeSimulator node;
  private Fixture fx;
  private S3Tier bucket;

  @BeforeEach
  void start() throws IOException {
    s3 = S3TestServer.start();
    node = BtfsNodeSimulator.start(tmp.resolve("node"));
    fx = new Fixture(tmp, mirror() + cloud() + btfs());
    bucket = s3.newTier("test-access");
  }

  @AfterEach
  void stop() throws IOException {
    bucket.close();
    node.close();
    s3.close();
  }

  private static String mirror() {
    return "  - { id: mirror, type: file, kind: replica, region: eu-west-1, root: tiers/mirror }\n";
  }

  private String cloud() {
    return "  - { id: cloud, type: s3, kind: cloud, bucket: "
        + s3.bucket()
        + ", endpoint: \""
        + s3.endpoint()
        + "\", region: "
        + s3.region()
        + ", pathStyle: true, accessKeyId: "
        + s3.accessKey()
        + ", secretAccessKey: "
        + s3.secretKey()
        + " }\n";
  }

  private String btfs() {
    return "  - { id: btfs, type: btfs, kind: btfs, api: \"" + node.apiUrl() + "\" }\n";
  }

  /** The mirror's blob of the source file of {@code size} bytes (the fixture's sizes differ). */
  private Path mirrorBlobOfSize(long size) throws IOException {
    try (Stream<Path> blobs = Files.list(tmp.resolve("tiers/mirror/blobs"))) {
      for (Path b : blobs.toList()) {
        if (Files.size(b) == size) {
          return b;
        }
      }
    }
    throw new AssertionError("no blob of " + size + " bytes");
  }

  private static Map<String, String> statuses(CliProcess.Result scrub) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode f : JSON.readTree(scrub.out()).get("findings")) {
      out.put(f.get("object").asText() + " @ " + f.get("tier").asText(), f.get("status").asText());
    }
    return out;
  }

  @Test
  void scrubNamesTheDamageRepairFixesItAndRestoreRehydratesFromBtfs() throws IOException {
    CliRun publish =
        CliRun.run(
            "--config",
            fx.config.toString(),
            "--json",
            "publish",
            fx.source.toString(),
            "--dataset",
            "ds",
            "--version",
            "1",
            "--signing-key",
            tmp.resolve("signer.json").toString());
    assertEquals(0, publish.code(), publish.err());
    String manifestOnBtfs = null;
    for (JsonNode l : JSON.readTree(publish.out()).get("manifestLocations")) {
      if (l.asText().startsWith("btfs:btfs://")) {
        manifestOnBtfs = l.asText().substring("btfs:".length());
      }
    }
    assertTrue(manifestOnBtfs != null, publish.out());

    CliProcess.Result clean = fx.cli("--json", "scrub", "ds@1");
    assertEquals(ExitCodes.OK, clean.code(), clean.err() + clean.out());
    Map<String, String> allOk = statuses(clean);
    // 4 shards (f0, f1, f2, empty.txt), manifest and latest pointer, on 3 tiers
    assertEquals(6 * 3, allOk.size(), allOk.toString());
    assertTrue(allOk.values().stream().allMatch("OK"::equals), allOk.toString());

    Path f0 = mirrorBlobOfSize(300_000);
    byte[] bytes = Files.readAllBytes(f0);
    bytes[200_000] ^= 1;
    Files.write(f0, bytes);
    String f1Key = "blobs/" + mirrorBlobOfSize(300_001).getFileName();
    bucket.delete(bucket.locate(f1Key).orElseThrow());

    CliProcess.Result damaged = fx.cli("--json", "scrub", "ds@1");
    assertEquals(ExitCodes.INTEGRITY, damaged.code(), damaged.err() + damaged.out());
    Map<String, String> expected = new TreeMap<>(allOk);
    expected.put("shard part/f0.bin @ mirror", "CORRUPT");
    expected.put("shard part/f1.bin @ cloud", "MISSING");
    assertEquals(expected, statuses(damaged));
    CliProcess.Result table = fx.cli("scrub", "ds@1");
    assertEquals(ExitCodes.INTEGRITY, table.code(), table.err());
    assertTrue(table.out().contains("CORRUPT@0 shard part/f0.bin on 'mirror'"), table.out());
    assertTrue(table.out().contains("MISSING shard part/f1.bin on 'cloud'"), table.out());

    CliProcess.Result dry = fx.cli("repair", "ds@1", "--dry-run");
    assertEquals(ExitCodes.OK, dry.code(), dry.err());
    assertTrue(dry.out().contains("would replace shard part/f0.bin: cloud -> mirror"), dry.out());
    assertEquals(ExitCodes.INTEGRITY, fx.cli("scrub", "ds@1").code(), "a dry run writes nothing");

    CliProcess.Result repair = fx.cli("repair", "ds@1", "--copies", "3");
    assertEquals(ExitCodes.OK, repair.code(), repair.err() + repair.out());
    assertTrue(repair.out().contains("replaced shard part/f0.bin"), repair.out());
    assertTrue(repair.out().contains("copied shard part/f1.bin: mirror -> cloud"), repair.out());
    assertTrue(repair.out().contains("2 copies made, 0 objects short of 3"), repair.out());

    CliProcess.Result after = fx.cli("--json", "scrub", "ds@1");
    assertEquals(ExitCodes.OK, after.code(), after.err() + after.out());
    assertEquals(allOk, statuses(after));
    JsonNode copies = JSON.readTree(after.out()).get("goodCopies");
    copies.forEach(n -> assertEquals(3, n.asInt(), copies.toString()));

    // the replica and the cloud are lost; a fresh directory is rehydrated from BTFS
    MoreFiles.deleteRecursively(tmp.resolve("tiers/mirror"));
    Files.writeString(
        fx.config,
        "tiers:\n"
            + btfs()
            + "  - { id: fresh, type: file, kind: replica, root: tiers/fresh }\n"
            + "trust: trust.json\n");
    CliProcess.Result restore =
        fx.cli("restore", manifestOnBtfs, "--from", "btfs", "--to", "fresh");
    assertEquals(ExitCodes.OK, restore.code(), restore.err() + restore.out());
    assertTrue(restore.out().contains("ds@1: 5 objects"), restore.out());
    Files.writeString(
        fx.config,
        "tiers:\n  - { id: fresh, type: file, kind: replica, root: tiers/fresh }\n"
            + "trust: trust.json\n");
    CliProcess.Result pull = fx.cli("pull", "ds@1", "--out", "pulled");
    assertEquals(ExitCodes.OK, pull.code(), pull.err());
    for (String f : new String[] {"part/f0.bin", "part/f1.bin", "part/f2.bin", "empty.txt"}) {
      assertEquals(-1, Files.mismatch(fx.source.resolve(f), tmp.resolve("pulled").resolve(f)), f);
    }
  }

  @Test
  void copiesOnlyUnreachableExitFourAndBadValuesAreNamed() throws IOException {
    fx.publish("1");
    fx.writeConfig(
        mirror()
            + "  - { id: cloud, type: s3, kind: cloud, bucket: datasets, endpoint: \"http://127.0.0.1:9\","
            + " region: us-east-1, pathStyle: true, accessKeyId: a, secretAccessKey: b }\n");
    CliProcess.Result r = fx.cli("scrub", "ds@1");
    assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("UNREACHABLE shard part/f0.bin on 'cloud'"), r.out());

    CliRun badTier =
        CliRun.run(
            "--config",
            fx.config.toString(),
            "restore",
            "ds@1",
            "--from",
            "nope",
            "--to",
            "mirror");
    assertEquals(ExitCodes.USAGE, badTier.code(), badTier.err());
    assertTrue(badTier.err().contains("'nope'"), badTier.err());
    CliRun badCopies =
        CliRun.run("--config", fx.config.toString(), "repair", "ds@1", "--copies", "0");
    assertEquals(ExitCodes.USAGE, badCopies.code(), badCopies.err());
    assertTrue(badCopies.err().contains("got 0"), badCopies.err());
  }

  @Test
  void planCountsOnlyCopiesTheTiersStillHold() throws IOException {
    Fixture files = Fixture.withFileTiers(tmp.resolve("files"));
    String uri = files.publish("1");
    MoreFiles.deleteRecursively(files.dir.resolve("tiers/mirror/blobs"));
    CliRun plan = CliRun.run("--config", files.config.toString(), "--json", "plan", uri);
    assertEquals(ExitCodes.OK, plan.code(), plan.err());
    JsonNode firstTier = JSON.readTree(plan.out()).get("bytesByFirstTier");
    assertEquals(
        java.util.List.of("cloud"),
        com.google.common.collect.ImmutableList.copyOf(firstTier.fieldNames()));
    MoreFiles.deleteRecursively(files.dir.resolve("tiers/cloud/blobs"));
    CliRun none = CliRun.run("--config", files.config.toString(), "--json", "plan", uri);
    assertEquals(ExitCodes.UNAVAILABLE, none.code(), none.out());
    assertEquals(4, JSON.readTree(none.out()).get("shardsWithoutSource").asInt(), none.out());
  }
}
