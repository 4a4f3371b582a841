package io.btfshybrid.testkit;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension giving each test a fresh temporary directory, file and in-memory tiers in it, a
 * signer with its trust root, and publisher/client builders already wired to them.
 *
 * <pre>{@code
 * @RegisterExtension final HybridStorageExtension storage = new HybridStorageExtension();
 * FileTier mirror = storage.fileTier("mirror", TierKind.REPLICA);
 * PublishResult r = storage.publisher(mirror).build().publish(storage.source(4, 1 << 20, 1).root(), "ds", "1");
 * try (DatasetClient client = storage.client(mirror).build()) { … }
 * }</pre>
 *
 * Also usable with {@code @ExtendWith}, taking the extension as a test method parameter.
 */
public final class HybridStorageExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final Logger LOG = LoggerFactory.getLogger(HybridStorageExtension.class);

  private Path root;
  private ManifestSigner signer;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    root = Files.createTempDirectory("btfs-hybrid-test-");
    signer = null;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Path done = root;
    root = null;
    if (done != null) {
      deleteRecursively(done);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == HybridStorageExtension.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return this;
  }

  /** This test's temporary directory (deleted after the test). */
  public Path root() {
    if (root == null) {
      throw new IllegalStateException("HybridStorageExtension is used outside a test method");
    }
    return root;
  }

  /** A directory {@code name} under the test's temporary directory, created if needed. */
  public Path directory(String name) {
    try {
      return Files.createDirectories(root().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create test directory '" + name + "'", e);
    }
  }

  /** A FileTier rooted in {@code tiers/<id>} of the temporary directory. */
  public FileTier fileTier(String id, TierKind kind) {
    return FileTier.builder().id(id).kind(kind).root(directory("tiers/" + id)).build();
  }

  /** An empty in-memory tier. */
  public InMemoryTier memoryTier(String id, TierKind kind) {
    return InMemoryTier.of(id, kind);
  }

  /** The test's signing key, generated on first use. */
  public synchronized ManifestSigner signer() {
    if (signer == null) {
      signer = ManifestSigner.generate();
    }
    return signer;
  }

  /** A trust root accepting {@link #signer()}. */
  public TrustRoot trust() {
    return TrustRoot.of(signer().publicKeyset());
  }

  /** A publisher builder signing with {@link #signer()} and writing to {@code tiers}. */
  public DatasetPublisher.Builder publisher(StorageTier... tiers) {
    return DatasetPublisher.builder().signer(signer()).tiers(List.of(tiers));
  }

  /** A client builder trusting {@link #signer()} and reading from {@code tiers} (in that order). */
  public DatasetClient.Builder client(StorageTier... tiers) {
    return DatasetClient.builder().trust(trust()).tiers(List.of(tiers));
  }

  /** A directory for a client's disk cache. */
  public Path cacheDirectory() {
    return directory("cache");
  }

  /** A deterministic source directory of {@code shards} files, {@code totalBytes} together. */
  public TestDatasets.SourceTree source(int shards, long totalBytes, long seed) throws IOException {
    return TestDatasets.write(
        directory("sources/" + seed + "-" + shards + "-" + totalBytes), shards, totalBytes, seed);
  }

  private static void deleteRecursively(Path dir) {
    try {
      MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
    } catch (IOException e) {
      LOG.warn("cannot clean up {}: {}", dir, e.toString());
    }
  }
}
