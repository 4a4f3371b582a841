package io.btfshybrid.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code help [COMMAND [SUB-COMMAND]]}: the usage of any command, nested ones included. */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the usage of a command, e.g. 'help keys generate'.",
    footerHeading = "%nExample:%n",
    footer = "  btfs-hybrid help pull")
final class HelpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "a command and sub-command")
  List<String> names = new ArrayList<>();

  @Override
  public Integer call() {
    CommandLine target = spec.parent().commandLine();
    for (String name : names) {
      CommandLine next = target.getSubcommands().get(name);
      if (next == null) {
        String nearest = ConfigKeys.nearest(name, List.copyOf(target.getSubcommands().keySet()));
        throw new CommandLine.ParameterException(
            target,
            "unknown command '"
                + Untrusted.escape(name)
                + "'"
                + (nearest == null ? "" : " (did you mean '" + nearest + "'?)"));
      }
      target = next;
    }
    target.usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
