package io.btfshybrid.demo;

import static io.btfshybrid.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.cli.CliRun;
import io.btfshybrid.cli.ExitCodes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo as users start it: through the command line's {@code Main}, found as a Subcommand. */
class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void demoRunsEndToEndAtASmallSize() {
    CliRun d =
        run(
            "demo",
            "--shards",
            "6",
            "--shard-size",
            "300KiB",
            "--dir",
            tmp.resolve("demo").toString());
    assertEquals(0, d.code(), d.err());
    // 6 shards: 3 flipped at the mirror, 3 deleted there; every flipped one is caught, per shard
    assertTrue(d.out().contains("3 shards corrupted, 3 removed at 'mirror'"), d.out());
    assertTrue(d.out().contains("corrupted shards caught: 3 of 3"), d.out());
    // the scrub names the 3 flipped and the 3 deleted mirror copies; repair fixes exactly those
    assertTrue(d.out().contains("{OK=18, MISSING=3, CORRUPT=3}"), d.out());
    assertTrue(d.out().contains("6 copies made {COPIED=3, REPLACED=3}, 0 objects short"), d.out());
    assertTrue(d.out().contains("clean: 24 copies, {OK=24}"), d.out());
    assertTrue(d.out().contains("OK: every byte"), d.out());
  }

  @Test
  void demoJsonCountsEachShardOncePerSource() {
    CliRun d =
        run(
            "--json",
            "demo",
            "--shards",
            "4",
            "--shard-size",
            "200KiB",
            "--dir",
            tmp.resolve("demo").toString());
    assertEquals(0, d.code(), d.err());
    assertTrue(d.out().startsWith("{"), "only JSON on stdout: " + d.out());
    assertTrue(d.out().contains("\"corruptedShardsCaught\" : 2"), d.out());
    assertTrue(d.out().contains("\"ok\" : true"), d.out());
    assertTrue(d.out().contains("\"scrubCorrupt\" : 2"), d.out());
    assertTrue(d.out().contains("\"scrubMissing\" : 2"), d.out());
    assertTrue(d.out().contains("\"repairCopiesMade\" : 4"), d.out());
    assertTrue(d.out().contains("\"scrubCleanAfterRepair\" : true"), d.out());
    // in the cloud-down pass every one of the 4 shards is served by BTFS, each counted once
    String cloudDown = d.out().substring(d.out().indexOf("\"cloudDownRead\""));
    String btfs = cloudDown.substring(cloudDown.indexOf("\"source\" : \"btfs\"") - 200);
    assertTrue(btfs.contains("\"shardsServed\" : 4"), cloudDown);
  }

  @Test
  void demoAnswersHelp() {
    CliRun help = run("demo", "--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().contains("--shard-size"), help.out());
    assertTrue(help.out().contains("Example"), help.out());
  }

  @Test
  void aBadShardSizeIsAUsageErrorNamingTheValue() {
    CliRun badSize = run("demo", "--shard-size", "lots");
    assertEquals(ExitCodes.USAGE, badSize.code());
    assertTrue(badSize.err().contains("'lots'"), badSize.err());
  }

  @Test
  void mainListsTheDemoInItsHelp() {
    CliRun help = run("--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().contains("demo"), help.out());
  }
}
