package io.btfshybrid.s3;

import com.google.common.base.Throwables;
import com.google.common.io.ByteStreams;
import com.google.common.xml.XmlEscapers;
import io.btfshybrid.api.HybridStorageException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * Uploads one object as an S3 multipart upload: reads the caller's stream part by part, uploads
 * parts in parallel on a bounded pool with at most {@code maxBufferedParts} parts in memory, and
 * aborts the upload on any failure so that no orphan upload is left behind.
 */
final class MultipartUploader {
  private static final Logger LOG = LoggerFactory.getLogger(MultipartUploader.class);
  static final int MAX_PARTS = 10_000;
  private static final long MAX_XML_BYTES = 1 << 20;

  private final S3Http http;
  private final ExecutorService executor;
  private final long partSize;
  private final int maxBufferedParts;

  MultipartUploader(S3Http http, ExecutorService executor, long partSize, int maxBufferedParts) {
    this.http = http;
    this.executor = executor;
    this.partSize = partSize;
    this.maxBufferedParts = maxBufferedParts;
  }

  /** The part size used for an object of {@code size} bytes: S3 allows at most 10,000 parts. */
  long partSizeFor(long size) {
    long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
    return Math.max(partSize, needed);
  }

  /**
   * Uploads {@code size} bytes of {@code bytes} as {@code key} and returns the new object's ETag
   * when S3 names it; with {@code createOnly} the completion carries {@code If-None-Match: *}, so
   * that S3 refuses it (412) when the key exists.
   */
  Optional<String> upload(String key, InputStream bytes, long size, boolean createOnly)
      throws IOException {
    long effectivePartSize = partSizeFor(size);
    if (effectivePartSize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "object of " + size + " bytes needs parts of " + effectivePartSize + " bytes: too large");
    }
    String uploadId = initiate(key);
    List<Future<String>> parts = new ArrayList<>();
    Semaphore buffered = new Semaphore(maxBufferedParts);
    try {
      long offset = 0;
      for (int partNumber = 1; offset < size; partNumber++) {
        int length = (int) Math.min(effectivePartSize, size - offset);
        acquire(buffered, key);
        failFastIfAnyPartFailed(parts, key);
        byte[] part = new byte[length];
        try {
          ByteStreams.readFully(bytes, part);
        } catch (EOFException early) {
          buffered.release();
          throw new HybridStorageException(
              "the stream for s3 key '" + key + "' ended before " + size + " bytes", early);
        }
        int number = partNumber;
        parts.add(
            executor.submit(
                () -> {
                  try {
                    return uploadPart(key, uploadId, number, part);
                  } finally {
                    buffered.release();
                  }
                }));
        offset += length;
      }
      List<String> etags = new ArrayList<>(parts.size());
      for (Future<String> part : parts) {
        etags.add(await(part, key));
      }
      return complete(key, uploadId, etags, createOnly);
    } catch (IOException | RuntimeException | Error failure) {
      parts.forEach(part -> part.cancel(true));
      abort(key, uploadId, failure);
      throw failure;
    }
  }

  private String initiate(String key) throws IOException {
    return http.call(
        S3Request.of("POST", key).withQuery("uploads", ""),
        response -> {
          Element root = S3Xml.parse(response.readBounded(MAX_XML_BYTES));
          return S3Xml.childText(root, "UploadId")
              .filter(id -> !id.isBlank())
              .orElseThrow(
                  () ->
                      new HybridStorageException(
                          "S3 did not return an UploadId for s3 key '" + key + "'"));
        });
  }

  private String uploadPart(String key, String uploadId, int partNumber, byte[] part)
      throws IOException {
    S3Request request =
        S3Request.of("PUT", key)
            .withQuery("partNumber", Integer.toString(partNumber))
            .withQuery("uploadId", uploadId)
            .withBody(part, 0, part.length, false);
    return http.call(
        request,
        response ->
            response
                .header("ETag")
                .orElseThrow(
                    () ->
                        new HybridStorageException(
                            "S3 returned no ETag for part "
                                + partNumber
                                + " of s3 key '"
                                + key
                                + "'")));
  }

  /** Completes the upload; the ETag of the new object, when the answer names it. */
  private Optional<String> complete(
      String key, String uploadId, List<String> etags, boolean createOnly) throws IOException {
    StringBuilder xml = new StringBuilder("<CompleteMultipartUpload>");
    for (int i = 0; i < etags.size(); i++) {
      xml.append("<Part><PartNumber>")
          .append(i + 1)
          .append("</PartNumber><ETag>")
          .append(XmlEscapers.xmlContentEscaper().escape(etags.get(i)))
          .append("</ETag></Part>");
    }
    xml.append("</CompleteMultipartUpload>");
    byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
    S3Request request =
        S3Request.of("POST", key)
            .withQuery("uploadId", uploadId)
            .withBody(body, 0, body.length, true);
    S3Request completion = createOnly ? request.withHeader("If-None-Match", "*") : request;
    return http.call(
        completion,
        response -> {
          // S3 may answer 200 and still report an error in the body.
          byte[] answer = response.readBounded(MAX_XML_BYTES);
          if (S3ErrorParser.parse(answer).isPresent()) {
            throw http.error(
                "POST",
                http.addressing().describe(key),
                response.status(),
                answer,
                response.header("x-amz-request-id"),
                Optional.empty());
          }
          return etagOf(answer);
        });
  }

  private static Optional<String> etagOf(byte[] completeAnswer) {
    try {
      return S3Xml.childText(S3Xml.parse(completeAnswer), "ETag");
    } catch (IOException notXml) {
      return Optional.empty(); // the upload completed; its answer only lacks the ETag
    }
  }

  /**
   * Aborts the upload, also when the uploading thread was interrupted (Ctrl-C): the abort request
   * runs with the interrupt flag cleared, which is set again afterwards, so no orphan upload stays.
   */
  private void abort(String key, String uploadId, Throwable cause) {
    boolean interrupted = Thread.interrupted();
    try {
      http.call(S3Request.of("DELETE", key).withQuery("uploadId", uploadId), response -> null);
      LOG.debug("aborted multipart upload {} of {}", uploadId, key);
    } catch (IOException | RuntimeException abortFailure) {
      cause.addSuppressed(abortFailure);
      LOG.warn("could not abort multipart upload {} of s3 key '{}'", uploadId, key, abortFailure);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void failFastIfAnyPartFailed(List<Future<String>> parts, String key)
      throws IOException {
    for (Future<String> part : parts) {
      if (part.isDone()) {
        await(part, key);
      }
    }
  }

  private static void acquire(Semaphore buffered, String key) throws InterruptedIOException {
    try {
      buffered.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading s3 key '" + key + "'");
    }
  }

  private static String await(Future<String> part, String key) throws IOException {
    try {
      return part.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading s3 key '" + key + "'");
    } catch (ExecutionException e) {
      Throwables.throwIfInstanceOf(e.getCause(), IOException.class);
      Throwables.throwIfUnchecked(e.getCause());
      throw new HybridStorageException("uploading a part failed: " + e.getCause(), e.getCause());
    }
  }
}
