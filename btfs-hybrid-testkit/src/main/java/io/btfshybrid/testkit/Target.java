package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import java.net.URI;
import java.util.Optional;

/** Which objects a fault or counter applies to: one named by key or URI, or (null) every object. */
record Target(String keyOrUri) {
  static final Target EVERY_OBJECT = new Target(null);

  /** Returns {@code keyOrUri} when it names an object; otherwise throws. */
  static String named(String keyOrUri) {
    if (keyOrUri == null || keyOrUri.isEmpty()) {
      throw new IllegalArgumentException(
          "an object key or locator URI is needed, was '"
              + keyOrUri
              + "' (use the overload without one for every object)");
    }
    return keyOrUri;
  }

  boolean matches(Locator where, StorageTier tier) {
    if (keyOrUri == null) {
      return true;
    }
    URI uri = where.uri();
    if (uri.toString().equals(keyOrUri) || keyOrUri.equals(uri.getAuthority())) {
      return true;
    }
    return located(tier).filter(uri::equals).isPresent();
  }

  private Optional<URI> located(StorageTier tier) {
    try {
      return tier.locate(keyOrUri).map(Locator::uri);
    } catch (RuntimeException notAKey) {
      return Optional.empty();
    }
  }
}
