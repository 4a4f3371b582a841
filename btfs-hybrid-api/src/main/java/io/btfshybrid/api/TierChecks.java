package io.btfshybrid.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The argument checks every {@link StorageTier} shares: tier ids, regions, read ranges and locators
 * that belong to another tier. One rule each, so every tier refuses the same bad input with the
 * same message.
 */
public final class TierChecks {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  private TierChecks() {}

  /**
   * Returns {@code id} when it is a valid tier id (a letter or digit, then up to 127 letters,
   * digits, {@code . _ + -}); otherwise throws naming the bad value.
   */
  public static String tierId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "tier id '"
              + id
              + "' is invalid: use 1 to 128 letters, digits, '.', '_', '+' or '-', starting with"
              + " a letter or digit");
    }
    return id;
  }

  /** Returns {@code kind} when it is set; otherwise throws naming the tier. */
  public static TierKind kind(String tierId, TierKind kind) {
    if (kind == null) {
      throw new IllegalArgumentException("tier '" + tierId + "' needs a kind");
    }
    return kind;
  }

  /**
   * Returns {@code region} (null allowed: no region) when it is a valid region name such as {@code
   * eu-west-1}; otherwise throws naming the bad value.
   */
  public static String region(String tierId, String region) {
    if (region != null && !REGION.matcher(region).matches()) {
      throw new IllegalArgumentException(
          "tier '"
              + tierId
              + "': region '"
              + region
              + "' is invalid: use lower-case letters, digits and '-' (e.g. eu-west-1)");
    }
    return region;
  }

  /**
   * Checks a read range as {@link StorageTier#read} takes it: {@code offset >= 0} and {@code length
   * >= -1} (-1: to the end).
   */
  public static void range(long offset, long length) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
    if (length < -1) {
      throw new IllegalArgumentException("length must be >= -1 (-1: to the end), was " + length);
    }
  }

  /**
   * The exclusive end of a range read from an object of {@code size} bytes: {@code length == -1} or
   * a range past the end read to the end, without overflowing.
   */
  public static long end(long offset, long length, long size) {
    range(offset, length);
    if (length < 0 || length > size - Math.min(offset, size)) {
      return size;
    }
    return offset + length;
  }

  /**
   * Checks that {@code where} names the tier {@code tierId}. A locator of another tier is not an
   * argument error but an object this tier does not hold: it throws {@link
   * ObjectNotFoundException}, so a reader moves on to the next source.
   */
  public static Locator own(String tierId, Locator where) throws ObjectNotFoundException {
    Objects.requireNonNull(where, "locator");
    if (!where.tierId().equals(tierId)) {
      throw new ObjectNotFoundException(
          where, "it names tier '" + where.tierId() + "', not tier '" + tierId + "'");
    }
    return where;
  }
}
