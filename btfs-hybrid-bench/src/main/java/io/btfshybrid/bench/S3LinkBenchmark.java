package io.btfshybrid.bench;

import com.sun.management.OperatingSystemMXBean;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.BlobKeys;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.s3.S3Tier;
import io.btfshybrid.testkit.LinkConditions;
import io.btfshybrid.testkit.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * Issue 13, benchmarks 1 and 2: S3Proxy ({@link S3TestServer}, filesystem store) behind {@link
 * LinkConditions} (default 30 ms to first byte, 40 MB/s per connection, 400 MB/s in all), one
 * object of 256 MiB and 64 of 4 MiB — the stored shards of one published release, so both
 * benchmarks read the same bytes. Methods, interleaved round by round (the order rotates):
 *
 * <ul>
 *   <li>{@code S3Tier}: a tier with its defaults; the small objects read by {@code --threads}
 *       threads (how a client reads the shards of a release at once);
 *   <li>{@code SDK 1 stream}: the AWS SDK v2 sync client, one GET at a time;
 *   <li>{@code SDK CRT}: the CRT-based async client's GET (its own parallel ranged parts), drained
 *       in order as an InputStream; the small objects all at once ({@code toBytes});
 *   <li>{@code SDK TM file}: {@code S3TransferManager} on the CRT client, {@code downloadFile} to a
 *       temporary file (the big object only);
 *   <li>{@code DatasetClient}: the release read verified (chunk hashes) by a client whose only tier
 *       is that S3Tier, the small shards on {@code --threads} threads.
 * </ul>
 *
 * <p>With {@code --capped-mbps N} (default 150; 0: off) a second LinkConditions in front of the
 * same server caps all connections together at N MB/s, below what the 2-core box can push through
 * S3Proxy, the proxy and the client at once, and {@code S3Tier} and {@code DatasetClient} also read
 * through it ({@code S3Tier @N}, {@code DatasetClient @N}), interleaved with the rest: on a real
 * link the link, not this box's CPU, is the bottleneck.
 *
 * <p>Prints per method and round MB/s (10^6 B/s), the process's CPU seconds per GB read, the
 * requests the proxy answered and their average size; then one table of every ratio the issue sets
 * targets for (medians over rounds of per-round ratios). {@code --only S3Tier,DatasetClient} runs
 * just those methods (and their capped twins), e.g. under a profiler; {@code --cpu-by-thread true}
 * adds each round's CPU seconds per GB by thread group (S3Proxy, the proxy's pumps, the reader, the
 * tier's part fetchers, the client's verifiers).
 *
 * <p>Run: {@code java -Xmx3g -cp btfs-hybrid-bench.jar io.btfshybrid.bench.S3LinkBenchmark
 * [--rounds 3] [--ttfb-ms 30] [--mbps 40] [--aggregate-mbps 400] [--capped-mbps 150] [--threads 16]
 * [--big-mib 256] [--small 64] [--small-mib 4] [--only NAME,NAME] [--cpu-by-thread false]}.
 */
public final class S3LinkBenchmark {
  private static final String BUCKET = "bench";
  private static final int MIB = 1 << 20;

  private interface Method {
    void run() throws Exception;

    /** Untimed set-up before each run. */
    default void before() throws Exception {}

    /** Untimed clean-up after each run. */
    default void after() throws Exception {}
  }

  /**
   * A cold read through a disk cache (issue 13, benchmark 5a, on this link): before each run a new
   * client with an empty cache directory opens the release (untimed); the run reads the shards,
   * filling the cache as it verifies them; after it the client closes and its cache is deleted.
   */
  private final class ColdCacheRead implements Method {
    private final Route route;
    private final java.util.function.Function<Dataset, Method> read;
    private final int expectedFills;
    private final Path cacheDir;
    private DatasetClient client;
    private Dataset ds;

    ColdCacheRead(
        Route route,
        Path cacheDir,
        int expectedFills,
        java.util.function.Function<Dataset, Method> read) {
      this.route = route;
      this.cacheDir = cacheDir;
      this.expectedFills = expectedFills;
      this.read = read;
    }

    @Override
    public void before() throws Exception {
      client =
          DatasetClient.builder()
              .tier(route.tier())
              .trust(trust)
              .cacheDirectory(cacheDir)
              .cacheMaxBytes(8L << 30)
              .build();
      ds = client.open(release.manifestUri());
    }

    @Override
    public void run() throws Exception {
      read.apply(ds).run();
    }

    @Override
    public void after() throws Exception {
      long fills = client.stats().cacheFills();
      ds.close();
      client.close();
      BenchSupport.deleteRecursively(cacheDir);
      if (fills != expectedFills) {
        throw new IllegalStateException("expected " + expectedFills + " cache fills, got " + fills);
      }
    }
  }

  /** One way to the server: a link, an S3Tier behind it and a dataset read by a client on it. */
  private record Route(String suffix, LinkConditions link, S3Tier tier, Dataset ds) {}

  private final Map<String, String> o;
  private final byte[] sink = new byte[1 << 20];

  private S3LinkBenchmark(Map<String, String> options) {
    this.o = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    new S3LinkBenchmark(options).run();
  }

  private TrustRoot trust; // set once the release is published
  private PublishResult release;

  private int num(String key, int def) {
    return Integer.parseInt(o.getOrDefault(key, String.valueOf(def)));
  }

  private LinkConditions link(S3TestServer server, long aggregate) throws IOException {
    return LinkConditions.builder()
        .upstream(server.endpoint())
        .timeToFirstByte(Duration.ofMillis(num("ttfb-ms", 30)))
        .bandwidthPerConnection(num("mbps", 40) * 1_000_000L)
        .aggregateBandwidth(aggregate)
        .build();
  }

  private void run() throws Exception {
    int bigMib = num("big-mib", 256);
    int smallCount = num("small", 64);
    int smallMib = num("small-mib", 4);
    int threads = num("threads", 16);
    long perConnection = num("mbps", 40) * 1_000_000L;
    long aggregate = num("aggregate-mbps", 400) * 1_000_000L;
    long capped = num("capped-mbps", 150) * 1_000_000L;
    Path dir = Files.createTempDirectory("s3link");
    try (S3TestServer server = S3TestServer.startOnDisk(BUCKET, dir.resolve("store"));
        LinkConditions link = link(server, aggregate);
        LinkConditions cappedLink = capped > 0 ? link(server, capped) : null) {
      System.out.printf(
          "S3Proxy behind LinkConditions: %d ms to first byte, %d MB/s per connection, %d MB/s in"
              + " all (and %d MB/s in all for the @ methods); %d CPUs; publishing 1 x %d MiB + %d"
              + " x %d MiB ...%n",
          num("ttfb-ms", 30),
          perConnection / 1_000_000,
          aggregate / 1_000_000,
          capped / 1_000_000,
          Runtime.getRuntime().availableProcessors(),
          bigMib,
          smallCount,
          smallMib);
      ManifestSigner signer = ManifestSigner.generate();
      PublishResult release;
      try (S3Tier direct = server.tierBuilder("cloud").build()) {
        Path source = dir.resolve("source");
        writeRandom(source.resolve("big.bin"), (long) bigMib * MIB, 1);
        for (int i = 0; i < smallCount; i++) {
          writeRandom(
              source.resolve(String.format("small/%03d.bin", i)), (long) smallMib * MIB, i + 2);
        }
        release =
            DatasetPublisher.builder()
                .tier(direct)
                .signer(signer)
                .build()
                .publish(source, "bench", "1.0.0");
        BenchSupport.deleteRecursively(source);
      }
      URI endpoint = link.endpoint(server.endpoint());
      trust = TrustRoot.of(signer.publicKeyset());
      this.release = release;
      try (S3Tier tier = server.tierBuilder("cloud").endpoint(endpoint).build();
          S3Client sdk = sdkClient(server, endpoint);
          S3AsyncClient crt = crtClient(server, endpoint);
          S3TransferManager tm = S3TransferManager.builder().s3Client(crt).build();
          DatasetClient client = DatasetClient.builder().tier(tier).trust(trust).build();
          Dataset ds = client.open(release.manifestUri());
          S3Tier cappedTier =
              cappedLink == null
                  ? null
                  : server.tierBuilder("cloud").endpoint(cappedLink.endpoint(endpoint)).build();
          DatasetClient cappedClient =
              cappedTier == null
                  ? null
                  : DatasetClient.builder().tier(cappedTier).trust(trust).build();
          Dataset cappedDs =
              cappedClient == null ? null : cappedClient.open(release.manifestUri())) {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("", link, tier, ds));
        if (cappedLink != null) {
          routes.add(new Route(" @" + capped / 1_000_000, cappedLink, cappedTier, cappedDs));
        }
        List<ShardEntry> small = new ArrayList<>();
        ShardEntry big = null;
        for (ShardEntry s : ds.shards()) {
          if (s.path().equals("big.bin")) {
            big = s;
          } else {
            small.add(s);
          }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          new Reads(routes, sdk, crt, tm, big, small, pool, dir)
              .measure(num("rounds", 3), aggregate, capped);
        } finally {
          pool.shutdownNow();
        }
      }
    } finally {
      BenchSupport.deleteRecursively(dir);
    }
  }

  /** The methods on one set of clients, and the interleaved measurement. */
  private final class Reads {
    private final List<Route> routes;
    private final S3Client sdk;
    private final S3AsyncClient crt;
    private final S3TransferManager tm;
    private final ShardEntry big;
    private final List<ShardEntry> small;
    private final ExecutorService pool;
    private final Path dir;
    private final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    Reads(
        List<Route> routes,
        S3Client sdk,
        S3AsyncClient crt,
        S3TransferManager tm,
        ShardEntry big,
        List<ShardEntry> small,
        ExecutorService pool,
        Path dir) {
      this.routes = routes;
      this.sdk = sdk;
      this.crt = crt;
      this.tm = tm;
      this.big = big;
      this.small = small;
      this.pool = pool;
      this.dir = dir;
    }

    void measure(int rounds, long aggregate, long capped) throws Exception {
      long smallBytes = small.stream().mapToLong(ShardEntry::storedSize).sum();
      Map<String, Method> bigMethods = new LinkedHashMap<>();
      Map<String, Method> smallMethods = new LinkedHashMap<>();
      for (Route r : routes) {
        bigMethods.put("S3Tier" + r.suffix(), () -> expect(drain(tierRead(r, big)), big.size()));
        smallMethods.put("S3Tier" + r.suffix(), () -> onThreads(s -> drain(tierRead(r, s))));
      }
      bigMethods.put("SDK 1 stream", () -> expect(drain(sdkRead(big)), big.storedSize()));
      bigMethods.put("SDK CRT", () -> expect(drain(crtRead(big)), big.storedSize()));
      bigMethods.put("SDK TM file", this::tmFile);
      smallMethods.put("SDK 1 stream", this::sdkSmall);
      smallMethods.put("SDK CRT", this::crtSmall);
      for (Route r : routes) {
        bigMethods.put(
            "DatasetClient" + r.suffix(),
            () -> expect(drain(r.ds().openShard(big.path())), big.size()));
        smallMethods.put(
            "DatasetClient" + r.suffix(), () -> onThreads(s -> drain(r.ds().openShard(s.path()))));
        Path cache = dir.resolve("cold-cache");
        bigMethods.put(
            "DatasetClient cold cache" + r.suffix(),
            new ColdCacheRead(
                r, cache, 1, ds -> () -> expect(drain(ds.openShard(big.path())), big.size())));
        smallMethods.put(
            "DatasetClient cold cache" + r.suffix(),
            new ColdCacheRead(
                r,
                cache,
                small.size(),
                ds -> () -> onThreads(s -> drain(ds.openShard(s.path())))));
      }
      List<String> only = Arrays.asList(o.getOrDefault("only", "").split(","));
      if (!o.getOrDefault("only", "").isEmpty()) {
        bigMethods.keySet().removeIf(n -> !only.contains(n.replaceFirst(" @\\d+$", "")));
        smallMethods.keySet().removeIf(n -> !only.contains(n.replaceFirst(" @\\d+$", "")));
      }
      String bigName = "1 x " + big.storedSize() / MIB + " MiB";
      String smallName = small.size() + " x " + small.get(0).storedSize() / MIB + " MiB";
      Map<String, double[]> bigRates = interleave(bigName, bigMethods, big.size(), rounds);
      Map<String, double[]> smallRates = interleave(smallName, smallMethods, smallBytes, rounds);
      LinkRatioTable.print(bigName, bigRates, smallName, smallRates, aggregate, capped);
      System.out.println("(the proxy's own ceiling: LinkCeilingBenchmark)");
    }

    private Map<String, double[]> interleave(
        String what, Map<String, Method> methods, long bytes, int rounds) throws Exception {
      List<String> names = new ArrayList<>(methods.keySet());
      Map<String, double[]> rates = new LinkedHashMap<>();
      names.forEach(n -> rates.put(n, new double[rounds]));
      for (String n : names) { // warm-up, not counted
        methods.get(n).before();
        methods.get(n).run();
        methods.get(n).after();
      }
      System.out.printf("%n%s, per round:%n", what);
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < names.size(); k++) {
          String n = names.get((k + r) % names.size());
          methods.get(n).before();
          long connections = sum(LinkConditions::connectionsAccepted);
          long requests = sum(LinkConditions::responsesStarted);
          Map<String, Long> byThread = threadCpu();
          long cpu0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          methods.get(n).run();
          double seconds = (System.nanoTime() - t0) / 1e9;
          double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
          requests = sum(LinkConditions::responsesStarted) - requests;
          methods.get(n).after();
          rates.get(n)[r] = bytes / 1e6 / seconds;
          System.out.printf(
              "  round %d %-19s %7.1f MB/s  %5.2f CPU s/GB  %4d requests of %5.1f MiB  (%d new"
                  + " connections)%n",
              r + 1,
              n,
              rates.get(n)[r],
              cpu / (bytes / 1e9),
              requests,
              requests == 0 ? 0.0 : bytes / (double) MIB / requests,
              sum(LinkConditions::connectionsAccepted) - connections);
          if (Boolean.parseBoolean(o.getOrDefault("cpu-by-thread", "false"))) {
            StringBuilder line = new StringBuilder("      CPU s/GB by thread:");
            threadCpu()
                .forEach(
                    (group, nanos) -> {
                      double perGb =
                          (nanos - byThread.getOrDefault(group, 0L)) / (bytes / 1e9) / 1e9;
                      if (perGb >= 0.05) {
                        line.append(String.format(" %s %.2f", group, perGb));
                      }
                    });
            System.out.println(line);
          }
        }
      }
      return rates;
    }

    /** CPU nanoseconds of the live threads, summed by name with the digits taken out. */
    private Map<String, Long> threadCpu() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Map<String, Long> byName = new TreeMap<>();
      for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
        long nanos = t == null ? -1 : threads.getThreadCpuTime(t.getThreadId());
        if (nanos > 0) {
          byName.merge(t.getThreadName().replaceAll("\\d+", "N"), nanos, Long::sum);
        }
      }
      return byName;
    }

    private long sum(java.util.function.ToLongFunction<LinkConditions> counter) {
      return routes.stream().mapToLong(r -> counter.applyAsLong(r.link())).sum();
    }

    private InputStream tierRead(Route r, ShardEntry s) throws IOException {
      return r.tier().read(r.tier().locate(BlobKeys.of(s)).orElseThrow(), 0, -1);
    }

    private InputStream sdkRead(ShardEntry s) {
      return sdk.getObject(b -> b.bucket(BUCKET).key(BlobKeys.of(s)));
    }

    private InputStream crtRead(ShardEntry s) {
      return crt.getObject(
              b -> b.bucket(BUCKET).key(BlobKeys.of(s)),
              AsyncResponseTransformer.toBlockingInputStream())
          .join();
    }

    private void tmFile() throws IOException {
      Path file = dir.resolve("tm-download.bin");
      Files.deleteIfExists(file);
      tm.downloadFile(
              d ->
                  d.getObjectRequest(b -> b.bucket(BUCKET).key(BlobKeys.of(big))).destination(file))
          .completionFuture()
          .join();
      expect(Files.size(file), big.storedSize());
      Files.delete(file);
    }

    private void sdkSmall() throws IOException {
      for (ShardEntry s : small) {
        expect(drain(sdkRead(s)), s.storedSize());
      }
    }

    private void crtSmall() {
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (ShardEntry s : small) {
        all.add(
            crt.getObject(
                    b -> b.bucket(BUCKET).key(BlobKeys.of(s)), AsyncResponseTransformer.toBytes())
                .thenAccept(bytes -> expect(bytes.asByteArrayUnsafe().length, s.storedSize())));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    private interface ShardRead {
      long read(ShardEntry s) throws IOException;
    }

    private void onThreads(ShardRead read) throws Exception {
      List<Future<?>> futures = new ArrayList<>();
      for (ShardEntry s : small) {
        futures.add(pool.submit(() -> expect(read.read(s), s.size())));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
  }

  private long drain(InputStream in) throws IOException {
    byte[] buf = Thread.currentThread().getName().startsWith("main") ? sink : new byte[1 << 20];
    return BenchSupport.drain(in, buf);
  }

  private static Object expect(long got, long wanted) {
    if (got != wanted) {
      throw new IllegalStateException("read " + got + " bytes, expected " + wanted);
    }
    return null;
  }

  private static void writeRandom(Path file, long size, long seed) throws IOException {
    Files.createDirectories(file.getParent());
    Random random = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }

  private static S3Client sdkClient(S3TestServer server, URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(server.region()))
        .forcePathStyle(true)
        .credentialsProvider(credentials(server))
        .build();
  }

  private static S3AsyncClient crtClient(S3TestServer server, URI endpoint) {
    return S3AsyncClient.crtBuilder()
        .endpointOverride(endpoint)
        .region(Region.of(server.region()))
        .forcePathStyle(true)
        .credentialsProvider(credentials(server))
        .build();
  }

  private static StaticCredentialsProvider credentials(S3TestServer server) {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(server.accessKey(), server.secretKey()));
  }
}
