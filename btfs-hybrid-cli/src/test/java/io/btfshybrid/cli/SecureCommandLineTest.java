package io.btfshybrid.cli;

import static io.btfshybrid.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureCommandLineTest {
  static final String SECRET = "the quick secret fox jumps over the lazy audit dog";
  @TempDir Path tmp;
  Path config;
  String uri;

  @BeforeEach
  void publishEncrypted() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("labels.txt"), SECRET.repeat(2000));
    config = tmp.resolve("c.yaml");
    Files.writeString(
        config,
        "tiers:\n  - { id: mirror, type: file, root: tiers/mirror }\n"
            + "trust: trust.json\naudit: audit.log\n");
    assertEquals(
        0,
        run(
                "keys",
                "generate",
                "--out",
                tmp.resolve("signer.json").toString(),
                "--public-out",
                tmp.resolve("trust.json").toString())
            .code());
    CliRun kms =
        run("kms", "generate", "--out", tmp.resolve("kek.json").toString(), "--kek-id", "kek-1");
    assertEquals(0, kms.code(), kms.err());
    CliRun pub =
        run(
            "--config",
            config.toString(),
            "publish",
            src.toString(),
            "--dataset",
            "secret",
            "--version",
            "1",
            "--signing-key",
            tmp.resolve("signer.json").toString(),
            "--encrypt",
            "--kek",
            tmp.resolve("kek.json").toString(),
            "--kek-id",
            "kek-1",
            "--allow",
            "group:research",
            "--classification",
            "confidential",
            "--expires-in",
            "30d");
    assertEquals(0, pub.code(), pub.err());
    uri = pub.out().lines().findFirst().orElseThrow();
  }

  @Test
  void tiersHoldNoPlaintextAndOnlyThePolicyGroupReads() throws IOException {
    try (Stream<Path> files = Files.walk(tmp.resolve("tiers"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(
            new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("secret fox"),
            f.toString());
      }
    }
    CliRun alice =
        run(
            "--config",
            config.toString(),
            "pull",
            uri,
            "--out",
            tmp.resolve("a").toString(),
            "--principal",
            "alice",
            "--groups",
            "research",
            "--kek",
            tmp.resolve("kek.json").toString());
    assertEquals(0, alice.code(), alice.err());
    assertEquals(SECRET.repeat(2000), Files.readString(tmp.resolve("a/labels.txt")));

    CliRun mallory =
        run(
            "--config",
            config.toString(),
            "pull",
            uri,
            "--out",
            tmp.resolve("m").toString(),
            "--principal",
            "mallory",
            "--groups",
            "sales",
            "--kek",
            tmp.resolve("kek.json").toString());
    assertEquals(ExitCodes.DENIED, mallory.code(), mallory.err());
    assertTrue(mallory.err().contains("mallory"), mallory.err());
    assertFalse(Files.exists(tmp.resolve("m/labels.txt")));

    CliRun noKey =
        run(
            "--config",
            config.toString(),
            "pull",
            uri,
            "--out",
            tmp.resolve("n").toString(),
            "--principal",
            "alice",
            "--groups",
            "research");
    assertEquals(ExitCodes.DENIED, noKey.code(), noKey.err());
  }

  @Test
  void auditVerifyNamesAnEditedEntry() throws IOException {
    assertEquals(
        0,
        run(
                "--config",
                config.toString(),
                "pull",
                uri,
                "--out",
                tmp.resolve("a").toString(),
                "--principal",
                "alice",
                "--groups",
                "research",
                "--kek",
                tmp.resolve("kek.json").toString())
            .code());
    Path log = tmp.resolve("audit.log");
    CliRun ok = run("audit", "verify", "--log", log.toString());
    assertEquals(0, ok.code(), ok.err());
    List<String> lines = Files.readAllLines(log);
    assertTrue(lines.size() >= 3, "publish, open and key release were audited: " + lines);
    lines.set(1, lines.get(1).replace("alice", "alicf"));
    Files.write(log, lines);
    CliRun broken = run("--config", config.toString(), "--json", "audit", "verify");
    assertEquals(ExitCodes.INTEGRITY, broken.code(), broken.out());
    assertTrue(broken.out().contains("\"firstBadEntry\" : 1"), broken.out());
  }
}
