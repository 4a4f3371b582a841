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
    assertTrue(d.out().contains("integrity failures caught: 1"), d.out());
    assertTrue(d.out().contains("OK: every byte"), d.out());
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
