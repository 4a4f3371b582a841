package io.btfshybrid.cli;

import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.Principal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Who is reading and which key file may unwrap data keys, for encrypted or restricted releases. */
final class ReaderOptions {
  @Option(
      names = "--principal",
      paramLabel = "NAME",
      description = "the reader's name, checked against the release's policy")
  String principal;

  @Option(
      names = "--groups",
      split = ",",
      paramLabel = "GROUP",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description = "the reader's groups (comma-separated)")
  List<String> groups = List.of();

  @Option(
      names = "--kek",
      paramLabel = "KEK.json",
      description = "key-encryption keyset file (from 'kms generate')")
  Path kek;

  void apply(DatasetClient.Builder client) throws IOException {
    if (principal != null) {
      client.principal(Principal.of(principal, groups.toArray(String[]::new)));
    } else if (!groups.isEmpty()) {
      throw new ConfigException("--groups needs --principal");
    }
    if (kek != null) {
      client.keyManagement(KeyFiles.kek(kek));
    }
  }
}
