package io.btfshybrid.api;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a shard was stored at publication: a hint, never trusted. Tiers are matched to hints by id
 * and kind; bytes from any tier are accepted only when they match the manifest's hashes.
 */
public record LocationHint(String tierId, TierKind kind, Optional<String> region, URI uri) {
  /** Validates the parts. */
  public LocationHint {
    Objects.requireNonNull(tierId, "tierId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(uri, "uri");
  }

  /** The locator this hint names. */
  public Locator locator() {
    return new Locator(tierId, uri);
  }
}
