package io.btfshybrid.api;

/** The class of a storage tier; the declaration order is the default fallback order. */
public enum TierKind {
  /** A nearby copy: an on-prem mirror or a replica in the caller's region. */
  REPLICA,
  /** Cloud object storage reached over the S3 API. */
  CLOUD,
  /** The BitTorrent File System: content-addressed, decentralized, untrusted nodes. */
  BTFS;

  /** Parses a kind case-insensitively, naming the bad value when it is not one. */
  public static TierKind parse(String value) {
    if (value != null) {
      for (TierKind kind : values()) {
        if (kind.name().equalsIgnoreCase(value.trim())) {
          return kind;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown tier kind '" + value + "': expected one of replica, cloud, btfs");
  }
}
