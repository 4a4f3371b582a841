package io.btfshybrid.s3;

import java.util.Optional;

/** A {@code Content-Range: bytes first-last/total} header; total is empty for {@code *}. */
record ContentRange(long first, long last, Optional<Long> total) {
  /** The header's range, or empty when it is not a byte range this reader understands. */
  static Optional<ContentRange> parse(String header) {
    String value = header.strip();
    if (!value.startsWith("bytes ")) {
      return Optional.empty();
    }
    int dash = value.indexOf('-');
    int slash = value.indexOf('/');
    if (dash < 0 || slash < dash) {
      return Optional.empty();
    }
    try {
      long first = Long.parseLong(value.substring(6, dash).strip());
      long last = Long.parseLong(value.substring(dash + 1, slash).strip());
      String total = value.substring(slash + 1).strip();
      return Optional.of(
          new ContentRange(
              first,
              last,
              total.equals("*") ? Optional.empty() : Optional.of(Long.parseLong(total))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
