package io.btfshybrid.demo;

import com.google.common.io.MoreFiles;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.cli.ExitCodes;
import io.btfshybrid.cli.GlobalOptions;
import io.btfshybrid.cli.Human;
import io.btfshybrid.cli.Json;
import io.btfshybrid.cli.Subcommand;
import io.btfshybrid.core.BlobKeys;
import io.btfshybrid.core.ClientStats;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.s3.S3Tier;
import io.btfshybrid.testkit.BtfsNodeSimulator;
import io.btfshybrid.testkit.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Publishes a generated release to three local tiers (a replica directory, a real S3 server and a
 * BTFS node simulator), loads it verified, then damages the replica, shows every read still returns
 * exact bytes, scrubs (the damage is named), repairs and scrubs clean, stops the cloud and reads
 * from BTFS. It lives outside the command line's jar because its servers (S3Proxy, the testkit's
 * simulator) are not something users of the CLI should download; {@code bin/btfs-hybrid demo} runs
 * the demo jar, where {@code Main} finds this class as a {@link Subcommand}.
 */
@Command(
    name = "demo",
    description =
        "Publish a sample release to a replica, an in-process S3 server and a BTFS node"
            + " simulator; load it verified; survive a lying replica; scrub, repair, scrub clean;"
            + " survive a dead cloud.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  btfs-hybrid demo",
      "  btfs-hybrid demo --shards 8 --shard-size 1MiB --json",
      "",
      "The table counts each shard once per source: shards it served, shards it failed and"
          + " shards whose copy it was caught corrupting."
    })
public final class DemoCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      description = "work directory (default: a temporary one, removed afterwards)")
  Path dir;

  @Option(
      names = "--shards",
      defaultValue = "64",
      description = "number of shards (default ${DEFAULT-VALUE})")
  int shards;

  @Option(
      names = "--shard-size",
      defaultValue = "4MiB",
      description = "bytes per shard (default ${DEFAULT-VALUE})")
  String shardSize;

  private boolean json;

  private PrintWriter out;
  private final Map<String, Object> report = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    json = GlobalOptions.json(spec); // the inherited global --json: one document, no steps
    out = json ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getOut();
    long perShard = Human.parseSize(shardSize);
    if (shards < 1 || perShard < 1) {
      throw new IllegalArgumentException("--shards and --shard-size must be positive");
    }
    boolean temporary = dir == null;
    Path work =
        temporary ? Files.createTempDirectory("btfs-hybrid-demo") : Files.createDirectories(dir);
    try {
      int code = run(work, perShard);
      if (json) {
        report.put("ok", code == ExitCodes.OK);
        Json.print(spec.commandLine().getOut(), report);
      }
      return code;
    } finally {
      if (temporary) {
        MoreFiles.deleteRecursively(work);
      }
    }
  }

  private int run(Path work, long perShard) throws IOException {
    out.printf("btfs-hybrid demo in %s%n%n", work);
    Path source = work.resolve("source");
    step(1, "generating a sample dataset: %d shards, %s", shards, Human.bytes(shards * perShard));
    Map<String, String> expected = generate(source, perShard);

    Path tierRoot = work.resolve("tiers");
    try (S3TestServer s3 = S3TestServer.startOnDisk("datasets", tierRoot.resolve("s3"));
        BtfsNodeSimulator node = BtfsNodeSimulator.start(tierRoot.resolve("btfs-node"));
        S3Tier cloud = s3.tierBuilder("cloud").prefix("releases").build();
        BtfsTier btfs = BtfsTier.builder().id("btfs").apiUrl(node.apiUrl()).build()) {
      FileTier mirror =
          FileTier.builder()
              .id("mirror")
              .kind(TierKind.REPLICA)
              .region("eu-west-1")
              .root(tierRoot.resolve("mirror"))
              .build();
      out.printf(
          "      replica: directory %s%n      cloud:   S3 (S3Proxy, in-process) at %s, bucket datasets%n"
              + "      btfs:    BTFS node simulator at %s%n",
          mirror.root(), s3.endpoint(), node.apiUrl());
      List<StorageTier> tiers = List.of(mirror, cloud, btfs);
      ManifestSigner signer = ManifestSigner.generate();
      TrustRoot trust = TrustRoot.of(signer.publicKeyset());

      step(2, "publishing sample@1.0.0 to %s", describe(tiers));
      long t0 = System.nanoTime();
      PublishResult release =
          DatasetPublisher.builder()
              .tiers(tiers)
              .signer(signer)
              .classification("internal")
              .tag("demo", "true")
              .build()
              .publish(source, "sample", "1.0.0");
      out.printf(
          "      %s in %.1f s%n      manifest %s%n",
          Human.bytes(release.bytesUploaded()), secs(t0), release.manifestUri());
      report.put("manifestUri", release.manifestUri().toString());
      report.put("shards", shards);
      report.put("bytes", shards * perShard);

      step(3, "loading every shard verified, with a disk cache (cold, then warm)");
      Path cacheDir = work.resolve("cache");
      try (DatasetClient client = client(tiers, trust, cacheDir, shards * perShard)) {
        Pass cold = readAll(shared(client), release, expected, new ShardTally(List.of()));
        Pass warm = readAll(shared(client), release, expected, new ShardTally(List.of()));
        out.printf(
            "      cold (fetch + fill cache): %s   warm (from cache, re-verified): %s   cache hits: %d%n",
            cold.rate(), warm.rate(), client.stats().cacheHits());
      }

      step(4, "damaging the replica: one flipped byte in every other shard, the rest deleted");
      int corrupted = 0;
      int deleted = 0;
      for (ShardEntry s : release.manifest().shards()) {
        Path blob = mirror.root().resolve(BlobKeys.of(s));
        if (corrupted <= deleted) {
          flip(blob, s.size() / 2);
          corrupted++;
        } else {
          Files.delete(blob);
          deleted++;
        }
      }
      out.printf("      %d shards corrupted, %d removed at 'mirror'%n", corrupted, deleted);
      report.put("corruptedAtMirror", corrupted);
      report.put("removedAtMirror", deleted);

      step(5, "loading again, each shard with a fresh client (no memory of the bad replica)");
      MoreFiles.deleteRecursively(cacheDir);
      List<String> ids = List.of("mirror", "cloud", "btfs", "cache");
      ShardTally damagedTally = new ShardTally(ids);
      Pass damaged =
          readAll(
              () -> client(tiers, trust, cacheDir, shards * perShard),
              release,
              expected,
              damagedTally);
      Pass cached;
      long cacheHits;
      try (DatasetClient client = client(tiers, trust, cacheDir, shards * perShard)) {
        cached = readAll(shared(client), release, expected, new ShardTally(ids));
        cacheHits = client.stats().cacheHits();
      }
      out.printf(
          "      every shard exact: %s   then from cache: %s%n%n", damaged.rate(), cached.rate());
      table(damagedTally);
      out.printf(
          "%n      corrupted shards caught: %d of %d   cache hits: %d   throughput with a failing"
              + " tier: %s%n",
          damagedTally.shardsCaughtCorrupt(), corrupted, cacheHits, damaged.rate());
      report.put("damagedRead", damagedTally.toJson());
      report.put("corruptedShardsCaught", damagedTally.shardsCaughtCorrupt());

      report.putAll(
          new ScrubRepairSteps(out, (n, what) -> step(n, "%s", what))
              .run(6, tiers, trust, release.manifestUri()));

      step(9, "the cloud goes down too (S3 server stopped): reading from BTFS, no cache");
      stop(s3);
      try (DatasetClient client =
          DatasetClient.builder().tiers(tiers).region("eu-west-1").trust(trust).build()) {
        ShardTally tally = new ShardTally(List.of("mirror", "cloud", "btfs"));
        Pass fromBtfs = readAll(shared(client), release, expected, tally);
        out.printf("      every shard exact: %s%n%n", fromBtfs.rate());
        table(tally);
        report.put("cloudDownRead", tally.toJson());
      }
    }
    out.println(
        "\nOK: every byte returned matched the signed manifest, through a lying replica and a"
            + " dead cloud.");
    return ExitCodes.OK;
  }

  private DatasetClient client(
      List<StorageTier> tiers, TrustRoot trust, Path cacheDir, long datasetBytes)
      throws IOException {
    return DatasetClient.builder()
        .tiers(tiers)
        .region("eu-west-1")
        .trust(trust)
        .cacheDirectory(cacheDir)
        .cacheMaxBytes(Math.max(4 * datasetBytes, 1 << 20))
        .build();
  }

  /** Writes the sample shards and returns each one's SHA-256, for an independent check. */
  private Map<String, String> generate(Path source, long perShard) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    SplittableRandom random = new SplittableRandom(2026);
    byte[] buf = new byte[1 << 20];
    for (int i = 0; i < shards; i++) {
      String relative = String.format("train/shard-%05d.bin", i);
      Path file = source.resolve(relative);
      Files.createDirectories(file.getParent());
      MessageDigest md = sha256();
      try (var o = Files.newOutputStream(file)) {
        for (long left = perShard; left > 0; ) {
          int n = (int) Math.min(buf.length, left);
          for (int j = 0; j < n; j += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8 && j + k < n; k++) {
              buf[j + k] = (byte) (v >>> (8 * k));
            }
          }
          o.write(buf, 0, n);
          md.update(buf, 0, n);
          left -= n;
        }
      }
      sums.put(relative, HexFormat.of().formatHex(md.digest()));
    }
    return sums;
  }

  /** Where each shard's read gets its client: one shared client, or a fresh one per shard. */
  private interface Clients {
    DatasetClient next() throws IOException;

    default boolean fresh() {
      return true;
    }
  }

  private static Clients shared(DatasetClient client) {
    return new Clients() {
      @Override
      public DatasetClient next() {
        return client;
      }

      @Override
      public boolean fresh() {
        return false;
      }
    };
  }

  /** Reads every shard, checks it against the source file's own SHA-256 and tallies its sources. */
  private Pass readAll(
      Clients clients, PublishResult release, Map<String, String> expected, ShardTally tally)
      throws IOException {
    long bytes = 0;
    long t0 = System.nanoTime();
    for (ShardEntry s : release.manifest().shards()) {
      DatasetClient client = clients.next();
      try {
        ClientStats before = client.stats();
        bytes += readShard(client, release, s, expected.get(s.path()));
        tally.add(before, client.stats());
      } finally {
        if (clients.fresh()) {
          client.close();
        }
      }
    }
    return new Pass(bytes, System.nanoTime() - t0);
  }

  private static long readShard(
      DatasetClient client, PublishResult release, ShardEntry s, String expectedSha256)
      throws IOException {
    long bytes = 0;
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (Dataset ds = client.open(release.manifestUri());
        InputStream in = ds.openShard(s.path())) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        bytes += n;
      }
    }
    String got = HexFormat.of().formatHex(md.digest());
    if (!got.equals(expectedSha256)) {
      throw new IllegalStateException("shard " + s.path() + " came back different: " + got);
    }
    return bytes;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void table(ShardTally tally) {
    out.printf(
        "  %-8s %14s %14s %14s %16s%n",
        "source", "shards served", "bytes served", "shards failed", "shards corrupt");
    for (ShardTally.Row r : tally.rows()) {
      out.printf(
          "  %-8s %14d %14s %14d %16d%n",
          r.source,
          r.shardsServed,
          Human.bytes(r.bytesServed),
          r.shardsWithErrors,
          r.shardsCaughtCorrupt);
    }
  }

  private static void flip(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0xFF);
    }
  }

  private static String describe(List<StorageTier> tiers) {
    StringBuilder sb = new StringBuilder();
    for (StorageTier t : tiers) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(t.id())
          .append(" (")
          .append(t.kind().name().toLowerCase(java.util.Locale.ROOT))
          .append(')');
    }
    return sb.toString();
  }

  private void step(int n, String format, Object... args) {
    out.printf("[" + n + "/9] " + format + "%n", args);
    out.flush();
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private record Pass(long bytes, long nanos) {
    String rate() {
      return Human.rate(bytes, nanos);
    }
  }

  /** Stops a server before its try block ends: the demo takes the cloud down on purpose. */
  private static void stop(S3TestServer server) throws IOException {
    server.close();
  }
}
