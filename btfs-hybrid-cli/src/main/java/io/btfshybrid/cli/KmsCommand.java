package io.btfshybrid.cli;

import io.btfshybrid.core.LocalKeyManagementService;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Manages local key-encryption keys (KEKs) for envelope encryption. */
@Command(
    name = "kms",
    description = "Local key-encryption keys (KEKs) for 'publish --encrypt'.",
    subcommands = KmsCommand.Generate.class,
    footerHeading = "%nExample:%n",
    footer = "  btfs-hybrid kms generate --out kek.json --kek-id kek-1")
final class KmsCommand extends GroupCommand {

  /** Generates a Tink keyset file holding one or more KEKs by id. */
  @Command(
      name = "generate",
      description = "Generate a keyset file with one or more AES-256-GCM KEKs.",
      footerHeading = "%nExample:%n",
      footer = {
        "  btfs-hybrid kms generate --out kek.json --kek-id kek-1,kek-2",
        "",
        "Readers of an encrypted release pass it with --kek; keep it secret."
      })
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "KEK.json",
        description = "keyset file to create (refused if it exists)")
    Path out;

    @Option(
        names = "--kek-id",
        defaultValue = "kek-1",
        split = ",",
        paramLabel = "ID",
        description = "KEK id(s), comma-separated")
    List<String> kekIds;

    @Option(names = "--force", description = "replace an existing keyset file")
    boolean force;

    @Override
    public Integer call() throws Exception {
      KeyOutput.claim(out, "KEK keyset", force);
      LocalKeyManagementService kms =
          LocalKeyManagementService.generate(out, kekIds.toArray(String[]::new));
      if (GlobalOptions.json(spec)) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kekIds", List.copyOf(kms.keyIds()));
        doc.put("keyset", out.toString());
        Json.print(spec.commandLine().getOut(), doc);
      } else {
        spec.commandLine().getOut().println("KEK(s) " + kms.keyIds() + " written to " + out);
      }
      return ExitCodes.OK;
    }
  }
}
