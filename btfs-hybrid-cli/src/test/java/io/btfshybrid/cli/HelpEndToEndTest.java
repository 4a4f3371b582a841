package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command explains itself; typos get a suggestion. */
class HelpEndToEndTest {
  @TempDir Path tmp;

  /** Every command path, e.g. [keys, generate], from the real command tree. */
  static List<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new Main()), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> path = new ArrayList<>(prefix);
              path.add(name);
              out.add(path);
              collect(sub, path, out);
            });
  }

  @Test
  void everyCommandAnswersHelpAndHelpCommandWithOptionsDefaultsAndAnExample() {
    List<List<String>> paths = commandPaths();
    assertTrue(paths.size() >= 12, paths.toString());
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun flag = CliRun.run(args.toArray(String[]::new));
      assertEquals(0, flag.code(), path + ": " + flag.err());
      assertTrue(flag.out().startsWith("Usage: btfs-hybrid " + String.join(" ", path)), flag.out());
      assertTrue(flag.out().contains("--help"), flag.out());
      assertTrue(flag.out().contains("Example"), path + " has an example: " + flag.out());
      List<String> help = new ArrayList<>(List.of("help"));
      help.addAll(path);
      CliRun viaHelp = CliRun.run(help.toArray(String[]::new));
      assertEquals(0, viaHelp.code(), path + ": " + viaHelp.err());
      assertEquals(flag.out(), viaHelp.out());
    }
    CliRun publish = CliRun.run("publish", "--help");
    assertTrue(publish.out().contains("Default: unclassified"), publish.out());
    CliRun kms = CliRun.run("kms", "generate", "--help");
    assertTrue(kms.out().contains("Default: kek-1"), kms.out());
  }

  @Test
  void aGroupWithoutItsSubCommandIsAUsageErrorNamingThem() {
    for (String group : List.of("keys", "kms", "audit")) {
      CliRun r = CliRun.run(group);
      assertEquals(ExitCodes.USAGE, r.code(), r.err());
      assertTrue(r.err().contains(group + " needs a sub-command: "), r.err());
      assertTrue(r.err().contains("try: btfs-hybrid " + group + " --help"), r.err());
    }
  }

  @Test
  void theRealEntryPointPrintsHelpForASubcommandWithRequiredOptions() {
    CliProcess.Result r = CliProcess.run(tmp, "publish", "--help");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("--signing-key"), r.out());
    CliProcess.Result nested = CliProcess.run(tmp, "help", "keys", "generate");
    assertEquals(0, nested.code(), nested.err());
    assertTrue(nested.out().startsWith("Usage: btfs-hybrid keys generate"), nested.out());
  }

  @Test
  void mistypedCommandsAndOptionsSuggestTheNearestAndNeverRepeatTheProgramName() {
    CliProcess.Result cmd = CliProcess.run(tmp, "pul", "ds@1");
    assertEquals(ExitCodes.USAGE, cmd.code());
    assertTrue(cmd.err().contains("btfs-hybrid pull"), cmd.err());
    assertTrue(cmd.err().contains("try: btfs-hybrid --help"), cmd.err());
    assertFalse(cmd.err().contains("btfs-hybrid btfs-hybrid"), cmd.err());

    CliRun option = CliRun.run("publish", "dir", "--dataet", "x", "--version", "1");
    assertEquals(ExitCodes.USAGE, option.code());
    assertTrue(option.err().contains("--dataet"), option.err());
    assertTrue(option.err().contains("--dataset"), "suggests --dataset: " + option.err());
    assertTrue(option.err().contains("try: btfs-hybrid publish --help"), option.err());
  }
}
