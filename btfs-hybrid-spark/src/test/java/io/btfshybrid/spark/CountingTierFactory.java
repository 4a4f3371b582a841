package io.btfshybrid.spark;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierSpec;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.testkit.FaultInjectingTier;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tier type {@code counting}: a {@link FileTier} under {@code root} wrapped in a {@link
 * FaultInjectingTier} that counts reads, registered by root so a test can read the counts of the
 * tiers Spark's executors built (local mode: executors share the test's JVM).
 */
public final class CountingTierFactory implements StorageTierFactory {
  static final Map<Path, FaultInjectingTier> BUILT = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return "counting";
  }

  @Override
  public Set<String> schemes() {
    return Set.of();
  }

  @Override
  public Set<String> settings() {
    return Set.of("root");
  }

  @Override
  public StorageTier create(TierSpec spec) {
    FaultInjectingTier t =
        FaultInjectingTier.wrap(
            FileTier.builder()
                .id(spec.id())
                .kind(spec.kind())
                .root(Path.of(spec.require("root")))
                .build());
    BUILT.put(Path.of(spec.require("root")), t);
    return t;
  }
}
