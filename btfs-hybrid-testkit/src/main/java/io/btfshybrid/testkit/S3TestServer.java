package io.btfshybrid.testkit;

import io.btfshybrid.s3.S3Tier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3 server for integration tests, in-process: S3Proxy 4.1.0 on a random loopback port with
 * an in-memory (or on-disk) store, SigV4 authentication, fresh credentials and one bucket ready.
 *
 * <pre>{@code
 * try (S3TestServer s3 = S3TestServer.start(); S3Tier cloud = s3.newTier("cloud")) { … }
 * }</pre>
 */
public final class S3TestServer implements AutoCloseable {
  /** The bucket {@link #start()} creates. */
  public static final String DEFAULT_BUCKET = "test-bucket";

  private static final String REGION = "us-east-1";
  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(30);

  private final S3Proxy proxy;
  private final URI endpoint;
  private final String bucket;
  private final String accessKey;
  private final String secretKey;
  private boolean closed;

  private S3TestServer(S3Proxy proxy, String bucket, String accessKey, String secretKey) {
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    this.bucket = bucket;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Starts a server with the bucket {@value #DEFAULT_BUCKET}. */
  public static S3TestServer start() throws IOException {
    return start(DEFAULT_BUCKET);
  }

  /** Starts a server with {@code bucket} created, keeping objects in memory. */
  public static S3TestServer start(String bucket) throws IOException {
    return start(bucket, BlobStores.create("transient", new Properties()));
  }

  /**
   * Starts a server with {@code bucket} created, keeping objects as plain files under {@code
   * directory} (for objects too large for the heap); the caller removes the directory.
   */
  public static S3TestServer startOnDisk(String bucket, Path directory) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Files.createDirectories(directory);
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    return start(bucket, BlobStores.create("filesystem", properties));
  }

  private static S3TestServer start(String bucket, BlobStore store) throws IOException {
    Objects.requireNonNull(bucket, "bucket");
    String accessKey = "AK" + randomToken().substring(0, 18).toUpperCase(Locale.ROOT);
    String secretKey = randomToken() + randomToken();
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V4, accessKey, secretKey)
            .build();
    try {
      proxy.start();
      long giveUp = System.nanoTime() + STARTUP_LIMIT.toNanos();
      while (!"STARTED".equals(proxy.getState())) {
        if ("FAILED".equals(proxy.getState()) || System.nanoTime() - giveUp > 0) {
          throw new IOException("S3Proxy did not start; its state is " + proxy.getState());
        }
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopQuietly(proxy);
      throw new IOException("interrupted while starting S3Proxy", e);
    } catch (IOException e) {
      stopQuietly(proxy);
      throw e;
    } catch (Exception e) {
      stopQuietly(proxy);
      throw new IOException("could not start S3Proxy: " + e.getMessage(), e);
    }
    S3TestServer server = new S3TestServer(proxy, bucket, accessKey, secretKey);
    try {
      server.createBucket(bucket);
    } catch (IOException | RuntimeException | Error e) {
      try {
        server.close();
      } catch (IOException stopFailure) {
        e.addSuppressed(stopFailure);
      }
      throw e;
    }
    return server;
  }

  /** The endpoint, {@code http://127.0.0.1:<port>}; path-style addressing only. */
  public URI endpoint() {
    return endpoint;
  }

  /** The bucket created at start. */
  public String bucket() {
    return bucket;
  }

  /** The access key id the server accepts. */
  public String accessKey() {
    return accessKey;
  }

  /** The secret access key the server accepts. */
  public String secretKey() {
    return secretKey;
  }

  /** The region to sign for: {@code us-east-1}. */
  public String region() {
    return REGION;
  }

  /** Creates another bucket (a no-op when it exists). */
  public void createBucket(String name) throws IOException {
    Objects.requireNonNull(name, "name");
    try (S3Tier tier = tierBuilder("bucket-maker").bucket(name).build()) {
      tier.createBucket();
    }
  }

  /** A builder for a tier on this server's bucket, path-style, with its credentials. */
  public S3Tier.Builder tierBuilder(String id) {
    return S3Tier.builder()
        .id(id)
        .endpoint(endpoint)
        .region(REGION)
        .bucket(bucket)
        .pathStyle(true)
        .credentials(accessKey, secretKey);
  }

  /** A ready tier on this server's bucket; the caller closes it. */
  public S3Tier newTier(String id) throws IOException {
    return tierBuilder(id).build();
  }

  /** Stops the server; everything it stored is gone. Closing twice is harmless. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IOException("could not stop S3Proxy on " + endpoint + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "S3TestServer[" + endpoint + ", bucket " + bucket + "]";
  }

  private static String randomToken() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static void stopQuietly(S3Proxy proxy) {
    try {
      proxy.stop();
    } catch (Exception ignored) {
      // already failing; the start error is the one to report
    }
  }
}
