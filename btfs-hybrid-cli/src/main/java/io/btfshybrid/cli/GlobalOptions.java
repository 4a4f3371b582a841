package io.btfshybrid.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The global options {@code --config}, {@code --json} and {@code --verbose}, given before or after
 * the command name: picocli copies them onto every sub-command, so the value is looked up on the
 * command and each of its parents. Public for a {@link Subcommand} from another module.
 */
public final class GlobalOptions {
  private GlobalOptions() {}

  /** Whether {@code --json} was given anywhere on the command line. */
  public static boolean json(CommandSpec spec) {
    return flag(spec, "--json");
  }

  /** Whether {@code --verbose} was given anywhere on the command line. */
  public static boolean verbose(CommandSpec spec) {
    return flag(spec, "--verbose");
  }

  /** The {@code --config} file, or null when none was given. */
  public static Path config(CommandSpec spec) {
    for (CommandSpec s = spec; s != null; s = s.parent()) {
      OptionSpec o = s.findOption("--config");
      if (o != null && o.getValue() != null) {
        return o.getValue();
      }
    }
    return null;
  }

  private static boolean flag(CommandSpec spec, String name) {
    for (CommandSpec s = spec; s != null; s = s.parent()) {
      OptionSpec o = s.findOption(name);
      if (o != null && Boolean.TRUE.equals(o.getValue())) {
        return true;
      }
    }
    return false;
  }
}
