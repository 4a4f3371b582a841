package io.btfshybrid.api;

import java.net.URI;
import java.util.Objects;

/**
 * Where one stored object lives: the id of the tier holding it and a tier-specific URI ({@code
 * file:…}, {@code s3://bucket/key}, {@code btfs://<cid>}).
 */
public record Locator(String tierId, URI uri) {
  /** Validates the parts. */
  public Locator {
    Objects.requireNonNull(tierId, "tierId");
    Objects.requireNonNull(uri, "uri");
  }

  @Override
  public String toString() {
    return tierId + ":" + uri;
  }
}
