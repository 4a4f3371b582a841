package io.btfshybrid.cli;

import io.btfshybrid.core.DrillReport;
import io.btfshybrid.core.TierScorecard;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Provider scorecards as a table or JSON, for {@code drill} and {@code stats}. */
final class Scorecards {
  private Scorecards() {}

  static void table(PrintWriter out, List<TierScorecard> tiers) {
    out.printf(
        "  %-12s %10s %8s %7s %6s %9s %9s %9s %10s  %s%n",
        "tier", "bytes", "chunks", "fail%", "lies", "ttfb p50", "p95", "p99", "throughput", "");
    for (TierScorecard t : tiers) {
      out.printf(
          Locale.ROOT,
          "  %-12s %10s %8d %6.1f%% %6d %9s %9s %9s %7.0f MB/s  %s%n",
          Untrusted.escape(t.tierId()),
          Human.bytes(t.bytes()),
          t.chunks(),
          100 * t.failureRate(),
          t.integrityFailures(),
          millis(t.firstByte().p50()),
          millis(t.firstByte().p95()),
          millis(t.firstByte().p99()),
          t.bytesPerSecond() / 1e6,
          t.healthy() ? "" : "demoted");
    }
  }

  private static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
  }

  static Map<String, Object> json(TierScorecard t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tier", t.tierId());
    m.put("bytes", t.bytes());
    m.put("chunks", t.chunks());
    m.put("errors", t.errors());
    m.put("integrityFailures", t.integrityFailures());
    m.put("stalls", t.stalls());
    m.put("failureRate", t.failureRate());
    m.put("firstByteMillis", latency(t.firstByte()));
    m.put("chunkLatencyMillis", latency(t.chunkLatency()));
    m.put("bytesPerSecond", t.bytesPerSecond());
    m.put("healthy", t.healthy());
    return m;
  }

  private static Map<String, Object> latency(TierScorecard.Latency l) {
    return Map.of(
        "samples",
        l.samples(),
        "p50",
        l.p50().toNanos() / 1e6,
        "p95",
        l.p95().toNanos() / 1e6,
        "p99",
        l.p99().toNanos() / 1e6);
  }

  static Map<String, Object> json(DrillReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("drill", r.drill());
    m.put("reads", r.reads());
    m.put("failedReads", r.failedReads());
    m.put("integrityFailedReads", r.integrityFailedReads());
    m.put("bytesRead", r.bytesRead());
    m.put("wrongBytes", r.wrongBytes());
    m.put("fallbacks", r.fallbacks());
    m.put("elapsedMillis", r.elapsed().toMillis());
    m.put("tiers", r.tiers().stream().map(Scorecards::json).toList());
    m.put("failures", r.failures());
    return m;
  }
}
