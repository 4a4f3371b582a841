package io.btfshybrid.cli;

import static io.btfshybrid.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
  @TempDir Path tmp;
  Path config;
  Path source;

  @BeforeEach
  void setUp() throws IOException {
    source = tmp.resolve("src");
    Random r = new Random(7);
    for (int i = 0; i < 3; i++) {
      byte[] b = new byte[300_000 + i];
      r.nextBytes(b);
      Files.createDirectories(source.resolve("part"));
      Files.write(source.resolve("part/f" + i + ".bin"), b);
    }
    Files.write(source.resolve("empty.txt"), new byte[0]);
    config = tmp.resolve("btfs-hybrid.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "region: eu-west-1",
            "tiers:",
            "  - { id: mirror, type: file, kind: replica, region: eu-west-1, root: tiers/mirror }",
            "  - { id: cloud, type: file, kind: cloud, root: tiers/cloud }",
            "trust: trust.json",
            ""));
    CliRun keys =
        run(
            "keys",
            "generate",
            "--out",
            tmp.resolve("signer.json").toString(),
            "--public-out",
            tmp.resolve("trust.json").toString());
    assertEquals(0, keys.code(), keys.err());
  }

  String publish() {
    CliRun p =
        run(
            "--config",
            config.toString(),
            "publish",
            source.toString(),
            "--dataset",
            "ds",
            "--version",
            "1",
            "--signing-key",
            tmp.resolve("signer.json").toString());
    assertEquals(0, p.code(), p.err());
    return p.out().lines().findFirst().orElseThrow();
  }

  @Test
  void exportWritesPlainFilesThatSha256sumAccepts() throws Exception {
    String uri = publish();
    assertTrue(uri.startsWith("btfs-hybrid://manifests/ds/1.json?sha256="), uri);
    Path out = tmp.resolve("export");
    CliRun e = run("--config", config.toString(), "export", uri, "--out", out.toString());
    assertEquals(0, e.code(), e.err());
    Process check =
        new ProcessBuilder("sha256sum", "-c", "SHA256SUMS")
            .directory(out.toFile())
            .redirectErrorStream(true)
            .start();
    String report = new String(check.getInputStream().readAllBytes());
    assertEquals(0, check.waitFor(), report);
    assertEquals(4, report.lines().filter(l -> l.endsWith(": OK")).count(), report);
    assertEquals(-1, Files.mismatch(source.resolve("part/f1.bin"), out.resolve("part/f1.bin")));
  }

  @Test
  void inspectAndPlanPrintJson() {
    String uri = publish();
    CliRun i = run("--config", config.toString(), "--json", "inspect", uri);
    assertEquals(0, i.code(), i.err());
    assertTrue(i.out().contains("\"dataset\" : \"ds\""), i.out());
    CliRun p = run("--config", config.toString(), "--json", "plan", uri);
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("\"mirror\""), p.out());
  }

  @Test
  void everyCopyCorruptExitsWithIntegrityCodeAndLeavesNoFileBehind() throws IOException {
    String uri = publish();
    try (Stream<Path> blobs = Files.walk(tmp.resolve("tiers"))) {
      for (Path b :
          blobs.filter(p -> p.toString().contains("blobs") && Files.isRegularFile(p)).toList()) {
        if (Files.size(b) > 0) {
          try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
            f.seek(5);
            int v = f.read();
            f.seek(5);
            f.write(v ^ 1);
          }
        }
      }
    }
    Path out = tmp.resolve("pulled");
    CliRun pull = run("--config", config.toString(), "pull", uri, "--out", out.toString());
    assertEquals(ExitCodes.INTEGRITY, pull.code(), pull.err());
    assertEquals(1, pull.err().lines().count(), "one line on stderr: " + pull.err());
    try (Stream<Path> left = Files.walk(out)) {
      for (Path f : left.filter(Files::isRegularFile).toList()) {
        // only verified files stay (here the empty one, which has no blob to corrupt), for --resume
        assertEquals(-1, Files.mismatch(f, source.resolve(out.relativize(f).toString())), f + "");
      }
    }
  }

  @Test
  void aTamperedManifestExitsWithRejectedCode() throws IOException {
    String uri = publish();
    Path manifest = tmp.resolve("tiers/mirror/manifests/ds/1.json");
    for (Path m : new Path[] {manifest, tmp.resolve("tiers/cloud/manifests/ds/1.json")}) {
      Files.writeString(m, Files.readString(m).replace("\"sig\" : \"", "\"sig\" : \"AAAA"));
    }
    CliRun r = run("--config", config.toString(), "inspect", uri.replaceAll("\\?.*", ""));
    assertEquals(ExitCodes.REJECTED, r.code(), r.err());
    assertTrue(r.err().contains("manifest rejected"), r.err());
  }

  @Test
  void missingCopiesExitWithUnavailableCode() throws IOException {
    String uri = publish();
    try (Stream<Path> blobs = Files.walk(tmp.resolve("tiers"))) {
      for (Path b :
          blobs.filter(p -> p.toString().contains("blobs") && Files.isRegularFile(p)).toList()) {
        Files.delete(b);
      }
    }
    CliRun r =
        run("--config", config.toString(), "pull", uri, "--out", tmp.resolve("o").toString());
    assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.err());
  }

  @Test
  void badConfigurationAndArgumentsAreUsageErrorsNamingTheValue() throws IOException {
    Files.writeString(config, "tiers:\n  - { id: x, type: ftp, root: /tmp }\ntrust: trust.json\n");
    CliRun badType =
        run("--config", config.toString(), "inspect", "btfs-hybrid://manifests/ds/1.json");
    assertEquals(ExitCodes.USAGE, badType.code());
    assertTrue(badType.err().contains("'ftp'"), badType.err());

    Files.writeString(config, "tiers:\n  - { id: x, type: file, kind: attic, root: /tmp }\n");
    CliRun badKind =
        run("--config", config.toString(), "inspect", "btfs-hybrid://manifests/ds/1.json");
    assertEquals(ExitCodes.USAGE, badKind.code());
    assertTrue(badKind.err().contains("'attic'"), badKind.err());

    CliRun missing = run("--config", tmp.resolve("nope.yaml").toString(), "inspect", "x");
    assertEquals(ExitCodes.USAGE, missing.code());
    assertTrue(missing.err().contains("nope.yaml"), missing.err());

    CliRun unknownOption = run("publish", "--frobnicate");
    assertEquals(ExitCodes.USAGE, unknownOption.code());
    assertFalse(unknownOption.err().isBlank());

    Files.writeString(config, "tiers: []\ncache: { maxBytes: lots }\n");
    CliRun badSize =
        run("--config", config.toString(), "inspect", "btfs-hybrid://manifests/ds/1.json");
    assertEquals(ExitCodes.USAGE, badSize.code());
    assertTrue(badSize.err().contains("'lots'"), badSize.err());
  }

  @Test
  void theDemoIsNotPartOfTheCommandLineJar() {
    // its S3 server and BTFS simulator live in btfs-hybrid-demo, which adds `demo` as a Subcommand
    CliRun demo = run("demo");
    assertEquals(ExitCodes.USAGE, demo.code());
    assertTrue(demo.err().contains("'demo'"), demo.err());
  }
}
