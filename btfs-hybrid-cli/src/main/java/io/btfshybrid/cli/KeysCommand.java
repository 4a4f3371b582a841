package io.btfshybrid.cli;

import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Manages manifest signing keys. */
@Command(
    name = "keys",
    description = "Manifest signing keys.",
    subcommands = KeysCommand.Generate.class)
final class KeysCommand {
  /** Generates an Ed25519 signing keyset and, optionally, the matching trust root. */
  @Command(name = "generate", description = "Generate a signing key (and its public trust root).")
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        description = "where to write the private signing keyset")
    Path out;

    @Option(names = "--public-out", description = "where to write the trust root (public key)")
    Path publicOut;

    @Override
    public Integer call() throws Exception {
      if (Files.exists(out)) {
        throw new ConfigException(
            "'" + out + "' already exists; refusing to overwrite a signing key");
      }
      ManifestSigner signer = ManifestSigner.generate();
      signer.save(out);
      if (publicOut != null) {
        TrustRoot.of(signer.publicKeyset()).save(publicOut);
      }
      spec.commandLine()
          .getOut()
          .println(
              "key "
                  + signer.keyId()
                  + " written to "
                  + out
                  + (publicOut == null ? "" : "; trust root written to " + publicOut));
      return ExitCodes.OK;
    }
  }
}
