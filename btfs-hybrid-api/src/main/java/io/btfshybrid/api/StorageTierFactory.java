package io.btfshybrid.api;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds tiers of one type from a {@link TierSpec}; found through {@link ServiceLoader}, by type
 * name or by the URI scheme of the locators the tier serves.
 */
public interface StorageTierFactory {
  /** The {@code type} used in configuration files, e.g. {@code file}, {@code s3}, {@code btfs}. */
  String type();

  /** The URI schemes of the locators this type of tier serves, e.g. {@code s3}. */
  Set<String> schemes();

  /**
   * The type-specific setting names {@link #create} reads (besides id, type, kind and region), so
   * that configuration checks can refuse a misspelt one; empty when the factory does not say.
   */
  default Set<String> settings() {
    return Set.of();
  }

  /** Builds a tier, naming the bad setting when the spec is incomplete or wrong. */
  StorageTier create(TierSpec spec) throws IOException;

  /** Every factory on the class path. */
  static List<StorageTierFactory> available() {
    return ServiceLoader.load(StorageTierFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .collect(Collectors.toList());
  }

  /** The factory for a configuration {@code type}, or an error listing the known types. */
  static StorageTierFactory forType(String type) {
    List<StorageTierFactory> all = available();
    return all.stream()
        .filter(f -> f.type().equalsIgnoreCase(type))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown tier type '"
                        + type
                        + "': known types are "
                        + all.stream().map(StorageTierFactory::type).sorted().toList()));
  }

  /** The factory serving locators with this URI scheme, if one is on the class path. */
  static Optional<StorageTierFactory> forScheme(String scheme) {
    return available().stream().filter(f -> f.schemes().contains(scheme)).findFirst();
  }
}
