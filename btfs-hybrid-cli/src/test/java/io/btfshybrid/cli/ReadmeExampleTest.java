package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's usage example, compiled and run, so the README cannot drift from the API. */
class ReadmeExampleTest {
  @TempDir Path tmp;

  @Test
  void readmeExampleRuns() throws IOException {
    Path sourceDir = Files.createDirectories(tmp.resolve("imagenet-mini/train"));
    Files.write(sourceDir.resolve("000001.tar"), new byte[3 << 20]);
    long read = readmeExample(tmp.resolve("imagenet-mini"), tmp);
    assertEquals(3 << 20, read);
  }

  @Test
  void readmeImportsNameRealClasses() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md")); // the module's base directory
    int start = readme.indexOf("```java\n");
    String example = readme.substring(start, readme.indexOf("\n```\n", start));
    List<String> imports =
        example
            .lines()
            .filter(line -> line.startsWith("import "))
            .map(line -> line.substring("import ".length(), line.length() - 1))
            .toList();
    assertFalse(imports.isEmpty(), "the README's Java example lists its imports");
    for (String name : imports) {
      assertDoesNotThrow(() -> Class.forName(name), name);
    }
  }

  // --- README example starts here ---
  static long readmeExample(Path sourceDir, Path work) throws IOException {
    StorageTier mirror =
        FileTier.builder()
            .id("mirror")
            .kind(TierKind.REPLICA)
            .region("eu-west-1")
            .root(work.resolve("mirror"))
            .build();
    StorageTier cloud =
        FileTier.builder()
            .id("cloud")
            .kind(TierKind.CLOUD)
            .root(work.resolve("cloud"))
            .build(); // or S3Tier.builder()…, BtfsTier.builder()…

    ManifestSigner signer = ManifestSigner.generate(); // keep it: signer.save(path)
    PublishResult release =
        DatasetPublisher.builder()
            .tier(mirror)
            .tier(cloud)
            .signer(signer)
            .build()
            .publish(sourceDir, "imagenet-mini", "1.0.0");
    // release.manifestUri(): btfs-hybrid://manifests/imagenet-mini/1.0.0.json?sha256=<pin>

    long bytes = 0;
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(mirror)
                .tier(cloud)
                .region("eu-west-1")
                .trust(TrustRoot.of(signer.publicKeyset()))
                .cacheDirectory(work.resolve("cache"))
                .cacheMaxBytes(8L << 30)
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      for (ShardEntry shard : ds.shards()) {
        try (InputStream in = ds.openShard(shard.path())) { // verified chunk by chunk
          bytes += in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      }
    }
    return bytes;
  }
  // --- README example ends here ---
}
