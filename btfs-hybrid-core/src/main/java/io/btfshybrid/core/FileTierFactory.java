package io.btfshybrid.core;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierSpec;
import java.nio.file.Path;
import java.util.Set;

/** Builds {@link FileTier}s from configuration: {@code type: file} with a {@code root}. */
public final class FileTierFactory implements StorageTierFactory {
  /** {@code file}. */
  @Override
  public String type() {
    return "file";
  }

  /** {@code file:} URIs. */
  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  /** A FileTier from the spec's id, kind, region and {@code root}. */
  /** {@code root}: the directory the tier stores under. */
  @Override
  public Set<String> settings() {
    return Set.of("root");
  }

  @Override
  public StorageTier create(TierSpec spec) {
    FileTier.Builder b =
        FileTier.builder().id(spec.id()).kind(spec.kind()).root(Path.of(spec.require("root")));
    spec.region().ifPresent(b::region);
    return b.build();
  }
}
