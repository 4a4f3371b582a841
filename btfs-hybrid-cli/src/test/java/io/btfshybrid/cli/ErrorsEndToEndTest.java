package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.testkit.S3TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each failure class: its documented exit code and a message naming the tier and its answer. */
class ErrorsEndToEndTest {
  @TempDir Path tmp;

  @Test
  void aMistypedVersionNamesEachTierAndNotFound() throws IOException {
    Fixture fx = Fixture.withFileTiers(tmp);
    fx.publish("1");
    CliProcess.Result r = fx.cli("pull", "ds@2", "--out", "o");
    assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.err());
    assertTrue(r.err().contains("not found"), r.err());
    assertTrue(r.err().contains("mirror") && r.err().contains("cloud"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void wrongS3CredentialsExit6OnReadAndPublishNamingAccessDenied() throws IOException {
    try (S3TestServer s3 = S3TestServer.start("datasets")) {
      Fixture fx = new Fixture(tmp, s3Tier(s3, s3.endpoint().toString(), s3.secretKey()));
      fx.publish("1");
      fx.writeConfig(s3Tier(s3, s3.endpoint().toString(), "wrong-secret"));
      CliProcess.Result read = fx.cli("inspect", "ds@1");
      assertEquals(ExitCodes.DENIED, read.code(), read.err());
      assertTrue(read.err().contains("access denied"), read.err());
      CliProcess.Result publish =
          fx.cli(
              "publish",
              fx.source.toString(),
              "--dataset",
              "ds",
              "--version",
              "2",
              "--signing-key",
              "signer.json");
      assertEquals(ExitCodes.DENIED, publish.code(), publish.err());
    }
  }

  @Test
  void aClosedPortIsUnavailableNamingConnectionRefused() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Fixture fx =
        new Fixture(
            tmp,
            "  - { id: cloud, type: s3, bucket: datasets, endpoint: \"http://127.0.0.1:"
                + closed
                + "\", pathStyle: true, accessKeyId: a, secretAccessKey: b }\n");
    CliProcess.Result r = fx.cli("inspect", "ds@1");
    assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.err());
    assertTrue(r.err().contains("connection refused"), r.err());
  }

  @Test
  void missingS3CredentialsAreAUsageError() throws IOException {
    Fixture fx =
        new Fixture(
            tmp,
            "  - { id: cloud, type: s3, bucket: datasets, endpoint: \"http://127.0.0.1:9\", pathStyle: true }\n");
    Path home = Files.createDirectories(tmp.resolve("home"));
    CliProcess.Result r =
        CliProcess.run(
            tmp,
            env -> {
              env.keySet().removeIf(k -> k.startsWith("AWS_"));
              env.put("HOME", home.toString());
            },
            "--config",
            fx.config.toString(),
            "inspect",
            "ds@1");
    assertEquals(ExitCodes.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("cloud") && r.err().contains("credentials"), r.err());
  }

  @Test
  void aGarbageOrMissingKeyFileIsAUsageErrorNamingIt() throws IOException {
    Fixture fx = Fixture.withFileTiers(tmp);
    Files.writeString(tmp.resolve("garbage.json"), "not a keyset");
    for (String key : new String[] {"garbage.json", "absent.json"}) {
      CliProcess.Result r =
          fx.cli(
              "publish",
              fx.source.toString(),
              "--dataset",
              "ds",
              "--version",
              "1",
              "--signing-key",
              key);
      assertEquals(ExitCodes.USAGE, r.code(), r.err());
      assertTrue(r.err().contains(key), r.err());
    }
  }

  @Test
  void differentContentUnderAPublishedVersionIsAReleaseConflict() throws IOException {
    Fixture fx = Fixture.withFileTiers(tmp);
    fx.publish("1");
    Files.writeString(fx.source.resolve("empty.txt"), "no longer empty");
    CliProcess.Result r =
        fx.cli(
            "publish",
            fx.source.toString(),
            "--dataset",
            "ds",
            "--version",
            "1",
            "--signing-key",
            "signer.json");
    assertEquals(ExitCodes.CONFLICT, r.code(), r.err());
  }

  @Test
  void controlCharactersInErrorsAreEscaped() throws IOException {
    Fixture fx = Fixture.withFileTiers(tmp);
    Files.writeString(
        fx.config,
        "tiers:\n  - { id: mirror, type: file, root: tiers/mirror }\n"
            + "trust: \"tr\\e]0;pwned\\a\\r.json\"\n");
    CliProcess.Result r = fx.cli("inspect", "ds@1");
    assertEquals(ExitCodes.USAGE, r.code(), r.err());
    assertFalse(r.err().chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == '\r'), r.err());
    assertTrue(r.err().contains("tr\\x1b]0;pwned\\x07\\x0d.json"), r.err());
  }

  private static String s3Tier(S3TestServer s3, String endpoint, String secret) {
    return "  - { id: cloud, type: s3, bucket: "
        + s3.bucket()
        + ", endpoint: \""
        + endpoint
        + "\", region: "
        + s3.region()
        + ", pathStyle: true, accessKeyId: "
        + s3.accessKey()
        + ", secretAccessKey: "
        + secret
        + " }\n";
  }
}
