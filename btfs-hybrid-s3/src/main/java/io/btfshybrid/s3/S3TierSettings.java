package io.btfshybrid.s3;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.btfshybrid.api.TierKind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Every setting of an {@link S3Tier} with its default, in one place (the shape of Iceberg's {@code
 * S3FileIOProperties}): the builder fills it, the tier and its helpers read it. {@link #toString}
 * never shows the secret key or the session token.
 */
final class S3TierSettings {
  static final long MIB = 1024 * 1024;

  String id;
  TierKind kind = TierKind.CLOUD;
  String region = "us-east-1";
  URI endpoint;
  String bucket;
  String prefix = "";
  boolean pathStyle;
  String accessKeyId;
  String secretAccessKey;
  String sessionToken;
  Duration connectTimeout = Duration.ofSeconds(10);
  Duration socketTimeout = Duration.ofSeconds(30);
  Duration callTimeout = Duration.ofMinutes(5);
  Duration stallTimeout = Duration.ofSeconds(30);
  Duration readTimeout = Duration.ofMinutes(30);
  int maxAttempts = 5;
  Duration retryBaseDelay = Duration.ofMillis(100);
  Duration retryMaxDelay = Duration.ofSeconds(20);
  long multipartThreshold = 16 * MIB;
  long parallelReadThreshold = 16 * MIB;
  long partSize = 8 * MIB;
  long minimumPartSize = S3Tier.MIN_PART_SIZE;
  int parallelism = 4;
  int maxReadParallelism = 32;
  long readBufferBytes = 256 * MIB;
  int listPageSize = 1000;
  Function<String, String> environment = System::getenv;
  Path userHome = Path.of(System.getProperty("user.home"));
  S3Http.Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
  Clock clock = Clock.systemUTC();

  /** The endpoint to talk to: the configured one, or AWS's for the region. */
  URI effectiveEndpoint() {
    return endpoint != null ? endpoint : URI.create("https://s3." + region + ".amazonaws.com");
  }

  /**
   * The largest part a read grows to: 16 MiB (S3's guidance of 8-16 MB ranges) or the part size.
   */
  long maxReadPartSize() {
    return partSize >= S3Tier.MIN_PART_SIZE ? Math.max(partSize, 16 * MIB) : partSize;
  }

  /** Threads of the transfer pool: enough for a read at its widest or an upload. */
  int transferThreads() {
    return Math.max(parallelism + 1, maxReadParallelism);
  }

  /**
   * Pooled connections: the widest read, an upload and many concurrent whole-object reads (the
   * shards of a release read at once) each find one without waiting.
   */
  int maxConnections() {
    return Math.max(64, 4 * transferThreads());
  }

  /**
   * The pool parallel parts run on: {@link #transferThreads} daemon threads; when it is saturated
   * the caller does the transfer itself, and a closed pool refuses.
   */
  ThreadPoolExecutor newTransferPool() {
    int threads = transferThreads();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(8 * threads),
            new ThreadFactoryBuilder()
                .setDaemon(true)
                .setNameFormat("s3tier-" + id + "-%d")
                .build(),
            S3TierSettings::runInCallerUnlessShutDown);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static void runInCallerUnlessShutDown(Runnable task, ThreadPoolExecutor pool) {
    if (pool.isShutdown()) {
      throw new RejectedExecutionException("the S3 tier is closed");
    }
    task.run();
  }

  /** A snapshot, so that a builder reused after {@code build()} cannot change a built tier. */
  S3TierSettings copy() {
    S3TierSettings copy = new S3TierSettings();
    copy.id = id;
    copy.kind = kind;
    copy.region = region;
    copy.endpoint = endpoint;
    copy.bucket = bucket;
    copy.prefix = prefix;
    copy.pathStyle = pathStyle;
    copy.accessKeyId = accessKeyId;
    copy.secretAccessKey = secretAccessKey;
    copy.sessionToken = sessionToken;
    copy.connectTimeout = connectTimeout;
    copy.socketTimeout = socketTimeout;
    copy.callTimeout = callTimeout;
    copy.stallTimeout = stallTimeout;
    copy.readTimeout = readTimeout;
    copy.maxAttempts = maxAttempts;
    copy.retryBaseDelay = retryBaseDelay;
    copy.retryMaxDelay = retryMaxDelay;
    copy.multipartThreshold = multipartThreshold;
    copy.parallelReadThreshold = parallelReadThreshold;
    copy.partSize = partSize;
    copy.minimumPartSize = minimumPartSize;
    copy.parallelism = parallelism;
    copy.maxReadParallelism = maxReadParallelism;
    copy.readBufferBytes = readBufferBytes;
    copy.listPageSize = listPageSize;
    copy.environment = environment;
    copy.userHome = userHome;
    copy.sleeper = sleeper;
    copy.clock = clock;
    return copy;
  }

  /** {@code duration} when it is positive; otherwise an error naming {@code what}. */
  static Duration positive(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    checkArgument(
        !duration.isNegative() && !duration.isZero(),
        "%s must be positive, was %s",
        what,
        duration);
    return duration;
  }

  /** {@code bytes} when it is between 1 byte and 1 GiB; otherwise an error naming {@code what}. */
  static long upToOneGib(long bytes, String what, String range) {
    checkArgument(
        bytes >= 1 && bytes <= 1024 * MIB, "%s must be between %s, was %s", what, range, bytes);
    return bytes;
  }

  @Override
  public String toString() {
    return "S3TierSettings[id="
        + id
        + ", bucket="
        + bucket
        + ", prefix="
        + prefix
        + ", region="
        + region
        + ", endpoint="
        + effectiveEndpoint()
        + ", accessKeyId="
        + accessKeyId
        + (secretAccessKey == null ? "" : ", secret hidden")
        + (sessionToken == null ? "" : ", session token hidden")
        + "]";
  }
}
