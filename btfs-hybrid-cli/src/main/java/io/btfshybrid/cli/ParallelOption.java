package io.btfshybrid.cli;

import picocli.CommandLine.Option;

/** {@code --parallel N}: how many copies scrub, repair and restore check or make at once. */
final class ParallelOption {
  @Option(
      names = "--parallel",
      paramLabel = "N",
      defaultValue = "4",
      description = "copies checked or made at once (1..256)")
  int parallel = 4;
}
