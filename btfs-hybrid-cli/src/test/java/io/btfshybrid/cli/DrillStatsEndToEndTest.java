package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drill} and {@code stats}: through the command line, the drill as a separate process. */
class DrillStatsEndToEndTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Fixture fx;
  long releaseBytes;

  @BeforeEach
  void setUp() throws IOException {
    fx = Fixture.withFileTiers(tmp);
    fx.publish("1");
    releaseBytes = 300_000 + 300_001 + 300_002;
  }

  String config() {
    return fx.config.toString();
  }

  @Test
  void aDrillWithTheReplicaDownReportsItsFailuresAndNoWrongBytes() throws IOException {
    CliProcess.Result r =
        fx.cli("drill", "ds@1", "--tier-down", "mirror", "--reads", "6", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode drill = JSON.readTree(r.out()).path("drills").get(0);
    assertEquals("tier-down mirror", drill.path("drill").asText());
    assertEquals(6, drill.path("reads").asInt());
    assertEquals(0, drill.path("failedReads").asInt());
    assertEquals(0, drill.path("wrongBytes").asLong());
    JsonNode mirror = drill.path("tiers").get(0);
    assertEquals("mirror", mirror.path("tier").asText());
    assertTrue(mirror.path("errors").asLong() >= 1, mirror.toString());
    assertEquals(1.0, mirror.path("failureRate").asDouble());
    JsonNode cloud = drill.path("tiers").get(1);
    assertEquals(drill.path("bytesRead").asLong(), cloud.path("bytes").asLong());
    assertTrue(cloud.path("firstByteMillis").path("samples").asLong() >= 1, cloud.toString());

    CliRun text = CliRun.run("--config", config(), "drill", "ds@1", "--normal", "--churn");
    assertTrue(text.out().contains("drill normal: 200 reads, 0 failed, 0 wrong bytes"), text.out());
    assertTrue(text.out().contains("ttfb p50"), text.out());
    java.util.regex.Matcher churn =
        java.util.regex.Pattern.compile(
                "drill churn seed 1 p 0.25: 200 reads, (\\d+) failed, 0 wrong")
            .matcher(text.out());
    assertTrue(churn.find(), text.out());
    // with both tiers down at once a read has no source: exit 4, else 0
    int failed = Integer.parseInt(churn.group(1));
    assertEquals(failed > 0 ? ExitCodes.UNAVAILABLE : ExitCodes.OK, text.code(), text.err());
  }

  @Test
  void readsWithNoSourceLeftExit4AndAnUnknownTierExits2() throws IOException {
    fx.writeConfig("  - { id: mirror, type: file, kind: replica, root: tiers/mirror }\n");
    CliRun down = CliRun.run("--config", config(), "drill", "ds@1", "--tier-down", "mirror");
    assertEquals(ExitCodes.UNAVAILABLE, down.code(), down.out() + down.err());
    assertTrue(down.out().contains("200 failed"), down.out());
    CliRun unknown = CliRun.run("--config", config(), "drill", "ds@1", "--tier-down", "nope");
    assertEquals(ExitCodes.USAGE, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("'nope'"), unknown.err());
  }

  @Test
  void statsPrintsTheScorecardThatReadsLeftInTheStateDirectory() throws IOException {
    CliRun none = CliRun.run("--config", config(), "stats");
    assertEquals(ExitCodes.USAGE, none.code());
    assertTrue(none.err().contains("healthState"), none.err());

    Files.writeString(fx.config, Files.readString(fx.config) + "healthState: health\n");
    CliRun pull =
        CliRun.run("--config", config(), "pull", "ds@1", "--out", tmp.resolve("out").toString());
    assertEquals(0, pull.code(), pull.err());
    CliRun stats = CliRun.run("--config", config(), "stats", "--json");
    assertEquals(0, stats.code(), stats.err());
    JsonNode doc = JSON.readTree(stats.out());
    assertEquals(tmp.resolve("health").toString(), doc.path("stateDirectory").asText());
    JsonNode mirror = doc.path("tiers").get(0);
    assertEquals("mirror", mirror.path("tier").asText());
    assertEquals(releaseBytes, mirror.path("bytes").asLong());
    assertTrue(mirror.path("healthy").asBoolean());
    assertEquals(3, mirror.path("firstByteMillis").path("samples").asLong(), mirror.toString());

    CliRun table = CliRun.run("--config", config(), "stats");
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("tier health in " + tmp.resolve("health")), table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.trim().startsWith("mirror")), table.out());

    Path file = tmp.resolve("health").resolve("tier-health.json");
    Files.writeString(file, "garbage");
    CliRun corrupt = CliRun.run("stats", "--state", tmp.resolve("health").toString());
    assertEquals(0, corrupt.code(), corrupt.err());
    assertTrue(
        corrupt.err().contains("warning: ignoring unusable tier health state"), corrupt.err());
    assertTrue(corrupt.out().contains("no tier health recorded"), corrupt.out());
  }
}
