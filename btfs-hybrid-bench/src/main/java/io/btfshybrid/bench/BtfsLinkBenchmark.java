package io.btfshybrid.bench;

import io.btfshybrid.api.Locator;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.testkit.BtfsNodeSimulator;
import io.btfshybrid.testkit.LinkConditions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark 3 of issue 13: a real js-ipfs node behind {@link LinkConditions} (30 ms to first byte,
 * 40 MB/s per connection), BtfsTier reads — plain and trustless, with the default parallelism and
 * with {@code readParallelism(1)} (how reads ran before) — against a plain {@code cat} of the same
 * CID drained by a hand-written HTTP client ({@link RawHttpCat}). Two shapes, both with an explicit
 * length as DatasetClient asks: a 16 MiB range inside the file and the whole file; plus the
 * trustless whole-file read without a length ({@code dag/export}). Methods are interleaved within
 * each run (the order rotates from run to run) and every ratio is of two figures of the same run.
 * Afterwards the same reads run once against the in-process BTFS node simulator to count the
 * requests each method makes and the most it has in flight at once.
 *
 * <p>Run: {@code btfs-hybrid-bench/run.sh --btfs-link [--size-mib 64] [--range-mib 16] [--runs 3]
 * [--ttfb-ms 30] [--mbps 40] [--node-dir btfs-hybrid-btfs/src/test/ipfs]}.
 */
public final class BtfsLinkBenchmark {
  private static final int MIB = 1 << 20;
  private static final String CAT = "cat (hand-written HTTP)";

  private final Map<String, BtfsTier> tiers = new LinkedHashMap<>();
  private final byte[] buf = new byte[1 << 16];

  private BtfsLinkBenchmark() {}

  /** A range of the file: where it starts and how long it is ({@code -1}: to the end). */
  private record Shape(String name, long offset, long length) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    int sizeMib = Integer.parseInt(o.getOrDefault("size-mib", "64"));
    int rangeMib = Integer.parseInt(o.getOrDefault("range-mib", "16"));
    int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
    long ttfbMs = Long.parseLong(o.getOrDefault("ttfb-ms", "30"));
    long mbps = Long.parseLong(o.getOrDefault("mbps", "40"));
    Path nodeDir = Path.of(o.getOrDefault("node-dir", "btfs-hybrid-btfs/src/test/ipfs"));
    byte[] content = new byte[sizeMib * MIB];
    new Random(13).nextBytes(content);
    long rangeStart = sizeMib * (long) MIB / 4 + 123;
    List<Shape> shapes =
        List.of(
            new Shape(rangeMib + " MiB range", rangeStart, (long) rangeMib * MIB),
            new Shape("whole " + sizeMib + " MiB, explicit length", 0, content.length));
    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "BTFS over a slow link: js-ipfs 0.66.1 behind LinkConditions (%d ms to first byte,"
            + " %d MB/s per connection), %d runs, methods interleaved%n",
        ttfbMs,
        mbps,
        runs);
    try (IpfsDaemon node = IpfsDaemon.start(nodeDir.toAbsolutePath());
        LinkConditions link =
            LinkConditions.builder()
                .upstream(node.apiUrl())
                .timeToFirstByte(Duration.ofMillis(ttfbMs))
                .bandwidthPerConnection(mbps * 1_000_000)
                .build()) {
      URI slow = link.endpoint(node.apiUrl());
      BtfsLinkBenchmark bench = new BtfsLinkBenchmark();
      String cid;
      try (BtfsTier direct = tier("direct", node.apiUrl(), false, 8)) {
        Locator where = direct.write("bench", new ByteArrayInputStream(content), content.length);
        cid = BtfsTier.cidOf(where).toString();
      }
      bench.tiers.put("BtfsTier plain", tier("plain", slow, false, 8));
      bench.tiers.put("BtfsTier trustless", tier("trustless", slow, true, 8));
      bench.tiers.put("BtfsTier plain, parallelism 1 (before)", tier("plain1", slow, false, 1));
      bench.tiers.put(
          "BtfsTier trustless, parallelism 1 (before)", tier("trustless1", slow, true, 1));
      try {
        bench.checkBytes(cid, content, shapes);
        bench.measure(out, slow, cid, shapes, runs);
      } finally {
        for (BtfsTier t : bench.tiers.values()) {
          t.close();
        }
      }
    }
    countRequests(out, content, shapes);
  }

  private static BtfsTier tier(String id, URI api, boolean trustless, int parallelism) {
    return BtfsTier.builder()
        .id(id)
        .apiUrl(api)
        .apiPrefix("/api/v0")
        .requestTimeout(Duration.ofSeconds(60))
        .trustless(trustless)
        .readParallelism(parallelism)
        .build();
  }

  /** Every BtfsTier method reads exactly the right bytes (outside the timed runs). */
  private void checkBytes(String cid, byte[] content, List<Shape> shapes) throws IOException {
    for (Map.Entry<String, BtfsTier> t : tiers.entrySet()) {
      for (Shape s : shapes) {
        byte[] got;
        try (InputStream in = t.getValue().read(locator(t.getValue(), cid), s.offset, s.length)) {
          got = in.readAllBytes();
        }
        long end = s.length < 0 ? content.length : s.offset + s.length;
        if (!Arrays.equals(got, Arrays.copyOfRange(content, (int) s.offset, (int) end))) {
          throw new IllegalStateException(t.getKey() + " read wrong bytes for " + s.name);
        }
      }
    }
  }

  private static Locator locator(BtfsTier tier, String cid) {
    return new Locator(tier.id(), URI.create("btfs://" + cid));
  }

  private void measure(PrintStream out, URI slow, String cid, List<Shape> shapes, int runs)
      throws IOException {
    for (Shape s : shapes) {
      List<String> methods = new ArrayList<>();
      methods.add(CAT);
      methods.addAll(tiers.keySet());
      boolean wholeFile = s.offset == 0;
      if (wholeFile) {
        methods.add("BtfsTier trustless, no length (dag/export)");
      }
      Map<String, double[]> mbs = new LinkedHashMap<>();
      methods.forEach(m -> mbs.put(m, new double[runs]));
      for (int run = 0; run < runs; run++) {
        for (int i = 0; i < methods.size(); i++) {
          String m = methods.get((i + run) % methods.size());
          long start = System.nanoTime();
          long bytes = readOnce(m, slow, cid, s);
          mbs.get(m)[run] = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
        }
      }
      out.printf(Locale.ROOT, "%n%s (offset %d):%n", s.name, s.offset);
      out.printf(
          Locale.ROOT,
          "  %-46s %9s %9s %11s  %s%n",
          "method",
          "best MB/s",
          "med MB/s",
          "median x",
          "x cat per run");
      double[] cat = mbs.get(CAT);
      for (String m : methods) {
        double[] v = mbs.get(m);
        double[] ratio = new double[runs];
        for (int r = 0; r < runs; r++) {
          ratio[r] = v[r] / cat[r];
        }
        StringBuilder perRun = new StringBuilder();
        for (double x : ratio) {
          perRun.append(String.format(Locale.ROOT, "%.2f ", x));
        }
        out.printf(
            Locale.ROOT,
            "  %-46s %9.1f %9.1f %10.2fx  %s%n",
            m,
            RunSamples.best(v),
            RunSamples.median(v),
            RunSamples.median(ratio),
            perRun.toString().trim());
      }
    }
  }

  private long readOnce(String method, URI slow, String cid, Shape s) throws IOException {
    if (CAT.equals(method)) {
      return RawHttpCat.drain(slow, cid, s.offset, s.length, buf);
    }
    boolean noLength = method.contains("no length");
    BtfsTier t = tiers.get(noLength ? "BtfsTier trustless" : method);
    long length = noLength ? -1 : s.length;
    try (InputStream in = t.read(locator(t, cid), s.offset, length)) {
      return BenchSupport.drain(in, buf);
    }
  }

  /** The requests each method makes for each shape, counted by the simulator. */
  private static void countRequests(PrintStream out, byte[] content, List<Shape> shapes)
      throws IOException {
    out.printf(
        Locale.ROOT,
        "%nRequests per read, counted by the BTFS node simulator (same content, same shapes):%n");
    String[] commands = {"cat", "block/get", "dag/export", "files/stat", "block/stat"};
    try (BtfsNodeSimulator sim = BtfsNodeSimulator.start()) {
      Map<String, BtfsTier> tiers = new LinkedHashMap<>();
      tiers.put("plain", simTier(sim, "plain", false, 8));
      tiers.put("trustless", simTier(sim, "trustless", true, 8));
      tiers.put("plain, parallelism 1 (before)", simTier(sim, "plain1", false, 1));
      tiers.put("trustless, parallelism 1 (before)", simTier(sim, "trustless1", true, 1));
      try {
        Locator where =
            tiers.get("plain").write("bench", new ByteArrayInputStream(content), content.length);
        for (Shape s : shapes) {
          out.printf(Locale.ROOT, "  %s:%n", s.name);
          for (Map.Entry<String, BtfsTier> t : tiers.entrySet()) {
            sim.resetFaults();
            int[] before = new int[commands.length];
            for (int i = 0; i < commands.length; i++) {
              before[i] = sim.requestCount(commands[i]);
            }
            try (InputStream in = t.getValue().read(where, s.offset, s.length)) {
              in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            StringBuilder counts = new StringBuilder();
            int peak = 0;
            for (int i = 0; i < commands.length; i++) {
              int n = sim.requestCount(commands[i]) - before[i];
              peak = Math.max(peak, sim.peakConcurrentRequests(commands[i]));
              if (n > 0) {
                counts.append(commands[i]).append(' ').append(n).append("  ");
              }
            }
            out.printf(
                Locale.ROOT, "    %-36s %s(at most %d at once)%n", t.getKey(), counts, peak);
          }
        }
      } finally {
        for (BtfsTier t : tiers.values()) {
          t.close();
        }
      }
    }
  }

  private static BtfsTier simTier(
      BtfsNodeSimulator sim, String id, boolean trustless, int parallelism) {
    return BtfsTier.builder()
        .id(id)
        .apiUrl(sim.apiUrl())
        .trustless(trustless)
        .readParallelism(parallelism)
        .build();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }
}
