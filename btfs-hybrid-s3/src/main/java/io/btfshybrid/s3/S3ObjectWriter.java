package io.btfshybrid.s3;

import com.google.common.io.ByteStreams;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.ObjectNotFoundException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Stores objects: one {@code PUT} below the multipart threshold, a multipart upload above it, and
 * conditional creation ({@link #writeNew}) with {@code If-None-Match: *}; also removes objects and
 * creates the bucket.
 *
 * <p>Conditional creation, step by step: a {@code HEAD} first (an existing key fails at once, also
 * on servers that ignore the condition); then the {@code PUT} (or the multipart completion) with
 * {@code If-None-Match: *}, where 412 means another writer won; then a {@code HEAD} comparing size
 * and ETag with what this writer stored, which catches a lost race on servers that ignore the
 * condition. The limit of that fallback: on such a server, a writer whose check runs before a
 * concurrent writer's later {@code PUT} lands cannot see that race, so both may report success
 * while the later bytes stay. Servers that honour {@code If-None-Match} (AWS S3 since 2024) have no
 * such window.
 */
final class S3ObjectWriter {
  private final S3Http http;
  private final S3Keys keys;
  private final S3ObjectReader reader;
  private final MultipartUploader uploader;
  private final long multipartThreshold;

  S3ObjectWriter(
      S3Http http,
      S3Keys keys,
      S3ObjectReader reader,
      MultipartUploader uploader,
      long multipartThreshold) {
    this.http = http;
    this.keys = keys;
    this.reader = reader;
    this.uploader = uploader;
    this.multipartThreshold = multipartThreshold;
  }

  /** Stores {@code size} bytes under {@code key}, replacing what was there. */
  Locator write(String key, InputStream bytes, long size) throws IOException {
    String fullKey = checkedKey(key, bytes, size);
    put(fullKey, bytes, size, false);
    return keys.locatorFor(fullKey);
  }

  /** Stores {@code size} bytes under {@code key} only when the key is free. */
  Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    String fullKey = checkedKey(key, bytes, size);
    Locator at = keys.locatorFor(fullKey);
    if (reader.head(fullKey).isPresent()) {
      throw new ObjectExistsException(at);
    }
    Optional<String> etag;
    try {
      etag = put(fullKey, bytes, size, true);
    } catch (S3ServiceException e) {
      if (isConditionFailure(e)) {
        throw exists(at, e);
      }
      throw e;
    }
    S3ObjectReader.Head stored =
        reader
            .head(fullKey)
            .orElseThrow(
                () ->
                    new HybridStorageException(
                        "S3 object "
                            + http.describe(fullKey)
                            + " vanished right after it was created"));
    boolean sameEtag =
        etag.isEmpty()
            || stored.etag().isEmpty()
            || normalized(etag.get()).equals(normalized(stored.etag().get()));
    if (stored.size() != size || !sameEtag) {
      // the server ignored If-None-Match and a concurrent writer's object replaced ours
      throw new ObjectExistsException(at);
    }
    return at;
  }

  /** Whether S3 refused a conditional write because the key is (being) taken. */
  static boolean isConditionFailure(S3ServiceException e) {
    return e.statusCode() == 412
        || e.errorCode().filter(code -> code.equals("PreconditionFailed")).isPresent()
        || (e.statusCode() == 409
            && e.errorCode().filter(code -> code.equals("ConditionalRequestConflict")).isPresent());
  }

  private Optional<String> put(String fullKey, InputStream bytes, long size, boolean createOnly)
      throws IOException {
    if (size >= multipartThreshold) {
      return uploader.upload(fullKey, bytes, size, createOnly);
    }
    byte[] body = new byte[(int) size];
    try {
      ByteStreams.readFully(bytes, body);
    } catch (EOFException early) {
      throw new HybridStorageException(
          "the stream for s3 key '" + fullKey + "' ended before " + size + " bytes", early);
    }
    S3Request put = S3Request.of("PUT", fullKey).withBody(body, 0, body.length, true);
    return http.call(
        createOnly ? put.withHeader("If-None-Match", "*") : put,
        response -> response.header("ETag"));
  }

  private String checkedKey(String key, InputStream bytes, long size) {
    Objects.requireNonNull(bytes, "bytes");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
    return keys.fullKey(key);
  }

  private static ObjectExistsException exists(Locator at, S3ServiceException cause) {
    ObjectExistsException exists = new ObjectExistsException(at);
    exists.initCause(cause);
    return exists;
  }

  private static String normalized(String etag) {
    String e = etag.strip();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    return e.replace("\"", "");
  }

  /** Removes the object at {@code where}; a foreign locator or a missing object is no error. */
  void delete(Locator where) throws IOException {
    String key;
    try {
      key = keys.keyOf(where);
    } catch (ObjectNotFoundException foreign) {
      return; // not an object of this tier: nothing of ours to remove
    }
    try {
      http.call(S3Request.of("DELETE", key), response -> null);
    } catch (S3ServiceException e) {
      if (e.statusCode() != 404) {
        throw e;
      }
    }
  }

  /** Creates the bucket in {@code region}; a bucket that already exists and is ours is fine. */
  void createBucket(String region) throws IOException {
    S3Request put = S3Request.of("PUT", null);
    if (!region.equals("us-east-1")) {
      byte[] body =
          ("<CreateBucketConfiguration><LocationConstraint>"
                  + region
                  + "</LocationConstraint></CreateBucketConfiguration>")
              .getBytes(StandardCharsets.UTF_8);
      put = put.withBody(body, 0, body.length, true);
    }
    try {
      http.call(put, response -> null);
    } catch (S3ServiceException e) {
      if (e.statusCode() != 409 || !e.errorCode().orElse("").equals("BucketAlreadyOwnedByYou")) {
        throw e;
      }
    }
  }
}
