package io.btfshybrid.cli;

import io.btfshybrid.core.LocalKeyManagementService;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Manages local key-encryption keys (KEKs) for envelope encryption. */
@Command(
    name = "kms",
    description = "Local key-encryption keys.",
    subcommands = KmsCommand.Generate.class)
final class KmsCommand {
  /** Generates a Tink keyset file holding one or more KEKs by id. */
  @Command(name = "generate", description = "Generate a keyset file with one or more KEKs.")
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        description = "keyset file to create (never overwritten)")
    Path out;

    @Option(
        names = "--kek-id",
        defaultValue = "kek-1",
        split = ",",
        description = "KEK id(s) (default ${DEFAULT-VALUE})")
    List<String> kekIds;

    @Override
    public Integer call() throws Exception {
      LocalKeyManagementService kms =
          LocalKeyManagementService.generate(out, kekIds.toArray(String[]::new));
      spec.commandLine().getOut().println("KEK(s) " + kms.keyIds() + " written to " + out);
      return ExitCodes.OK;
    }
  }
}
