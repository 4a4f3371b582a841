package io.btfshybrid.s3;

import java.io.IOException;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3Proxy 4.1.0 in-process on a random loopback port, with an in-memory store and SigV4 checks. */
final class LocalS3Server implements AutoCloseable {
  static final String ACCESS_KEY = "test-access-key";
  static final String SECRET_KEY = "test-secret-key";

  private final BlobStore store;
  private final S3Proxy proxy;
  private final URI endpoint;

  private LocalS3Server(BlobStore store, S3Proxy proxy) {
    this.store = store;
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  static LocalS3Server start(String... buckets) throws Exception {
    BlobStore store = BlobStores.create("transient", new Properties());
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    for (String bucket : buckets) {
      store.createContainer(bucket);
    }
    return new LocalS3Server(store, proxy);
  }

  URI endpoint() {
    return endpoint;
  }

  BlobStore store() {
    return store;
  }

  /**
   * A tier on this server with small thresholds so that tests reach multipart and parallel paths.
   */
  S3Tier.Builder tier(String id, String bucket) {
    return S3Tier.builder()
        .id(id)
        .endpoint(endpoint)
        .region("us-east-1")
        .bucket(bucket)
        .pathStyle(true)
        .credentials(ACCESS_KEY, SECRET_KEY);
  }

  /** The AWS SDK for Java v2 pointed at this server: the independent client for cross-checks. */
  S3Client sdkClient() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  @Override
  public void close() throws IOException {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IOException("could not stop S3Proxy: " + e, e);
    }
  }
}
