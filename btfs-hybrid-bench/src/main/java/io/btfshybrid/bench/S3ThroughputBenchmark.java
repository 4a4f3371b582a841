package io.btfshybrid.bench;

import io.btfshybrid.api.Locator;
import io.btfshybrid.s3.S3Tier;
import io.btfshybrid.testkit.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * S3Tier throughput against the AWS SDK for Java v2 on one in-process S3Proxy ({@link S3TestServer}
 * with its filesystem store in a temporary directory), on the same objects: GET of one 256 MiB
 * object (S3Tier with its parallel ranged reads, and with one stream like the SDK), GET of 64
 * objects of 4 MiB (one after the other), and a 256 MiB multipart PUT (8 MiB parts, 4 in parallel
 * for both clients). Prints MB/s (10^6 bytes per second, best of the measured runs) and S3Tier/SDK
 * ratios.
 *
 * <p>Run: {@code java -Xmx3g -cp … io.btfshybrid.bench.S3ThroughputBenchmark [runs]}.
 */
public final class S3ThroughputBenchmark {
  private static final int MIB = 1024 * 1024;
  private static final int BIG = 256 * MIB;
  private static final int SMALL = 4 * MIB;
  private static final int SMALL_COUNT = 64;
  private static final int PART = 8 * MIB;
  private static final int PARALLELISM = 4;
  private static final String BUCKET = "bench";

  private final S3Tier tier;
  private final S3Tier singleStreamTier;
  private final S3Client sdk;
  private final byte[] big;
  private final byte[] small;
  private final byte[] sink = new byte[1 << 20];

  private S3ThroughputBenchmark(S3Tier tier, S3Tier singleStreamTier, S3Client sdk) {
    this.tier = tier;
    this.singleStreamTier = singleStreamTier;
    this.sdk = sdk;
    this.big = randomBytes(BIG, 1);
    this.small = randomBytes(SMALL, 2);
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    PrintStream out = System.out;
    Path storeDir = Files.createTempDirectory("s3bench");
    try (S3TestServer server = S3TestServer.startOnDisk(BUCKET, storeDir);
        S3Tier tier = tierBuilder(server).build();
        S3Tier singleStreamTier = tierBuilder(server).parallelReadThreshold(1024L * MIB).build();
        S3Client sdk =
            S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.of(server.region()))
                .forcePathStyle(true)
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .build()) {
      new S3ThroughputBenchmark(tier, singleStreamTier, sdk).run(runs, out);
    } finally {
      BenchSupport.deleteRecursively(storeDir);
    }
  }

  private static S3Tier.Builder tierBuilder(S3TestServer server) {
    return server.tierBuilder("bench").partSize(PART).parallelism(PARALLELISM);
  }

  private void run(int runs, PrintStream out) throws Exception {
    out.printf(
        "S3 throughput on S3Proxy 4.1.0 (filesystem store), %d CPUs, best of %d runs after a"
            + " warm-up%n",
        Runtime.getRuntime().availableProcessors(), runs);
    sdk.putObject(b -> b.bucket(BUCKET).key("big"), RequestBody.fromBytes(big));
    for (int i = 0; i < SMALL_COUNT; i++) {
      int index = i;
      sdk.putObject(b -> b.bucket(BUCKET).key("small/" + index), RequestBody.fromBytes(small));
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(compare("GET 1 x 256 MiB", BIG, runs, this::tierGetBig, this::sdkGetBig));
    rows.add(
        compare(
            "GET 256 MiB, 1 stream",
            BIG,
            runs,
            () -> drain(singleStreamTier.read(tier.locate("big").orElseThrow(), 0, -1), BIG),
            this::sdkGetBig));
    rows.add(
        compare(
            "GET 64 x 4 MiB",
            (long) SMALL * SMALL_COUNT,
            runs,
            this::tierGetSmall,
            this::sdkGetSmall));
    rows.add(compare("PUT 256 MiB multipart", BIG, runs, this::tierPutBig, this::sdkPutBig));
    out.printf("%-24s %14s %14s %8s%n", "operation", "S3Tier MB/s", "SDK v2 MB/s", "ratio");
    for (String[] row : rows) {
      out.printf("%-24s %14s %14s %8s%n", (Object[]) row);
    }
  }

  private interface Transfer {
    void run() throws Exception;
  }

  private String[] compare(String name, long bytes, int runs, Transfer ours, Transfer theirs)
      throws Exception {
    double tierRate = bestRate(bytes, runs, ours);
    double sdkRate = bestRate(bytes, runs, theirs);
    return new String[] {
      name,
      String.format("%.0f", tierRate),
      String.format("%.0f", sdkRate),
      String.format("%.2f", tierRate / sdkRate)
    };
  }

  private static double bestRate(long bytes, int runs, Transfer transfer) throws Exception {
    transfer.run();
    double best = 0;
    for (int i = 0; i < runs; i++) {
      long started = System.nanoTime();
      transfer.run();
      double seconds = (System.nanoTime() - started) / 1e9;
      best = Math.max(best, bytes / 1e6 / seconds);
    }
    return best;
  }

  private void tierGetBig() throws IOException {
    drain(tier.read(tier.locate("big").orElseThrow(), 0, -1), BIG);
  }

  private void sdkGetBig() throws IOException {
    drain(sdk.getObject(b -> b.bucket(BUCKET).key("big")), BIG);
  }

  private void tierGetSmall() throws IOException {
    for (int i = 0; i < SMALL_COUNT; i++) {
      drain(tier.read(tier.locate("small/" + i).orElseThrow(), 0, -1), SMALL);
    }
  }

  private void sdkGetSmall() throws IOException {
    for (int i = 0; i < SMALL_COUNT; i++) {
      int index = i;
      ResponseInputStream<GetObjectResponse> in =
          sdk.getObject(b -> b.bucket(BUCKET).key("small/" + index));
      drain(in, SMALL);
    }
  }

  private void tierPutBig() throws IOException {
    Locator where = tier.write("upload/tier", new java.io.ByteArrayInputStream(big), BIG);
    if (tier.stat(where).orElseThrow().size() != BIG) {
      throw new IllegalStateException("S3Tier upload has the wrong size");
    }
  }

  /** The SDK's multipart upload with the same part size and parallelism as S3Tier's. */
  private void sdkPutBig() throws Exception {
    String key = "upload/sdk";
    String uploadId = sdk.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLELISM);
    try {
      List<Future<CompletedPart>> parts = new ArrayList<>();
      for (int offset = 0, number = 1; offset < BIG; offset += PART, number++) {
        int partOffset = offset;
        int partNumber = number;
        parts.add(
            pool.submit(
                () -> {
                  byte[] part = Arrays.copyOfRange(big, partOffset, partOffset + PART);
                  String etag =
                      sdk.uploadPart(
                              b ->
                                  b.bucket(BUCKET)
                                      .key(key)
                                      .uploadId(uploadId)
                                      .partNumber(partNumber),
                              RequestBody.fromBytes(part))
                          .eTag();
                  return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
                }));
      }
      List<CompletedPart> completed = new ArrayList<>();
      for (Future<CompletedPart> part : parts) {
        completed.add(part.get());
      }
      sdk.completeMultipartUpload(
          b ->
              b.bucket(BUCKET)
                  .key(key)
                  .uploadId(uploadId)
                  .multipartUpload(m -> m.parts(completed)));
    } finally {
      pool.shutdown();
    }
  }

  private void drain(InputStream in, long expected) throws IOException {
    long total = 0;
    try (in) {
      for (int n; (n = in.read(sink)) != -1; ) {
        total += n;
      }
    }
    if (total != expected) {
      throw new IllegalStateException("read " + total + " bytes, expected " + expected);
    }
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
