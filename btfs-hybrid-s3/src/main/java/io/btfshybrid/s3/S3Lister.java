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
    do {
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
        objects.add(toObjectInfo(contents));
      }
      boolean truncated =
          S3Xml.childText(page, "IsTruncated").map(Boolean::parseBoolean).orElse(false);
      token = truncated ? S3Xml.childText(page, "NextContinuationToken") : Optional.empty();
      if (truncated && token.isEmpty()) {
        throw new HybridStorageException(
            "S3 listing of "
                + http.addressing().describe(fullPrefix)
                + " is truncated but carries no NextContinuationToken");
      }
    } while (token.isPresent());
    return objects;
  }

  private ObjectInfo toObjectInfo(Element contents) throws IOException {
    String key =
        S3Xml.childText(contents, "Key")
            .orElseThrow(() -> new HybridStorageException("S3 listing entry without a Key"));
    long size =
        S3Xml.childText(contents, "Size").map(String::strip).map(Long::parseLong).orElse(0L);
    Optional<Instant> modified =
        S3Xml.childText(contents, "LastModified").flatMap(S3Lister::parseIsoInstant);
    return new ObjectInfo(keys.locatorFor(key), size, modified);
  }

  private static Optional<Instant> parseIsoInstant(String value) {
    try {
      return Optional.of(Instant.parse(value.strip()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
