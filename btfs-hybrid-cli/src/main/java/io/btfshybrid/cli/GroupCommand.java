package io.btfshybrid.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups sub-commands ({@code keys}, {@code kms}, {@code audit}). */
abstract class GroupCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Run without a sub-command: a usage error that names the sub-commands. */
  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        spec.name() + " needs a sub-command: " + String.join(", ", spec.subcommands().keySet()));
  }
}
