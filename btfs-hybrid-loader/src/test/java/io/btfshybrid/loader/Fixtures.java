package io.btfshybrid.loader;

import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Releases of raw shards published with the real publisher onto file tiers in a temp dir. */
final class Fixtures {
  static final int CHUNK = 4096;

  final Path root;
  final ManifestSigner signer = ManifestSigner.generate();
  final List<FileTier> tiers = new ArrayList<>();

  Fixtures(Path root, String... tierIds) {
    this.root = root;
    for (String id : tierIds) {
      tiers.add(
          FileTier.builder()
              .id(id)
              .kind(TierKind.REPLICA)
              .root(root.resolve("tier-" + id))
              .build());
    }
  }

  /** The bytes of sample {@code i} of release {@code tag}: distinct, of varying length. */
  static byte[] content(String tag, int i) {
    StringBuilder sb = new StringBuilder(tag + "-sample-" + i + ":");
    for (int k = 0; k < (i * 37) % 900; k++) {
      sb.append((char) ('a' + (i + k) % 26));
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Publishes {@code count} raw files {@code d/NNNN.bin}; returns path to content, in order. */
  Map<String, byte[]> source(String tag, int count) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    Path dir = root.resolve("src-" + tag);
    for (int i = 0; i < count; i++) {
      String path = String.format("d/%04d.bin", i);
      byte[] b = content(tag, i);
      files.put(path, b);
      Path p = dir.resolve(path);
      Files.createDirectories(p.getParent());
      Files.write(p, b);
    }
    return files;
  }

  /** Publishes {@link #source} as {@code tag@1.0.0}; returns its manifest URI. */
  String publish(String tag, int count) throws IOException {
    source(tag, count);
    return DatasetPublisher.builder()
        .tiers(tiers)
        .signer(signer)
        .chunkSize(CHUNK)
        .build()
        .publish(root.resolve("src-" + tag), tag, "1.0.0")
        .manifestUri()
        .toString();
  }

  DatasetClient client() throws IOException {
    DatasetClient.Builder b = DatasetClient.builder().trust(TrustRoot.of(signer.publicKeyset()));
    tiers.forEach(b::tier);
    return b.build();
  }
}
