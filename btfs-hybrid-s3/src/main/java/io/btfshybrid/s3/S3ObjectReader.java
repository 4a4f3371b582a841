package io.btfshybrid.s3;

import com.google.common.io.ByteStreams;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.TierChecks;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Reads objects (the shape of Iceberg's {@code S3InputStream}): one ranged GET for small reads; for
 * large ones the first segment streams while the rest is fetched as parallel ranged parts pinned to
 * the first answer's ETag, sized and counted by the tier's {@link ReadTuning} within its {@link
 * PartBudget}. Also answers {@code HEAD} ({@link #stat}).
 */
final class S3ObjectReader {
  private final S3Http http;
  private final S3Keys keys;
  private final Executor transfers;
  private final long parallelReadThreshold;
  private final ReadTuning tuning;
  private final PartBudget budget;

  S3ObjectReader(
      S3Http http,
      S3Keys keys,
      Executor transfers,
      long parallelReadThreshold,
      ReadTuning tuning,
      PartBudget budget) {
    this.http = http;
    this.keys = keys;
    this.transfers = transfers;
    this.parallelReadThreshold = parallelReadThreshold;
    this.tuning = tuning;
    this.budget = budget;
  }

  InputStream read(Locator where, long offset, long length) throws IOException {
    TierChecks.range(offset, length);
    String key = keys.keyOf(where);
    // a range past the end (up to Long.MAX_VALUE) reads to the end, without overflowing
    long wanted = length >= 0 && length <= Long.MAX_VALUE - offset ? length : -1;
    if (wanted == 0) {
      if (stat(where).isEmpty()) {
        throw new ObjectNotFoundException(where);
      }
      return InputStream.nullInputStream();
    }
    long firstSpan =
        wanted >= 0 && wanted <= parallelReadThreshold ? wanted : parallelReadThreshold;
    S3Request get = S3Request.of("GET", key).withHeader("Range", range(offset, firstSpan));
    S3Response response;
    try {
      response = http.open(get);
    } catch (S3ServiceException e) {
      if (e.statusCode() == 404) {
        throw notFound(where, e);
      }
      if (e.statusCode() == 416) {
        return readPastEnd(where, offset);
      }
      throw e;
    }
    try {
      return response.status() == 206
          ? partialContent(response, key, offset, wanted)
          : wholeObjectSkipping(response, key, offset, wanted);
    } catch (IOException | RuntimeException e) {
      response.abort();
      throw e;
    }
  }

  private InputStream partialContent(S3Response response, String key, long offset, long length)
      throws IOException {
    String target = http.addressing().describe(key);
    ContentRange range =
        response
            .header("Content-Range")
            .flatMap(ContentRange::parse)
            .orElseThrow(
                () ->
                    new HybridStorageException(
                        "S3 answered a range read of "
                            + target
                            + " without a usable Content-Range"));
    if (range.first() != offset) {
      throw wrongRange(target, offset, range.first());
    }
    long segmentEnd = range.last() + 1;
    long wantedEnd = length >= 0 ? offset + length : Long.MAX_VALUE;
    long end = Math.min(wantedEnd, range.total().orElse(segmentEnd));
    if (end <= segmentEnd) {
      // Everything wanted is in this answer (which may hold more than we asked for).
      return new ResponseBodyStream(
          response, response.content(), end - offset, target, offset, segmentEnd > end);
    }
    InputStream first =
        new ResponseBodyStream(
            response, response.content(), segmentEnd - offset, target, offset, false);
    Optional<String> etag = response.header("ETag");
    return new ParallelRangedReader(
        first,
        segmentEnd,
        end,
        tuning.probe(),
        budget,
        (partOffset, part) -> fetchPart(key, etag, partOffset, part),
        transfers,
        target);
  }

  /** The server ignored the Range header and sent the whole object: skip to the offset. */
  private InputStream wholeObjectSkipping(S3Response response, String key, long offset, long length)
      throws IOException {
    String target = http.addressing().describe(key);
    long contentLength = response.header("Content-Length").map(Long::parseLong).orElse(-1L);
    InputStream content = response.content();
    try {
      ByteStreams.skipFully(content, offset);
    } catch (EOFException shorter) {
      throw new HybridStorageException(
          "offset " + offset + " is beyond the end of " + target, shorter);
    }
    if (contentLength < 0) {
      // No length announced: the end of the body is the end of the object.
      InputStream rest = length >= 0 ? ByteStreams.limit(content, length) : content;
      return new ResponseBodyStream(response, rest, -1, target, offset, length >= 0);
    }
    long available = contentLength - offset;
    long expected = length >= 0 ? Math.min(length, available) : available;
    return new ResponseBodyStream(
        response, content, expected, target, offset, expected < available);
  }

  private InputStream readPastEnd(Locator where, long offset) throws IOException {
    ObjectInfo info = stat(where).orElseThrow(() -> new ObjectNotFoundException(where));
    if (offset == info.size()) {
      return InputStream.nullInputStream();
    }
    throw new HybridStorageException(
        "offset " + offset + " is beyond the end of " + where + " (" + info.size() + " bytes)");
  }

  /** Fills {@code part} from {@code partOffset}; a retry resumes after the bytes already there. */
  private void fetchPart(String key, Optional<String> etag, long partOffset, PartBuffer part)
      throws IOException {
    String target = http.addressing().describe(key);
    long partEnd = partOffset + part.length();
    http.call(
        () -> {
          if (part.isCancelled()) { // the reader closed the stream: no new request
            throw new UncheckedIOException(
                new InterruptedIOException("the reader closed the stream"));
          }
          long from = partOffset + part.filled();
          S3Request get = S3Request.of("GET", key).withHeader("Range", range(from, partEnd - from));
          return etag.isPresent() ? get.withHeader("If-Match", etag.get()) : get;
        },
        response -> {
          long from = partOffset + part.filled();
          InputStream content = response.content();
          if (response.status() == 206) {
            long first =
                response
                    .header("Content-Range")
                    .flatMap(ContentRange::parse)
                    .map(ContentRange::first)
                    .orElse(-1L);
            if (first != from) {
              throw wrongRange(target, from, first);
            }
          } else {
            ByteStreams.skipFully(content, from);
          }
          part.onCancel(response::abort); // a close by the reader drops the connection at once
          try {
            part.fillFrom(content);
          } catch (InterruptedIOException closedByReader) {
            response.abort();
            throw closedByReader;
          } catch (EOFException early) {
            throw new EOFException(
                "S3 read of " + target + " ended before the end of the part at " + partEnd);
          } finally {
            part.onCancel(null);
          }
          if (response.status() != 206) {
            response.abort();
          }
          return null;
        });
  }

  /** What a {@code HEAD} says about an object. */
  record Head(long size, Optional<String> etag, Optional<Instant> modified) {}

  /** Size and modification time of the object, or empty when there is none (or it is foreign). */
  Optional<ObjectInfo> stat(Locator where) throws IOException {
    String key;
    try {
      key = keys.keyOf(where);
    } catch (ObjectNotFoundException foreign) {
      return Optional.empty();
    }
    return head(key).map(head -> new ObjectInfo(where, head.size(), head.modified()));
  }

  /** Size, ETag and modification time of the object {@code key}, or empty when there is none. */
  Optional<Head> head(String key) throws IOException {
    try {
      return http.call(
          S3Request.of("HEAD", key),
          response -> {
            long size =
                response
                    .header("Content-Length")
                    .map(Long::parseLong)
                    .orElseThrow(
                        () ->
                            new HybridStorageException(
                                "S3 HEAD of "
                                    + http.describe(key)
                                    + " returned no Content-Length"));
            Optional<Instant> modified =
                response.header("Last-Modified").flatMap(S3ObjectReader::parseHttpDate);
            return Optional.of(new Head(size, response.header("ETag"), modified));
          });
    } catch (S3ServiceException e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static HybridStorageException wrongRange(String target, long wanted, long got) {
    return new HybridStorageException(
        "S3 answered a range read of "
            + target
            + " from offset "
            + wanted
            + " with bytes from "
            + got);
  }

  private static ObjectNotFoundException notFound(Locator where, S3ServiceException cause) {
    ObjectNotFoundException notFound = new ObjectNotFoundException(where, cause.getMessage());
    notFound.initCause(cause);
    return notFound;
  }

  static String range(long offset, long length) {
    return "bytes=" + offset + "-" + (offset + length - 1);
  }

  private static Optional<Instant> parseHttpDate(String value) {
    try {
      return Optional.of(
          ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
