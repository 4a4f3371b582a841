package io.btfshybrid.cli;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** The exit path: plain files plus a checksum file that {@code sha256sum -c} checks. */
@Command(
    name = "export",
    description =
        "Write MANIFEST's shards as plain files plus a SHA-256 checksum file into --out DIR.",
    footerHeading = "%nExample:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml export imagenet-mini@1.0.0 --out /mnt/handover",
      "  cd /mnt/handover && sha256sum -c SHA256SUMS",
      "",
      "The checksum file is SHA256SUMS unless the release has a file of that name (then"
          + " SHA256SUMS.btfs-hybrid, and so on); its name is printed."
    })
final class ExportCommand extends PullCommand {
  static final String SUMS = "SHA256SUMS";
  private static final Pattern SUMS_LINE = Pattern.compile("[0-9a-f]{64}  .+");

  @Override
  Map<String, Object> afterWrite(Dataset ds, List<Materializer.Written> files) throws IOException {
    StringBuilder sums = new StringBuilder();
    for (Materializer.Written f : files) {
      sums.append(f.sha256()).append("  ").append(f.path()).append('\n');
    }
    Path root = outDir.toAbsolutePath().normalize().toRealPath();
    Set<String> releasePaths =
        ds.shards().stream().map(ShardEntry::path).collect(Collectors.toSet());
    String name = sumsName(root, releasePaths);
    SafePaths.writeAtomically(root.resolve(name), sums.toString().getBytes(StandardCharsets.UTF_8));
    return Map.of("checksums", name);
  }

  /**
   * {@code SHA256SUMS}, or the first of {@code SHA256SUMS.btfs-hybrid}, {@code
   * SHA256SUMS.btfs-hybrid-2}… that is not a release path and is free or holds an earlier export's
   * checksums of this release.
   */
  static String sumsName(Path root, Set<String> releasePaths) throws IOException {
    for (int i = 0; ; i++) {
      String name = i == 0 ? SUMS : i == 1 ? SUMS + ".btfs-hybrid" : SUMS + ".btfs-hybrid-" + i;
      if (releasePaths.contains(name)) {
        continue;
      }
      Path p = root.resolve(name);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || isSumsOf(p, releasePaths)) {
        return name;
      }
    }
  }

  /** An earlier export's checksum file of this release: exactly its paths, nothing else. */
  private static boolean isSumsOf(Path p, Set<String> releasePaths) throws IOException {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
      return lines.stream().allMatch(l -> SUMS_LINE.matcher(l).matches())
          && lines.stream()
              .map(l -> l.substring(66))
              .collect(Collectors.toSet())
              .equals(releasePaths);
    } catch (java.nio.charset.CharacterCodingException notText) {
      return false;
    }
  }
}
