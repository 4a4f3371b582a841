package io.btfshybrid.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code btfs-hybrid} command: publish, pull, inspect, plan, export, keys, kms and audit, plus
 * every {@link Subcommand} on the class path ({@code demo}, from {@code btfs-hybrid-demo}).
 */
@Command(
    name = "btfs-hybrid",
    mixinStandardHelpOptions = true,
    version = "btfs-hybrid 0.1.0",
    description = "Manifest-first, verified dataset releases across replicas, S3 and BTFS.",
    subcommands = {
      KeysCommand.class,
      KmsCommand.class,
      PublishCommand.class,
      PullCommand.class,
      InspectCommand.class,
      PlanCommand.class,
      ExportCommand.class,
      AuditCommand.class
    })
public final class Main {
  @Option(names = "--config", description = "configuration file (YAML or JSON)")
  Path config;

  @Option(names = "--json", description = "machine-readable output, no progress")
  boolean json;

  @Option(names = "--verbose", description = "more detail on errors")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new PrintWriter(
                new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8),
                true),
            new PrintWriter(
                new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8),
                true)));
  }

  /** Runs the command line and returns its exit code (see {@link ExitCodes}). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    // added before the settings below, which picocli copies to the subcommands present
    for (Subcommand extra : ServiceLoader.load(Subcommand.class)) {
      cli.addSubcommand(extra);
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(ExitCodes::of);
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("btfs-hybrid: " + ExitCodes.describe(ex));
          if (main.verbose) {
            ex.printStackTrace(commandLine.getErr());
          }
          return ExitCodes.of(ex);
        });
    cli.setParameterExceptionHandler(
        (ex, args1) -> {
          ex.getCommandLine().getErr().println("btfs-hybrid: " + ex.getMessage());
          ex.getCommandLine()
              .getErr()
              .println("try: btfs-hybrid " + ex.getCommandLine().getCommandName() + " --help");
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }
}
