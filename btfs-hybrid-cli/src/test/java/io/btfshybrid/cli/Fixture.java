package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A work directory with a source tree, a signing key and a configuration, and the release published
 * from it in this JVM (fast); the behaviour under test then runs as a separate process.
 */
final class Fixture {
  final Path dir;
  final Path source;
  final Path config;

  Fixture(Path dir, String tiersYaml) throws IOException {
    this.dir = dir;
    this.source = dir.resolve("src");
    Random r = new Random(7);
    Files.createDirectories(source.resolve("part"));
    for (int i = 0; i < 3; i++) {
      byte[] b = new byte[300_000 + i];
      r.nextBytes(b);
      Files.write(source.resolve("part/f" + i + ".bin"), b);
    }
    Files.write(source.resolve("empty.txt"), new byte[0]);
    config = dir.resolve("btfs-hybrid.yaml");
    writeConfig(tiersYaml);
    CliRun keys =
        CliRun.run(
            "keys",
            "generate",
            "--out",
            dir.resolve("signer.json").toString(),
            "--public-out",
            dir.resolve("trust.json").toString());
    assertEquals(0, keys.code(), keys.err());
  }

  /** The file tiers every test without a server uses. */
  static Fixture withFileTiers(Path dir) throws IOException {
    return new Fixture(
        dir,
        "  - { id: mirror, type: file, kind: replica, root: tiers/mirror }\n"
            + "  - { id: cloud, type: file, kind: cloud, root: tiers/cloud }\n");
  }

  void writeConfig(String tiersYaml) throws IOException {
    Files.writeString(config, "tiers:\n" + tiersYaml + "trust: trust.json\n");
  }

  /** Publishes {@code ds@version} in this JVM and returns the manifest URI. */
  String publish(String version) {
    CliRun p =
        CliRun.run(
            "--config",
            config.toString(),
            "publish",
            source.toString(),
            "--dataset",
            "ds",
            "--version",
            version,
            "--signing-key",
            dir.resolve("signer.json").toString());
    assertEquals(0, p.code(), p.err());
    return p.out().lines().findFirst().orElseThrow();
  }

  /** Runs {@code btfs-hybrid --config <config> args…} as a separate process. */
  CliProcess.Result cli(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return CliProcess.run(dir, all);
  }

  /** Flips one byte of every stored blob on the file tiers. */
  void corruptEveryBlob() throws IOException {
    try (Stream<Path> blobs = Files.walk(dir.resolve("tiers"))) {
      for (Path b :
          blobs.filter(p -> p.toString().contains("blobs") && Files.isRegularFile(p)).toList()) {
        byte[] bytes = Files.readAllBytes(b);
        if (bytes.length > 5) {
          bytes[5] ^= 1;
          Files.write(b, bytes);
        }
      }
    }
  }

  /** Temporary files this tool writes, anywhere under {@code root}. */
  static long temporaryFiles(Path root) throws IOException {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.getFileName().toString().endsWith(SafePaths.PARTIAL_SUFFIX)).count();
    }
  }
}
