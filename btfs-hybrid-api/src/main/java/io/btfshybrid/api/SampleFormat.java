package io.btfshybrid.api;

import java.util.Locale;

/** How a shard's bytes divide into samples (the manifest's optional {@code format} of a shard). */
public enum SampleFormat {
  /** The whole file is one sample. */
  RAW,
  /** A WebDataset-style tar: one sample per key, one field per member extension. */
  TAR,
  /** JSON lines: one sample per line, without its {@code \n}. */
  JSONL,
  /** Length-prefixed records: a 4-byte big-endian length, then that many bytes, repeated. */
  RECORDS;

  /** The manifest spelling: the lower-case name. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format spelled {@code id} in a manifest, or an error naming it. */
  public static SampleFormat fromId(String id) {
    for (SampleFormat f : values()) {
      if (f.id().equals(id)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown sample format '" + id + "'");
  }

  /** The default for a file name: {@code *.tar} tar, {@code *.jsonl} jsonl, anything else raw. */
  public static SampleFormat forPath(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".tar")) {
      return TAR;
    }
    if (lower.endsWith(".jsonl")) {
      return JSONL;
    }
    return RAW;
  }
}
