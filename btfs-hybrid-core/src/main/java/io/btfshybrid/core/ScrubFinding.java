package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One copy checked by a scrub: the object ({@code shard <path>}, {@code index <path>}, {@code
 * manifest r<n>} or {@code latest pointer}), the tier, what was found, the first chunk that did not
 * match (CORRUPT only), whether a pinning tier (BTFS) holds it pinned, the stored bytes verified,
 * and a one-line detail.
 *
 * @param object which object of the release
 * @param tierId the tier the copy is on
 * @param status what was found
 * @param firstBadChunk the index of the first chunk that did not match, for CORRUPT
 * @param pinned on a pinning tier (BTFS): whether the copy is pinned; empty elsewhere
 * @param bytes stored bytes read and verified
 * @param detail what was wrong, or where the copy is
 */
public record ScrubFinding(
    String object,
    String tierId,
    CopyStatus status,
    OptionalInt firstBadChunk,
    Optional<Boolean> pinned,
    long bytes,
    String detail) {
  /** Validates the parts: only a CORRUPT copy has a first bad chunk. */
  public ScrubFinding {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(tierId, "tierId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(firstBadChunk, "firstBadChunk");
    Objects.requireNonNull(pinned, "pinned");
    Objects.requireNonNull(detail, "detail");
    Preconditions.checkArgument(
        firstBadChunk.isEmpty() || status == CopyStatus.CORRUPT,
        "a %s copy has no bad chunk, got %s",
        status,
        firstBadChunk);
  }

  /**
   * Whether this copy counts as a durable good copy: OK, and pinned where the tier pins (an
   * unpinned BTFS copy disappears at the node's next garbage collection).
   */
  public boolean durable() {
    return status == CopyStatus.OK && !pinned.equals(Optional.of(false));
  }

  /** Whether the copy is damaged: missing, corrupt, or OK but unpinned on a pinning tier. */
  public boolean damaged() {
    return status == CopyStatus.MISSING
        || status == CopyStatus.CORRUPT
        || (status == CopyStatus.OK && !durable());
  }
}
