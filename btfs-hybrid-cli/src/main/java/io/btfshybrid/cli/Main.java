package io.btfshybrid.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code btfs-hybrid} command: publish, pull, inspect, plan, scrub, repair, restore, export,
 * drill, stats, keys, kms and audit, plus every {@link Subcommand} on the class path ({@code demo},
 * from {@code btfs-hybrid-demo}).
 */
@Command(
    name = "btfs-hybrid",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    version = "btfs-hybrid 0.1.0",
    description = "Manifest-first, verified dataset releases across replicas, S3 and BTFS.",
    footerHeading = "%nExample:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml pull imagenet-mini@1.0.0 --out data/",
      "",
      "Run 'btfs-hybrid help COMMAND' for a command's options. Exit codes: 0 ok, 1 failure,"
          + " 2 usage, 3 integrity, 4 unavailable, 5 manifest rejected, 6 access denied,"
          + " 7 release conflict, 130 interrupted."
    },
    subcommands = {
      HelpCommand.class,
      KeysCommand.class,
      KmsCommand.class,
      PublishCommand.class,
      PullCommand.class,
      InspectCommand.class,
      PlanCommand.class,
      ScrubCommand.class,
      RepairCommand.class,
      RestoreCommand.class,
      ExportCommand.class,
      LsCommand.class,
      GcCommand.class,
      DrillCommand.class,
      StatsCommand.class,
      AuditCommand.class
    })
public final class Main {
  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "configuration file (YAML or JSON); default ./btfs-hybrid.yaml")
  Path config;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "machine-readable output on stdout, no progress")
  boolean json;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "more detail on errors (stack traces)")
  boolean verbose;

  /** Runs the command line in this process and exits with its code. */
  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code;
    try (Interruption interruption = Interruption.install(err)) {
      code = run(args, out, err, interruption);
    }
    System.exit(code);
  }

  /** Runs the command line and returns its exit code (see {@link ExitCodes}). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, Interruption.none());
  }

  static int run(String[] args, PrintWriter out, PrintWriter err, Interruption interruption) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    // added before the settings below, which picocli copies to the subcommands present
    for (Subcommand extra : ServiceLoader.load(Subcommand.class)) {
      cli.addSubcommand(extra);
    }
    addHelpOptions(cli);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(ExitCodes::of);
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (interruption.requested() || ExitCodes.of(ex) == ExitCodes.INTERRUPTED) {
            return ExitCodes.INTERRUPTED;
          }
          commandLine.getErr().println("btfs-hybrid: " + ErrorText.describe(ex));
          if (GlobalOptions.verbose(commandLine.getCommandSpec())) {
            ex.printStackTrace(commandLine.getErr());
          }
          return ExitCodes.of(ex);
        });
    cli.setParameterExceptionHandler(
        (ex, args1) -> {
          CommandLine failed = ex.getCommandLine();
          CommandLine.ParameterException shown = ex;
          if (!(ex instanceof CommandLine.UnmatchedArgumentException)
              && !failed.getUnmatchedArguments().isEmpty()) {
            // a mistyped option also leaves a required one missing: name the typo, not the gap
            shown =
                new CommandLine.UnmatchedArgumentException(failed, failed.getUnmatchedArguments());
          }
          failed.getErr().println("btfs-hybrid: " + Untrusted.escape(shown.getMessage()));
          CommandLine.UnmatchedArgumentException.printSuggestions(shown, failed.getErr());
          failed.getErr().println("try: " + failed.getCommandSpec().qualifiedName(" ") + " --help");
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }

  /**
   * Gives every command and sub-command {@code -h/--help}, defaults in its usage and a wide layout.
   * Done here rather than with picocli's inherited standard help options, which also bring {@code
   * -V/--version} and so clash with {@code publish --version}.
   */
  private static void addHelpOptions(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    if (spec.findOption("--help") == null) {
      spec.addOption(
          OptionSpec.builder("-h", "--help")
              .usageHelp(true)
              .description("Show this help message and exit.")
              .build());
    }
    spec.usageMessage().showDefaultValues(true).autoWidth(true);
    command.getSubcommands().values().forEach(Main::addHelpOptions);
  }
}
