package io.btfshybrid.s3;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.io.ByteStreams;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.w3c.dom.Element;

/** The cloud tier: objects in an S3 bucket (AWS or any S3-compatible server), under a prefix. */
public final class S3Tier implements StorageTier {
  private static final long MIB = 1024 * 1024;

  /** The smallest multipart part this SDK uploads (S3 itself allows 5 MiB). */
  public static final long MIN_PART_SIZE = 8 * MIB;

  private static final long MAX_XML_BYTES = 16 * MIB;

  private final String id;
  private final TierKind kind;
  private final String region;
  private final String bucket;
  private final String prefix;
  private final long multipartThreshold;
  private final long parallelReadThreshold;
  private final int partSize;
  private final int parallelism;
  private final int listPageSize;
  private final S3Http http;
  private final ThreadPoolExecutor transfers;
  private final MultipartUploader uploader;

  private S3Tier(Builder builder, S3Credentials credentials) {
    this.id = builder.id;
    this.kind = builder.kind;
    this.region = builder.region;
    this.bucket = builder.bucket;
    this.prefix = builder.prefix;
    this.multipartThreshold = builder.multipartThreshold;
    this.parallelReadThreshold = builder.parallelReadThreshold;
    this.partSize = (int) builder.partSize;
    this.parallelism = builder.parallelism;
    this.listPageSize = builder.listPageSize;
    URI endpoint =
        builder.endpoint != null
            ? builder.endpoint
            : URI.create("https://s3." + builder.region + ".amazonaws.com");
    this.http =
        new S3Http(
            new S3Addressing(endpoint, bucket, builder.pathStyle),
            new SigV4Signer(credentials, builder.region),
            new RetryPolicy(builder.maxAttempts, builder.retryBaseDelay, builder.retryMaxDelay),
            new S3Http.Limits(
                builder.connectTimeout,
                builder.socketTimeout,
                builder.callTimeout,
                Math.max(32, 4 * parallelism)),
            builder.sleeper,
            builder.clock);
    this.transfers =
        new ThreadPoolExecutor(
            parallelism,
            parallelism,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(8 * parallelism),
            new ThreadFactoryBuilder()
                .setDaemon(true)
                .setNameFormat("s3tier-" + id + "-%d")
                .build(),
            S3Tier::runInCallerUnlessShutDown);
    this.transfers.allowCoreThreadTimeOut(true);
    this.uploader = new MultipartUploader(http, transfers, partSize, parallelism + 1);
  }

  /** A builder; {@code id} and {@code bucket} are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public TierKind kind() {
    return kind;
  }

  @Override
  public Optional<String> region() {
    return Optional.of(region);
  }

  /** The bucket this tier stores into. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix (without a trailing slash) under which this tier stores; may be empty. */
  public String prefix() {
    return prefix;
  }

  @Override
  public Optional<Locator> locate(String key) {
    return Optional.of(locatorFor(fullKey(key)));
  }

  @Override
  public InputStream read(Locator where, long offset, long length) throws IOException {
    checkArgument(offset >= 0, "offset must be >= 0, was %s", offset);
    checkArgument(length >= -1, "length must be >= 0 or -1 (to the end), was %s", length);
    String key = keyOf(where);
    if (length == 0) {
      if (stat(where).isEmpty()) {
        throw new ObjectNotFoundException(where);
      }
      return InputStream.nullInputStream();
    }
    long firstSpan =
        length >= 0 && length <= parallelReadThreshold ? length : parallelReadThreshold;
    S3Request get = S3Request.of("GET", key).withHeader("Range", range(offset, firstSpan));
    S3Http.OpenResponse response;
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
          ? partialContent(response, key, offset, length)
          : wholeObjectSkipping(response, key, offset, length);
    } catch (IOException | RuntimeException e) {
      response.abort();
      throw e;
    }
  }

  private InputStream partialContent(
      S3Http.OpenResponse response, String key, long offset, long length) throws IOException {
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
      throw new HybridStorageException(
          "S3 answered a range read of "
              + target
              + " from offset "
              + offset
              + " with bytes from "
              + range.first());
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
        partSize,
        parallelism,
        (partOffset, part) -> fetchPart(key, etag, partOffset, part),
        transfers,
        target);
  }

  /** The server ignored the Range header and sent the whole object: skip to the offset. */
  private InputStream wholeObjectSkipping(
      S3Http.OpenResponse response, String key, long offset, long length) throws IOException {
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
          S3Request get =
              S3Request.of("GET", key)
                  .withHeader(
                      "Range",
                      range(partOffset + part.filled(), partEnd - partOffset - part.filled()));
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
              throw new HybridStorageException(
                  "S3 answered a range read of "
                      + target
                      + " from offset "
                      + from
                      + " with bytes from "
                      + first);
            }
          } else {
            ByteStreams.skipFully(content, from);
          }
          try {
            part.fillFrom(content);
          } catch (InterruptedIOException closedByReader) {
            response.abort();
            throw closedByReader;
          } catch (EOFException early) {
            throw new EOFException(
                "S3 read of " + target + " ended before the end of the part at " + partEnd);
          }
          if (response.status() != 206) {
            response.abort();
          }
          return null;
        });
  }

  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    checkArgument(size >= 0, "size must be >= 0, was %s", size);
    String fullKey = fullKey(key);
    if (size < multipartThreshold) {
      byte[] body = new byte[(int) size];
      try {
        ByteStreams.readFully(bytes, body);
      } catch (EOFException early) {
        throw new HybridStorageException(
            "the stream for s3 key '" + fullKey + "' ended before " + size + " bytes", early);
      }
      http.call(
          S3Request.of("PUT", fullKey).withBody(body, 0, body.length, true), response -> null);
    } else {
      uploader.upload(fullKey, bytes, size);
    }
    return locatorFor(fullKey);
  }

  @Override
  public Optional<ObjectInfo> stat(Locator where) throws IOException {
    String key = keyOf(where);
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
                                "S3 HEAD of " + where + " returned no Content-Length"));
            Optional<Instant> modified =
                response.header("Last-Modified").flatMap(S3Tier::parseHttpDate);
            return Optional.of(new ObjectInfo(where, size, modified));
          });
    } catch (S3ServiceException e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void delete(Locator where) throws IOException {
    String key = keyOf(where);
    try {
      http.call(S3Request.of("DELETE", key), response -> null);
    } catch (S3ServiceException e) {
      if (e.statusCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * Creates this tier's bucket in its region; a bucket that already exists and is ours is fine.
   * Useful for tests and first-time setup; production buckets are usually made elsewhere.
   */
  public void createBucket() throws IOException {
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

  /**
   * Every object whose key starts with this tier's prefix followed by {@code keyPrefix}, in key
   * order, following continuation tokens across pages.
   */
  public List<ObjectInfo> list(String keyPrefix) throws IOException {
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    String fullPrefix = prefix.isEmpty() ? keyPrefix : prefix + "/" + keyPrefix;
    List<ObjectInfo> objects = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      S3Request request =
          S3Request.of("GET", null)
              .withQuery("list-type", "2")
              .withQuery("prefix", fullPrefix)
              .withQuery("max-keys", Integer.toString(listPageSize));
      if (token.isPresent()) {
        request = request.withQuery("continuation-token", token.get());
      }
      Element page =
          http.call(
              request, response -> S3Xml.parse(S3Http.readBody(response.entity(), MAX_XML_BYTES)));
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
        S3Xml.childText(contents, "LastModified").flatMap(S3Tier::parseIsoInstant);
    return new ObjectInfo(locatorFor(key), size, modified);
  }

  @Override
  public void close() {
    transfers.shutdownNow();
    http.close();
  }

  @Override
  public String toString() {
    return "S3Tier[" + id + ", " + http.addressing().describe(prefix) + "]";
  }

  private String fullKey(String key) {
    checkArgument(key != null && !key.isEmpty(), "key must not be empty, was '%s'", key);
    String full = prefix.isEmpty() ? key : prefix + "/" + key;
    checkArgument(
        full.getBytes(StandardCharsets.UTF_8).length <= 1024,
        "S3 keys are at most 1024 UTF-8 bytes, '%s' is longer",
        full);
    return full;
  }

  private Locator locatorFor(String fullKey) {
    try {
      return new Locator(id, new URI("s3", bucket, "/" + fullKey, null, null));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot form an s3:// URI for key '" + fullKey + "'", e);
    }
  }

  private String keyOf(Locator where) {
    Objects.requireNonNull(where, "where");
    URI uri = where.uri();
    checkArgument(
        "s3".equals(uri.getScheme()) && bucket.equals(uri.getAuthority()),
        "locator %s is not an s3://%s/… URI of tier '%s'",
        where,
        bucket,
        id);
    String path = uri.getPath();
    checkArgument(
        path != null && path.length() > 1, "locator %s names no key in bucket %s", where, bucket);
    return path.substring(1);
  }

  /** Saturated pool: the caller does the transfer itself; a closed tier refuses. */
  private static void runInCallerUnlessShutDown(Runnable task, ThreadPoolExecutor pool) {
    if (pool.isShutdown()) {
      throw new RejectedExecutionException("the S3 tier is closed");
    }
    task.run();
  }

  private static ObjectNotFoundException notFound(Locator where, S3ServiceException cause) {
    ObjectNotFoundException notFound = new ObjectNotFoundException(where, cause.getMessage());
    notFound.initCause(cause);
    return notFound;
  }

  private static String range(long offset, long length) {
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

  private static Optional<Instant> parseIsoInstant(String value) {
    try {
      return Optional.of(Instant.parse(value.strip()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** A {@code Content-Range: bytes first-last/total} header; total is empty for {@code *}. */
  record ContentRange(long first, long last, Optional<Long> total) {
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

  /**
   * Configures an {@link S3Tier}; every setting but {@code id} and {@code bucket} has a default.
   */
  public static final class Builder {
    private String id;
    private TierKind kind = TierKind.CLOUD;
    private String region = "us-east-1";
    private URI endpoint;
    private String bucket;
    private String prefix = "";
    private boolean pathStyle;
    private String accessKeyId;
    private String secretAccessKey;
    private String sessionToken;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration socketTimeout = Duration.ofSeconds(30);
    private Duration callTimeout = Duration.ofMinutes(5);
    private int maxAttempts = 5;
    private Duration retryBaseDelay = Duration.ofMillis(100);
    private Duration retryMaxDelay = Duration.ofSeconds(20);
    private long multipartThreshold = 16 * MIB;
    private long parallelReadThreshold = 16 * MIB;
    private long partSize = 8 * MIB;
    private long minimumPartSize = MIN_PART_SIZE;
    private int parallelism = 4;
    private int listPageSize = 1000;
    private Function<String, String> environment = System::getenv;
    private Path userHome = Path.of(System.getProperty("user.home"));
    private S3Http.Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The tier id, unique within a client, e.g. {@code "cloud"}. */
    public Builder id(String id) {
      checkArgument(id != null && !id.isBlank(), "tier id must not be blank, was '%s'", id);
      this.id = id;
      return this;
    }

    /** The tier kind; {@link TierKind#CLOUD} unless told otherwise. */
    public Builder kind(TierKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /** The signing region, e.g. {@code us-east-1} (the default). */
    public Builder region(String region) {
      checkArgument(
          region != null && region.matches("[a-z0-9-]+"),
          "region must look like 'us-east-1', was '%s'",
          region);
      this.region = region;
      return this;
    }

    /** The S3 endpoint; defaults to {@code https://s3.<region>.amazonaws.com}. */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      checkArgument(
          ("http".equalsIgnoreCase(endpoint.getScheme())
                  || "https".equalsIgnoreCase(endpoint.getScheme()))
              && endpoint.getHost() != null,
          "S3 endpoint must be an http or https URL with a host, was '%s'",
          endpoint);
      this.endpoint = endpoint;
      return this;
    }

    /** The bucket to store into (required). */
    public Builder bucket(String bucket) {
      checkArgument(
          bucket != null && bucket.matches("[a-zA-Z0-9._-]{3,255}"),
          "bucket must be 3-255 characters of letters, digits, '.', '_' or '-', was '%s'",
          bucket);
      this.bucket = bucket;
      return this;
    }

    /** A key prefix for everything this tier stores; leading and trailing slashes are dropped. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String trimmed = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
      this.prefix = trimmed;
      return this;
    }

    /**
     * Path-style ({@code host/bucket/key}, needed by most S3-compatible servers) or virtual-hosted.
     */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /** Explicit credentials; without them the AWS environment variables and profile are used. */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      checkArgument(
          accessKeyId != null && !accessKeyId.isBlank(),
          "access key id must not be blank, was '%s'",
          accessKeyId);
      checkArgument(
          secretAccessKey != null && !secretAccessKey.isBlank(),
          "secret access key for '%s' must not be blank",
          accessKeyId);
      this.accessKeyId = accessKeyId;
      this.secretAccessKey = secretAccessKey;
      return this;
    }

    /** A session token to go with explicit temporary credentials. */
    public Builder sessionToken(String sessionToken) {
      this.sessionToken = sessionToken;
      return this;
    }

    /** How long to wait for a TCP connection (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    /** How long a read may wait for the next bytes (default 30 s). */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = positive(timeout, "socket timeout");
      return this;
    }

    /**
     * The overall limit of one call, every retry and wait included (default 5 min); for a read it
     * runs until the response headers arrive.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout, "call timeout");
      return this;
    }

    /**
     * Retries: at most {@code maxAttempts} attempts per call (default 5), waiting a random time up
     * to {@code baseDelay * 2^n} (default 100 ms), capped at {@code maxDelay} (default 20 s).
     */
    public Builder retries(int maxAttempts, Duration baseDelay, Duration maxDelay) {
      checkArgument(maxAttempts >= 1, "maxAttempts must be >= 1, was %s", maxAttempts);
      this.maxAttempts = maxAttempts;
      this.retryBaseDelay = positive(baseDelay, "retry base delay");
      this.retryMaxDelay = positive(maxDelay, "retry max delay");
      checkArgument(
          maxDelay.compareTo(baseDelay) >= 0,
          "retry max delay must be >= base delay %s, was %s",
          baseDelay,
          maxDelay);
      return this;
    }

    /** Objects of at least this many bytes are uploaded in parts (default 16 MiB). */
    public Builder multipartThreshold(long bytes) {
      checkArgument(
          bytes >= 1 && bytes <= 1024 * MIB,
          "multipart threshold must be between 1 byte and 1 GiB, was %s",
          bytes);
      this.multipartThreshold = bytes;
      return this;
    }

    /** Reads longer than this many bytes fetch ranged parts in parallel (default 16 MiB). */
    public Builder parallelReadThreshold(long bytes) {
      checkArgument(
          bytes >= 1 && bytes <= 1024 * MIB,
          "parallel read threshold must be between 1 byte and 1 GiB, was %s",
          bytes);
      this.parallelReadThreshold = bytes;
      return this;
    }

    /** The size of upload parts and of parallel read parts (default and minimum 8 MiB). */
    public Builder partSize(long bytes) {
      checkArgument(
          bytes >= 1 && bytes <= 1024 * MIB,
          "part size must be between 8 MiB and 1 GiB, was %s",
          bytes);
      this.partSize = bytes;
      return this;
    }

    /**
     * Parts transferred at once per read or upload, and threads of the transfer pool (default 4).
     */
    public Builder parallelism(int parts) {
      checkArgument(parts >= 1 && parts <= 64, "parallelism must be 1..64, was %s", parts);
      this.parallelism = parts;
      return this;
    }

    /** Keys per listing page, 1..1000 (default 1000). */
    public Builder listPageSize(int keys) {
      checkArgument(keys >= 1 && keys <= 1000, "list page size must be 1..1000, was %s", keys);
      this.listPageSize = keys;
      return this;
    }

    /** Tests only: allows parts smaller than {@link #MIN_PART_SIZE} (servers may refuse them). */
    Builder minimumPartSize(long bytes) {
      this.minimumPartSize = bytes;
      return this;
    }

    /** Tests only: where the credential chain reads environment variables. */
    Builder environment(Function<String, String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** Tests only: the home directory holding {@code .aws/credentials}. */
    Builder userHome(Path userHome) {
      this.userHome = Objects.requireNonNull(userHome, "userHome");
      return this;
    }

    /** Tests only: how to wait between retries. */
    Builder sleeper(S3Http.Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Tests only: the clock used for signing. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the tier, resolving credentials now; fails naming the missing setting. */
    public S3Tier build() throws IOException {
      checkState(id != null, "S3Tier needs an id");
      checkState(bucket != null, "S3Tier '%s' needs a bucket", id);
      checkState(
          partSize >= minimumPartSize,
          "part size of S3Tier '%s' must be at least %s bytes, was %s",
          id,
          minimumPartSize,
          partSize);
      S3Credentials credentials =
          accessKeyId != null
              ? new S3Credentials(accessKeyId, secretAccessKey, Optional.ofNullable(sessionToken))
              : new CredentialsChain(environment, userHome).resolve();
      return new S3Tier(this, credentials);
    }

    private static Duration positive(Duration duration, String what) {
      Objects.requireNonNull(duration, what);
      checkArgument(
          !duration.isNegative() && !duration.isZero(),
          "%s must be positive, was %s",
          what,
          duration);
      return duration;
    }
  }
}
