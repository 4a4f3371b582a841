package io.btfshybrid.cli;

import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Manages manifest signing keys. */
@Command(
    name = "keys",
    description = "Manifest signing keys (Ed25519).",
    subcommands = KeysCommand.Generate.class,
    footerHeading = "%nExample:%n",
    footer = "  btfs-hybrid keys generate --out signer.json --public-out trust.json")
final class KeysCommand extends GroupCommand {

  /** Generates an Ed25519 signing keyset and, optionally, the matching trust root. */
  @Command(
      name = "generate",
      description = "Generate a signing key (and its public trust root).",
      footerHeading = "%nExample:%n",
      footer = {
        "  btfs-hybrid keys generate --out signer.json --public-out trust.json",
        "",
        "Keep signer.json secret; give trust.json to readers ('trust:' in their configuration)."
      })
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "SIGNER.json",
        description = "where to write the private signing keyset (refused if it exists)")
    Path out;

    @Option(
        names = "--public-out",
        paramLabel = "TRUST.json",
        description = "where to write the trust root (public key)")
    Path publicOut;

    @Option(names = "--force", description = "replace existing output files")
    boolean force;

    @Override
    public Integer call() throws Exception {
      KeyOutput.claim(out, "signing key", force);
      KeyOutput.claim(publicOut, "trust root", force);
      ManifestSigner signer = ManifestSigner.generate();
      signer.save(out);
      if (publicOut != null) {
        TrustRoot.of(signer.publicKeyset()).save(publicOut);
      }
      if (GlobalOptions.json(spec)) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("keyId", signer.keyId());
        doc.put("signingKey", out.toString());
        doc.put("trustRoot", publicOut == null ? null : publicOut.toString());
        Json.print(spec.commandLine().getOut(), doc);
      } else {
        spec.commandLine()
            .getOut()
            .println(
                "key "
                    + signer.keyId()
                    + " written to "
                    + out
                    + (publicOut == null ? "" : "; trust root written to " + publicOut));
      }
      return ExitCodes.OK;
    }
  }
}
