package io.btfshybrid.bench;

import com.google.common.base.CharMatcher;
import com.google.common.base.Splitter;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-run end-to-end benchmark printing two tables: (1) verified streaming from a warm local
 * FileTier as MB/s and as ratios to plain MessageDigest SHA-256 over the same files with the same
 * buffers (target >= 0.8), to the PEERS.md hardware figures and to peers measured in the same run
 * (sha256sum, openssl dgst, a hand-rolled unverified loader); (2) the heap high-water mark of a
 * child JVM with a small -Xmx streaming a large release and checking every shard's SHA-256.
 *
 * <p>Options (defaults in brackets): --dir DIR [temp], --size-mib N [512], --shards N [8],
 * --chunk-mib 1,4 [1,4], --runs N [5], --heap-gib N [2; 0 skips], --heap-shards N [8],
 * --heap-chunk-mib N [4], --heap-xmx SIZE [64m], --keep (leave the data behind).
 */
public final class EndToEndBenchmark {
  /** PEERS.md: JDK 17 MessageDigest SHA-256, 1 MiB updates, one core (MB/s, 10^6 B). */
  static final double PEERS_MESSAGE_DIGEST_MBPS = 1810;

  /** PEERS.md: openssl speed -evp sha256, 16 KiB blocks, one core. */
  static final double PEERS_OPENSSL_MBPS = 2040;

  static final double TARGET_RATIO = 0.8;
  private static final String VERIFIED = "btfs-hybrid verified stream (Dataset.openShard)";
  private static final String MESSAGE_DIGEST = "MessageDigest SHA-256, same files, same buffer";

  /**
   * CPU time of the measuring thread (ns resolution; process CPU time ticks in 10 ms). Plaintext
   * verified reads run entirely on the caller's thread; a design that verifies on helper threads
   * would need the helpers' time added here.
   */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** One figure of the shell's {@code times} output, e.g. {@code 0m1.234s}. */
  private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s");

  private EndToEndBenchmark() {}

  public static void main(String[] argv) throws Exception {
    quietLogging();
    EndToEndOptions o = EndToEndOptions.parse(argv);
    Path dir =
        o.dir != null
            ? Files.createDirectories(o.dir)
            : Files.createTempDirectory("btfs-hybrid-e2e-");
    System.out.printf(
        "btfs-hybrid end-to-end benchmark  %s  java %s  %d CPUs  loadavg at start: %s%n",
        Instant.now(),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        loadAverage());
    System.out.printf(
        "data in %s; MB = 10^6 bytes; best and median of %d runs, methods interleaved per run%n%n",
        dir, o.runs);
    boolean belowTarget = false;
    try {
      for (int chunkMiB : o.chunkMiB) {
        belowTarget |= streamingTable(dir.resolve("stream-" + chunkMiB + "m"), o, chunkMiB);
      }
      if (o.heapGiB > 0) {
        heapTable(dir.resolve("heap"), o);
      }
    } finally {
      if (!o.keep) {
        BenchSupport.deleteRecursively(dir);
      }
    }
    System.out.printf("loadavg at end: %s%n", loadAverage());
    if (belowTarget) {
      System.out.println(
          "NOTE: verified streaming below " + TARGET_RATIO + " x MessageDigest on this run");
    }
  }

  // ---- (1) streaming throughput ------------------------------------------------------------

  private static boolean streamingTable(Path dir, EndToEndOptions o, int chunkMiB)
      throws Exception {
    int chunk = chunkMiB << 20;
    long began = System.nanoTime();
    BenchSupport.LocalRelease release =
        BenchSupport.publish(dir, o.shards, (long) o.sizeMiB << 20, chunk, 1, false);
    double publishSeconds = (System.nanoTime() - began) / 1e9;
    long total = release.totalBytes();
    List<Path> files = release.blobFiles();
    byte[] buf = new byte[chunk];
    byte[] memory = BenchSupport.readAll(files.get(0));
    MessageDigest md = BenchSupport.sha256();

    Map<String, Method> methods = new LinkedHashMap<>();
    try (DatasetClient client = release.client();
        Dataset ds = client.open(release.published().manifestUri())) {
      methods.put(
          VERIFIED,
          () -> {
            long n = 0;
            for (ShardEntry s : release.shards()) {
              n += BenchSupport.drain(ds.openShard(s.path()), buf);
            }
            return Cost.inThisThread(n);
          });
      methods.put(
          MESSAGE_DIGEST,
          () -> {
            for (Path f : files) {
              BenchSupport.digestFile(f, buf, md);
            }
            return Cost.inThisThread(total);
          });
      methods.put(
          "MessageDigest SHA-256, bytes already in memory",
          () -> {
            long done = 0;
            md.reset();
            while (done < total) {
              for (int off = 0; off < memory.length && done < total; off += chunk) {
                int n = (int) Math.min(Math.min(chunk, memory.length - off), total - done);
                md.update(memory, off, n);
                done += n;
              }
            }
            md.digest();
            return Cost.inThisThread(done);
          });
      methods.put(
          "hand-rolled loader: FileInputStream copy, no verification",
          () -> {
            long n = 0;
            for (Path f : files) {
              n += BenchSupport.drain(new FileInputStream(f.toFile()), buf);
            }
            return Cost.inThisThread(n);
          });
      if (onPath("sha256sum")) {
        methods.put(
            "sha256sum (coreutils, no SHA-NI) over the same files",
            () -> external(files, total, "sha256sum"));
      }
      if (onPath("openssl")) {
        methods.put(
            "openssl dgst -sha256 over the same files",
            () -> external(files, total, "openssl dgst -sha256"));
      }
      // warm the page cache and the JIT
      for (int i = 0; i < 2; i++) {
        for (Method m : methods.values()) {
          check(m.run().bytes(), total);
        }
      }
      Map<String, RunSamples> samples = new LinkedHashMap<>();
      methods.keySet().forEach(k -> samples.put(k, new RunSamples(o.runs)));
      for (int r = 0; r < o.runs; r++) {
        for (var e : methods.entrySet()) {
          long cpu0 = THREADS.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          Cost cost = e.getValue().run();
          long wall = System.nanoTime() - t0;
          long cpu = THREADS.getCurrentThreadCpuTime() - cpu0 + cost.childCpuNanos();
          check(cost.bytes(), total);
          samples.get(e.getKey()).add(r, total, wall, cpu);
        }
      }
      return printStreaming(chunkMiB, o, total, publishSeconds, samples);
    } finally {
      BenchSupport.deleteRecursively(dir);
    }
  }

  private static boolean printStreaming(
      int chunkMiB,
      EndToEndOptions o,
      long total,
      double publishSeconds,
      Map<String, RunSamples> samples) {
    RunSamples md = samples.get(MESSAGE_DIGEST);
    System.out.printf(
        "(1) verified streaming, warm local FileTier: %d shards, %.1f MB, chunk %d MiB, read buffer %d MiB"
            + " (publish took %.1f s)%n",
        o.shards, total / 1e6, chunkMiB, chunkMiB, publishSeconds);
    System.out.printf(
        "  %-58s %8s %8s %8s | %7s %7s %7s | %8s%n",
        "method (MB/s: wall best, wall median, CPU-time best)",
        "wall",
        "median",
        "cpu",
        "xMD",
        "xMDmed",
        "xMDcpu",
        "cpu/1810");
    for (var e : samples.entrySet()) {
      RunSamples v = e.getValue();
      System.out.printf(
          "  %-58s %8.0f %8.0f %8.0f | %7.2f %7.2f %7.2f | %8.2f%n",
          e.getKey(),
          v.wallBest(),
          v.wallMedian(),
          v.cpuBest(),
          v.wallBest() / md.wallBest(),
          v.wallMedian() / md.wallMedian(),
          v.cpuBest() / md.cpuBest(),
          v.cpuBest() / PEERS_MESSAGE_DIGEST_MBPS);
    }
    System.out.printf(
        "  %-58s %8.0f %8s %8s | %7.2f %7s %7.2f |%n",
        "PEERS.md hardware: MessageDigest, 1 MiB updates",
        PEERS_MESSAGE_DIGEST_MBPS,
        "",
        "",
        PEERS_MESSAGE_DIGEST_MBPS / md.wallBest(),
        "",
        PEERS_MESSAGE_DIGEST_MBPS / md.cpuBest());
    System.out.printf(
        "  %-58s %8.0f %8s %8s | %7.2f %7s %7.2f |%n",
        "PEERS.md hardware: openssl speed -evp sha256",
        PEERS_OPENSSL_MBPS,
        "",
        "",
        PEERS_OPENSSL_MBPS / md.wallBest(),
        "",
        PEERS_OPENSSL_MBPS / md.cpuBest());
    RunSamples verified = samples.get(VERIFIED);
    double wallRatio = verified.wallBest() / md.wallBest();
    double cpuRatio = verified.cpuBest() / md.cpuBest();
    System.out.printf(
        "  => verified / MessageDigest = %.2f wall (best), %.2f wall (median), %.2f CPU time;"
            + " vs PEERS 1810 MB/s: %.2f (CPU); target >= %.1f: wall %s, CPU %s%n%n",
        wallRatio,
        verified.wallMedian() / md.wallMedian(),
        cpuRatio,
        verified.cpuBest() / PEERS_MESSAGE_DIGEST_MBPS,
        TARGET_RATIO,
        verdict(wallRatio),
        verdict(cpuRatio));
    return Math.min(wallRatio, cpuRatio) < TARGET_RATIO;
  }

  private static String verdict(double ratio) {
    return ratio >= TARGET_RATIO ? "MET" : "NOT MET";
  }

  /**
   * Runs a tool over the files through {@code sh -c '…; times'}, whose second line is the
   * children's user and system CPU time.
   */
  private static Cost external(List<Path> files, long total, String command)
      throws IOException, InterruptedException {
    StringBuilder script = new StringBuilder(command);
    files.forEach(f -> script.append(" '").append(f).append('\''));
    script.append(" >/dev/null || exit 1; times");
    Process p =
        new ProcessBuilder("sh", "-c", script.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(command + " exited with " + p.exitValue());
    }
    List<String> lines = Splitter.on('\n').splitToList(out.trim());
    long cpu = 0;
    for (String t :
        Splitter.on(CharMatcher.whitespace())
            .omitEmptyStrings()
            .split(lines.get(lines.size() - 1))) {
      Matcher m = TIMES.matcher(t);
      if (!m.matches()) {
        throw new IOException("cannot read the CPU time '" + t + "' from `times`: " + out);
      }
      cpu += (long) ((Long.parseLong(m.group(1)) * 60 + Double.parseDouble(m.group(2))) * 1e9);
    }
    return new Cost(total, cpu);
  }

  private static boolean onPath(String tool) {
    for (String d : Splitter.on(':').split(System.getenv().getOrDefault("PATH", ""))) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  // ---- (2) heap high-water mark --------------------------------------------------------------

  private static void heapTable(Path dir, EndToEndOptions o) throws Exception {
    long bytes = (long) o.heapGiB << 30;
    long began = System.nanoTime();
    BenchSupport.LocalRelease release =
        BenchSupport.publish(dir, o.heapShards, bytes, o.heapChunkMiB << 20, 3, false);
    double publishSeconds = (System.nanoTime() - began) / 1e9;
    Path keyset = dir.resolve("signer.json");
    release.signer().save(keyset);
    Path gcLog = dir.resolve("gc.log");
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + o.heapXmx,
            "-Xlog:gc:file=" + gcLog,
            "-cp",
            System.getProperty("java.class.path"),
            EndToEndHeapProbe.class.getName(),
            release.tier().root().toString(),
            keyset.toString(),
            release.published().manifestUri().toString(),
            Integer.toString(64 * 1024));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = child.waitFor();
    Map<String, String> result = parseResult(out);
    System.out.printf(
        "(2) heap while streaming %d GiB (%d shards, chunk %d MiB, 64 KiB reads) in a child JVM"
            + " with -Xmx%s (publish took %.1f s)%n",
        o.heapGiB, o.heapShards, o.heapChunkMiB, o.heapXmx, publishSeconds);
    if (exit != 0 || result.isEmpty()) {
      System.out.println("  child FAILED (exit " + exit + "):\n" + out.indent(4));
      return;
    }
    double mib = 1 << 20;
    long[] gcLogPeak = gcLogPeaksMiB(gcLog);
    System.out.printf(
        "  completed: %s of %s shards with the exact SHA-256, %.1f MB in %s s = %.0f MB/s (verify + whole-shard SHA)%n",
        result.get("exact"),
        result.get("shards"),
        Long.parseLong(result.get("bytes")) / 1e6,
        result.get("seconds"),
        Long.parseLong(result.get("bytes")) / 1e6 / Double.parseDouble(result.get("seconds")));
    long highWater =
        Math.max(
            Math.max(
                Long.parseLong(result.get("gcPeakUsed")),
                Long.parseLong(result.get("sampledPeakUsed"))),
            gcLogPeak[0] << 20);
    System.out.printf(
        "  HEAP HIGH-WATER MARK (max of the three below):      %6.1f MiB of -Xmx%s%n",
        highWater / mib, o.heapXmx);
    System.out.printf(
        "  heap high-water (used before GC, GC notifications): %6.1f MiB%n",
        Long.parseLong(result.get("gcPeakUsed")) / mib);
    System.out.printf(
        "  heap high-water (-Xlog:gc, before GC):              %6d MiB%n", gcLogPeak[0]);
    System.out.printf(
        "  heap high-water (2 ms sampler):                     %6.1f MiB%n",
        Long.parseLong(result.get("sampledPeakUsed")) / mib);
    System.out.printf(
        "  sum of heap pools' peaks (upper bound):             %6.1f MiB%n",
        Long.parseLong(result.get("poolPeakSum")) / mib);
    System.out.printf(
        "  live heap after GC, max (GC notifications / -Xlog): %6.1f MiB / %d MiB%n",
        Long.parseLong(result.get("gcPeakAfter")) / mib, gcLogPeak[1]);
    long allocated = Long.parseLong(result.get("allocated"));
    System.out.printf(
        "  max committed %.1f MiB of max heap %.1f MiB; %s GCs; the reading thread allocated %.1f MiB"
            + " (%.0f KiB per MiB streamed)%n%n",
        Long.parseLong(result.get("maxCommitted")) / mib,
        Long.parseLong(result.get("maxHeap")) / mib,
        result.get("gcCount"),
        allocated / mib,
        allocated / 1024.0 / (Long.parseLong(result.get("bytes")) / mib));
    BenchSupport.deleteRecursively(dir);
  }

  private static Map<String, String> parseResult(String out) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : Splitter.on('\n').split(out)) {
      if (line.startsWith("RESULT ")) {
        for (String pair : Splitter.on(' ').omitEmptyStrings().split(line.substring(7))) {
          String[] p = pair.split("=", 2);
          kv.put(p[0], p[1]);
        }
      }
    }
    return kv;
  }

  /**
   * The largest "before" and "after" figures of -Xlog:gc lines such as "Pause Young ...
   * 24M->3M(64M)".
   */
  private static long[] gcLogPeaksMiB(Path gcLog) throws IOException {
    Pattern p = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    long[] max = {-1, -1};
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        max[0] = Math.max(max[0], Long.parseLong(m.group(1)));
        max[1] = Math.max(max[1], Long.parseLong(m.group(2)));
      }
    }
    return max;
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The shaded jar carries both logback (via S3Proxy) and slf4j-simple: pick simple, at WARN. */
  static void quietLogging() {
    System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  @FunctionalInterface
  private interface Method {
    Cost run() throws Exception;
  }

  /**
   * Bytes a method processed and the CPU time its child processes used (zero for in-JVM methods).
   */
  private record Cost(long bytes, long childCpuNanos) {
    static Cost inThisThread(long bytes) {
      return new Cost(bytes, 0);
    }
  }

  private static void check(long bytes, long expected) {
    if (bytes != expected) {
      throw new IllegalStateException("a method read " + bytes + " bytes, expected " + expected);
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }
}
