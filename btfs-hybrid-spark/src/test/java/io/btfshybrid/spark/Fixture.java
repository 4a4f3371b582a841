package io.btfshybrid.spark;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Releases published into directory tiers, and the client configuration that reads them. */
final class Fixture {
  final Path root;
  final Path trust;
  private final ManifestSigner signer = ManifestSigner.generate();

  Fixture(Path root) throws IOException {
    this.root = root;
    this.trust = root.resolve("trust.json");
    trustRoot(signer).save(trust);
  }

  /**
   * {@code TrustRoot.of(signer.publicKeyset())} by reflection: in the shaded jar the keyset type is
   * relocated Tink, which test code compiled against plain Tink cannot name.
   */
  static TrustRoot trustRoot(ManifestSigner signer) throws IOException {
    try {
      Object keyset = ManifestSigner.class.getMethod("publicKeyset").invoke(signer);
      for (java.lang.reflect.Method m : TrustRoot.class.getMethods()) {
        if (m.getName().equals("of") && m.getParameterCount() == 1) {
          Object array =
              java.lang.reflect.Array.newInstance(m.getParameterTypes()[0].getComponentType(), 1);
          java.lang.reflect.Array.set(array, 0, keyset);
          return (TrustRoot) m.invoke(null, array);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IOException(e);
    }
    throw new IOException("no TrustRoot.of(KeysetHandle...)");
  }

  /** Random bytes, the same for the same seed. */
  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes {@code files} (relative path to bytes) under a new source directory. */
  Path source(String name, Map<String, byte[]> files) throws IOException {
    Path dir = root.resolve("src-" + name);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, f.getValue());
    }
    return dir;
  }

  /** The roots of two directory tiers, a replica and a cloud copy, for {@code name}. */
  List<Path> tiers(String name) {
    return List.of(
        root.resolve("tiers-" + name + "/mirror"), root.resolve("tiers-" + name + "/cloud"));
  }

  /** Publishes {@code source} as {@code dataset@version} onto both tiers of {@code name}. */
  PublishResult publish(String name, Path source, String dataset, String version)
      throws IOException {
    List<StorageTier> tiers = new ArrayList<>();
    List<Path> roots = tiers(name);
    tiers.add(FileTier.builder().id("mirror").kind(TierKind.REPLICA).root(roots.get(0)).build());
    tiers.add(FileTier.builder().id("cloud").kind(TierKind.CLOUD).root(roots.get(1)).build());
    return DatasetPublisher.builder()
        .tiers(tiers)
        .signer(signer)
        .build()
        .publish(source, dataset, version);
  }

  /** A client configuration over the tiers of {@code name}, of tier type {@code type}. */
  String yaml(String name, String type) {
    List<Path> roots = tiers(name);
    return "tiers:\n"
        + "  - {id: mirror, type: "
        + type
        + ", kind: replica, root: '"
        + roots.get(0)
        + "'}\n"
        + "  - {id: cloud, type: "
        + type
        + ", kind: cloud, root: '"
        + roots.get(1)
        + "'}\n"
        + "trust: '"
        + trust
        + "'\n";
  }

  /** Writes {@link #yaml} to a file and returns its path. */
  Path configFile(String name, String type) throws IOException {
    Path f = root.resolve(name + ".yaml");
    Files.writeString(f, yaml(name, type));
    return f;
  }
}
