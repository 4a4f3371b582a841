package io.btfshybrid.s3;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.ObjectInfo;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Element;

/** Lists objects with {@code ListObjectsV2}, page by page, each page read with a size bound. */
final class S3Lister {
  static final long MAX_PAGE_BYTES = 16 * S3TierSettings.MIB;

  /** The most objects one listing may return; a bucket holding more is refused, not exhausted. */
  static final int MAX_OBJECTS = 1_000_000;

  /** The most pages one listing may take (empty truncated pages included). */
  static final int MAX_PAGES = 100_000;

  private final S3Http http;
  private final S3Keys keys;
  private final int pageSize;

  S3Lister(S3Http http, S3Keys keys, int pageSize) {
    this.http = http;
    this.keys = keys;
    this.pageSize = pageSize;
  }

  /** Every object whose key starts with {@code fullPrefix}, in key order. */
  List<ObjectInfo> list(String fullPrefix) throws IOException {
    List<ObjectInfo> objects = new ArrayList<>();
    Optional<String> token = Optional.empty();
    int pages = 0;
    do {
      if (++pages > MAX_PAGES) {
        throw refused(fullPrefix, "takes more than " + MAX_PAGES + " pages");
      }
      S3Request request =
          S3Request.of("GET", null)
              .withQuery("list-type", "2")
              .withQuery("prefix", fullPrefix)
              .withQuery("max-keys", Integer.toString(pageSize));
      if (token.isPresent()) {
        request = request.withQuery("continuation-token", token.get());
      }
      Element page =
          http.call(request, response -> S3Xml.parse(response.readBounded(MAX_PAGE_BYTES)));
      for (Element contents : S3Xml.children(page, "Contents")) {
        if (objects.size() >= MAX_OBJECTS) {
          throw refused(fullPrefix, "holds more than " + MAX_OBJECTS + " objects");
        }
        objects.add(toObjectInfo(contents, fullPrefix));
      }
      boolean truncated =
          S3Xml.childText(page, "IsTruncated").map(Boolean::parseBoolean).orElse(false);
      Optional<String> next =
          truncated ? S3Xml.childText(page, "NextContinuationToken") : Optional.empty();
      if (truncated && (next.isEmpty() || next.get().isEmpty())) {
        throw refused(fullPrefix, "is truncated but carries no NextContinuationToken");
      }
      if (next.isPresent() && next.equals(token)) {
        throw refused(fullPrefix, "repeats the continuation token '" + next.get() + "'");
      }
      token = next;
    } while (token.isPresent());
    return objects;
  }

  private HybridStorageException refused(String fullPrefix, String why) {
    return new HybridStorageException(
        "S3 listing of " + http.addressing().describe(fullPrefix) + " " + why);
  }

  private ObjectInfo toObjectInfo(Element contents, String fullPrefix) throws IOException {
    String key =
        S3Xml.childText(contents, "Key")
            .orElseThrow(() -> refused(fullPrefix, "has an entry without a Key"));
    if (!key.startsWith(fullPrefix)) {
      throw refused(fullPrefix, "names key '" + key + "', outside the prefix");
    }
    String sizeText = S3Xml.childText(contents, "Size").map(String::strip).orElse("0");
    long size;
    try {
      size = Long.parseLong(sizeText);
    } catch (NumberFormatException e) {
      size = -1;
    }
    if (size < 0) {
      throw refused(fullPrefix, "gives key '" + key + "' the size '" + sizeText + "'");
    }
    Optional<Instant> modified =
        S3Xml.childText(contents, "LastModified").flatMap(S3Lister::parseIsoInstant);
    try {
      return new ObjectInfo(keys.locatorFor(key), size, modified);
    } catch (IllegalArgumentException e) {
      throw refused(fullPrefix, "names key '" + key + "', which forms no locator");
    }
  }

  private static Optional<Instant> parseIsoInstant(String value) {
    try {
      return Optional.of(Instant.parse(value.strip()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
