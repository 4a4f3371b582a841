package io.btfshybrid.s3;

import static com.google.common.base.Preconditions.checkArgument;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.TierChecks;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * How a tier's keys become S3 object keys and {@code s3://bucket/key} locators and back (the shape
 * of Iceberg's {@code S3URI}): the tier's prefix is prepended, keys are at most 1024 UTF-8 bytes,
 * and a locator of another tier or bucket is an object this tier does not hold.
 */
final class S3Keys {
  private final String tierId;
  private final String bucket;
  private final String prefix;

  S3Keys(String tierId, String bucket, String prefix) {
    this.tierId = tierId;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  String tierId() {
    return tierId;
  }

  /** The object key of the tier key {@code key}: the prefix, a slash, the key. */
  String fullKey(String key) {
    checkArgument(key != null && !key.isEmpty(), "key must not be empty, was '%s'", key);
    String full = withPrefix(key);
    checkArgument(
        full.getBytes(StandardCharsets.UTF_8).length <= 1024,
        "S3 keys are at most 1024 UTF-8 bytes, '%s' is longer",
        full);
    return full;
  }

  /** {@code keyPrefix} under this tier's prefix, for listings. */
  String withPrefix(String keyPrefix) {
    return prefix.isEmpty() ? keyPrefix : prefix + "/" + keyPrefix;
  }

  /** The locator of the object key {@code fullKey}. */
  Locator locatorFor(String fullKey) {
    try {
      return new Locator(tierId, new URI("s3", bucket, "/" + fullKey, null, null));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot form an s3:// URI for key '" + fullKey + "'", e);
    }
  }

  /**
   * The object key {@code where} names; a locator of another tier, or of another bucket, is {@link
   * ObjectNotFoundException}.
   */
  String keyOf(Locator where) throws ObjectNotFoundException {
    TierChecks.own(tierId, where);
    URI uri = where.uri();
    if (!"s3".equals(uri.getScheme()) || !bucket.equals(uri.getAuthority())) {
      throw new ObjectNotFoundException(
          where, "it is not an s3://" + bucket + "/… URI of tier '" + tierId + "'");
    }
    String path = uri.getPath();
    if (path == null || path.length() <= 1) {
      throw new ObjectNotFoundException(where, "it names no key in bucket " + bucket);
    }
    return path.substring(1);
  }
}
