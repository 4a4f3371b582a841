package io.btfshybrid.s3;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierChecks;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;

/**
 * The cloud tier: objects in an S3 bucket (AWS or any S3-compatible server), under a prefix. The
 * work is done by package-private parts: {@link S3Keys} (keys and locators), {@link S3Addressing}
 * (URLs), {@link S3ObjectReader}, {@link S3ObjectWriter}, {@link S3Lister} and {@link S3Http}; the
 * settings live in {@link S3TierSettings}.
 */
public final class S3Tier implements StorageTier {
  /** The smallest multipart part this SDK uploads (S3 itself allows 5 MiB). */
  public static final long MIN_PART_SIZE = 8 * S3TierSettings.MIB;

  private final S3TierSettings settings;
  private final S3Keys keys;
  private final S3Http http;
  private final ThreadPoolExecutor transfers;
  private final S3ObjectReader reader;
  private final S3ObjectWriter writer;
  private final S3Lister lister;

  private S3Tier(S3TierSettings settings, S3Credentials credentials) {
    this.settings = settings;
    this.keys = new S3Keys(settings.id, settings.bucket, settings.prefix);
    int parallelism = settings.parallelism;
    this.http =
        new S3Http(
            settings.id,
            new S3Addressing(settings.effectiveEndpoint(), settings.bucket, settings.pathStyle),
            new SigV4Signer(credentials, settings.region),
            new RetryPolicy(settings.maxAttempts, settings.retryBaseDelay, settings.retryMaxDelay),
            new S3Http.Limits(
                settings.connectTimeout,
                settings.socketTimeout,
                settings.callTimeout,
                settings.stallTimeout,
                settings.readTimeout,
                settings.maxConnections()),
            settings.sleeper,
            settings.clock);
    this.transfers = settings.newTransferPool();
    int partSize = (int) settings.partSize;
    this.reader =
        new S3ObjectReader(
            http,
            keys,
            transfers,
            settings.parallelReadThreshold,
            new ReadTuning(
                parallelism, settings.maxReadParallelism, partSize, settings.maxReadPartSize()),
            new PartBudget(settings.readBufferBytes));
    this.writer =
        new S3ObjectWriter(
            http,
            keys,
            reader,
            new MultipartUploader(http, transfers, partSize, parallelism + 1),
            settings.multipartThreshold);
    this.lister = new S3Lister(http, keys, settings.listPageSize);
  }

  /** A builder; {@code id} and {@code bucket} are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return settings.id;
  }

  @Override
  public TierKind kind() {
    return settings.kind;
  }

  @Override
  public Optional<String> region() {
    return Optional.of(settings.region);
  }

  /** The bucket this tier stores into. */
  public String bucket() {
    return settings.bucket;
  }

  /** The key prefix (without a trailing slash) under which this tier stores; may be empty. */
  public String prefix() {
    return settings.prefix;
  }

  @Override
  public Optional<Locator> locate(String key) {
    return Optional.of(keys.locatorFor(keys.fullKey(key)));
  }

  @Override
  public InputStream read(Locator where, long offset, long length) throws IOException {
    return reader.read(where, offset, length);
  }

  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    return writer.write(key, bytes, size);
  }

  /**
   * Stores the object only when {@code key} is free ({@code If-None-Match: *}, with a check before
   * and after for servers that ignore it); a taken key is {@link
   * io.btfshybrid.api.ObjectExistsException}.
   */
  @Override
  public Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    return writer.writeNew(key, bytes, size);
  }

  @Override
  public Optional<ObjectInfo> stat(Locator where) throws IOException {
    return reader.stat(where);
  }

  @Override
  public void delete(Locator where) throws IOException {
    writer.delete(where);
  }

  /**
   * Creates this tier's bucket in its region; a bucket that already exists and is ours is fine.
   * Useful for tests and first-time setup; production buckets are usually made elsewhere.
   */
  public void createBucket() throws IOException {
    writer.createBucket(settings.region);
  }

  /**
   * Every object whose key starts with this tier's prefix followed by {@code keyPrefix}, in key
   * order, following continuation tokens across pages (each page bounded in bytes, the whole
   * listing in pages and objects).
   */
  @Override
  public List<ObjectInfo> list(String keyPrefix) throws IOException {
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    return lister.list(keys.withPrefix(keyPrefix));
  }

  /** Attempts that asked for a fresh connection (every retry does), for tests. */
  long freshConnectionAttempts() {
    return http.freshConnections();
  }

  @Override
  public void close() {
    transfers.shutdownNow();
    http.close();
  }

  @Override
  public String toString() {
    return "S3Tier[" + settings.id + ", " + http.addressing().describe(settings.prefix) + "]";
  }

  /**
   * Configures an {@link S3Tier}; every setting but {@code id} and {@code bucket} has a default.
   */
  public static final class Builder {
    private final S3TierSettings settings = new S3TierSettings();

    private Builder() {}

    /** The tier id, unique within a client, e.g. {@code "cloud"} (see {@link TierChecks}). */
    public Builder id(String id) {
      settings.id = TierChecks.tierId(id);
      return this;
    }

    /** The tier kind; {@link TierKind#CLOUD} unless told otherwise. */
    public Builder kind(TierKind kind) {
      settings.kind = TierChecks.kind(settings.id, kind);
      return this;
    }

    /** The signing region, e.g. {@code us-east-1} (the default). */
    public Builder region(String region) {
      Objects.requireNonNull(region, "region");
      settings.region = TierChecks.region(settings.id, region);
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
      settings.endpoint = endpoint;
      return this;
    }

    /** The bucket to store into (required). */
    public Builder bucket(String bucket) {
      checkArgument(
          bucket != null && bucket.matches("[a-zA-Z0-9._-]{3,255}"),
          "bucket must be 3-255 characters of letters, digits, '.', '_' or '-', was '%s'",
          bucket);
      settings.bucket = bucket;
      return this;
    }

    /** A key prefix for everything this tier stores; leading and trailing slashes are dropped. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      settings.prefix = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
      return this;
    }

    /**
     * Path-style ({@code host/bucket/key}, needed by most S3-compatible servers) or virtual-hosted.
     */
    public Builder pathStyle(boolean pathStyle) {
      settings.pathStyle = pathStyle;
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
      settings.accessKeyId = accessKeyId;
      settings.secretAccessKey = secretAccessKey;
      return this;
    }

    /** A session token to go with explicit temporary credentials. */
    public Builder sessionToken(String sessionToken) {
      settings.sessionToken = sessionToken;
      return this;
    }

    /** How long to wait for a TCP connection (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      settings.connectTimeout = S3TierSettings.positive(timeout, "connect timeout");
      return this;
    }

    /** How long a read may wait for the next bytes (default 30 s). */
    public Builder socketTimeout(Duration timeout) {
      settings.socketTimeout = S3TierSettings.positive(timeout, "socket timeout");
      return this;
    }

    /**
     * The overall limit of one call, every retry and wait included (default 5 min); for a read it
     * runs until the response headers arrive, then {@link #readTimeout} takes over.
     */
    public Builder callTimeout(Duration timeout) {
      settings.callTimeout = S3TierSettings.positive(timeout, "call timeout");
      return this;
    }

    /**
     * A read whose caller has waited this long for the next bytes is abandoned with {@link
     * S3ReadTimeoutException} (default 30 s), whatever the socket timeout.
     */
    public Builder stallTimeout(Duration timeout) {
      settings.stallTimeout = S3TierSettings.positive(timeout, "stall timeout");
      return this;
    }

    /**
     * The deadline of one read, from the request to the body's last byte (default 5 min): a body
     * still arriving then, however steadily it drips, is abandoned with {@link
     * S3ReadTimeoutException}. Parallel parts each have their own {@link #callTimeout}.
     */
    public Builder readTimeout(Duration timeout) {
      settings.readTimeout = S3TierSettings.positive(timeout, "read timeout");
      return this;
    }

    /**
     * Retries: at most {@code maxAttempts} attempts per call (default 5), waiting a random time up
     * to {@code baseDelay * 2^n} (default 100 ms), capped at {@code maxDelay} (default 20 s).
     */
    public Builder retries(int maxAttempts, Duration baseDelay, Duration maxDelay) {
      checkArgument(maxAttempts >= 1, "maxAttempts must be >= 1, was %s", maxAttempts);
      settings.maxAttempts = maxAttempts;
      settings.retryBaseDelay = S3TierSettings.positive(baseDelay, "retry base delay");
      settings.retryMaxDelay = S3TierSettings.positive(maxDelay, "retry max delay");
      checkArgument(
          maxDelay.compareTo(baseDelay) >= 0,
          "retry max delay must be >= base delay %s, was %s",
          baseDelay,
          maxDelay);
      return this;
    }

    /** Objects of at least this many bytes are uploaded in parts (default 16 MiB). */
    public Builder multipartThreshold(long bytes) {
      settings.multipartThreshold =
          S3TierSettings.upToOneGib(bytes, "multipart threshold", "1 byte and 1 GiB");
      return this;
    }

    /** Reads longer than this many bytes fetch ranged parts in parallel (default 16 MiB). */
    public Builder parallelReadThreshold(long bytes) {
      settings.parallelReadThreshold =
          S3TierSettings.upToOneGib(bytes, "parallel read threshold", "1 byte and 1 GiB");
      return this;
    }

    /**
     * The size of upload parts and of the first parallel read parts (default and minimum 8 MiB); a
     * read doubles its parts up to 16 MiB while the wait for the first byte is over 10% of a part.
     */
    public Builder partSize(long bytes) {
      settings.partSize = S3TierSettings.upToOneGib(bytes, "part size", "8 MiB and 1 GiB");
      return this;
    }

    /**
     * Parts transferred at once per upload, and the parts in flight a large read starts with
     * (default 4); reads then grow up to {@link #maxReadParallelism} while throughput grows.
     */
    public Builder parallelism(int parts) {
      checkArgument(parts >= 1 && parts <= 64, "parallelism must be 1..64, was %s", parts);
      settings.parallelism = parts;
      return this;
    }

    /**
     * The most ranged parts one large read keeps in flight (default 32): a read doubles its parts
     * in flight while that raises its throughput by 15%, and the tier's next read starts there.
     */
    public Builder maxReadParallelism(int parts) {
      checkArgument(parts >= 1 && parts <= 256, "maxReadParallelism must be 1..256, was %s", parts);
      settings.maxReadParallelism = parts;
      return this;
    }

    /**
     * The bytes of ranged parts the tier holds at once across its reads, in flight or waiting for
     * their reader (default 256 MiB); a read that holds none may still take one part.
     */
    public Builder readBufferBytes(long bytes) {
      checkArgument(
          bytes >= 1 && bytes <= 64L * 1024 * S3TierSettings.MIB,
          "readBufferBytes must be between 1 byte and 64 GiB, was %s",
          bytes);
      settings.readBufferBytes = bytes;
      return this;
    }

    /** Keys per listing page, 1..1000 (default 1000). */
    public Builder listPageSize(int keys) {
      checkArgument(keys >= 1 && keys <= 1000, "list page size must be 1..1000, was %s", keys);
      settings.listPageSize = keys;
      return this;
    }

    /** Tests only: allows parts smaller than {@link #MIN_PART_SIZE} (servers may refuse them). */
    Builder minimumPartSize(long bytes) {
      settings.minimumPartSize = bytes;
      return this;
    }

    /** Tests only: where the credential chain reads environment variables. */
    Builder environment(Function<String, String> environment) {
      settings.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** Tests only: the home directory holding {@code .aws/credentials}. */
    Builder userHome(Path userHome) {
      settings.userHome = Objects.requireNonNull(userHome, "userHome");
      return this;
    }

    /** Tests only: how to wait between retries. */
    Builder sleeper(S3Http.Sleeper sleeper) {
      settings.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Tests only: the clock used for signing. */
    Builder clock(Clock clock) {
      settings.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the tier, resolving credentials now; fails naming the missing setting, and with {@link
     * S3CredentialsException} naming the tier when no credentials are found.
     */
    public S3Tier build() throws IOException {
      S3TierSettings s = settings.copy();
      checkState(s.id != null, "S3Tier needs an id");
      checkState(s.bucket != null, "S3Tier '%s' needs a bucket", s.id);
      checkState(
          s.partSize >= s.minimumPartSize,
          "part size of S3Tier '%s' must be at least %s bytes, was %s",
          s.id,
          s.minimumPartSize,
          s.partSize);
      S3Credentials credentials =
          s.accessKeyId != null
              ? new S3Credentials(
                  s.accessKeyId, s.secretAccessKey, Optional.ofNullable(s.sessionToken))
              : new CredentialsChain(s.environment, s.userHome).resolve(s.id);
      return new S3Tier(s, credentials);
    }

    @Override
    public String toString() {
      return "S3Tier.Builder[" + settings + "]";
    }
  }
}
