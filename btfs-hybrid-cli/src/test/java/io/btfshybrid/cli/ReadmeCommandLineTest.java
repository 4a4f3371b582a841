package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The README's command-line sections cannot drift from the command line. */
class ReadmeCommandLineTest {
  static String readme() throws IOException {
    return Files.readString(Path.of("..", "README.md")); // the module's base directory
  }

  @Test
  void everyCommandListedByHelpAndEveryOptionIsInTheReadme() throws IOException {
    String readme = readme();
    CliRun help = CliRun.run("--help");
    String commands = help.out().substring(help.out().indexOf("Commands:"));
    List<String> listed =
        commands
            .lines()
            .skip(1)
            .takeWhile(l -> l.startsWith("  "))
            .filter(l -> l.matches("  \\S.*")) // not a wrapped description line
            .map(l -> l.trim().split(" ")[0])
            .toList();
    assertTrue(listed.size() >= 9, help.out());
    for (List<String> path : HelpEndToEndTest.commandPaths()) {
      String command = "btfs-hybrid " + String.join(" ", path);
      assertTrue(readme.contains(command), "the README shows '" + command + "'");
      CommandLine cl = new CommandLine(new Main());
      for (String name : path) {
        cl = cl.getSubcommands().get(name);
      }
      for (OptionSpec o : cl.getCommandSpec().options()) {
        assertTrue(
            readme.contains("`" + o.longestName()) || readme.contains(o.longestName() + " "),
            command + " " + o.longestName() + " is documented");
      }
    }
    for (String name : listed) {
      assertTrue(readme.contains("btfs-hybrid " + name), name);
    }
    for (String global : List.of("--config", "--json", "--verbose", "--help")) {
      assertTrue(readme.contains("`" + global), global);
    }
  }

  @Test
  void theExitCodeTableIsExitCodes() throws Exception {
    String readme = readme();
    String table =
        readme.substring(readme.indexOf("<!-- exit-codes"), readme.indexOf("<!-- /exit-codes -->"));
    Map<String, Integer> documented = new TreeMap<>();
    Matcher m = Pattern.compile("\\| (\\d+) \\| `([A-Z_]+)` \\|").matcher(table);
    while (m.find()) {
      documented.put(m.group(2), Integer.parseInt(m.group(1)));
    }
    Map<String, Integer> actual = new TreeMap<>();
    for (Field f : ExitCodes.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        actual.put(f.getName(), f.getInt(null));
      }
    }
    assertEquals(actual, documented);
  }

  @Test
  void everyConfigurationKeyIsDocumented() throws IOException {
    String readme = readme();
    List<String> keys = new java.util.ArrayList<>(ConfigKeys.TOP);
    ConfigKeys.CACHE.forEach(k -> keys.add("cache." + k));
    keys.addAll(ConfigKeys.TIER);
    ConfigKeys.tierSettings().values().forEach(keys::addAll);
    for (String key : keys) {
      assertTrue(readme.contains("`" + key + "`"), "configuration key '" + key + "' is documented");
    }
  }
}
