package io.btfshybrid.bench;

import java.util.Map;
import java.util.stream.Stream;

/**
 * The closing table of {@link S3LinkBenchmark}: every ratio issue 13 sets a target for, for both
 * object shapes, each the median over rounds of the per-round ratio of two interleaved methods.
 */
final class LinkRatioTable {
  private LinkRatioTable() {}

  static void print(
      String bigName,
      Map<String, double[]> big,
      String smallName,
      Map<String, double[]> small,
      long aggregate,
      long capped) {
    String cap = " @" + capped / 1_000_000;
    String[][] rows = {
      {"S3Tier / best SDK parallel", ">= 1.0", "S3Tier", "best SDK"},
      {"S3Tier / SDK 1 stream", ">= 4", "S3Tier", "SDK 1 stream"},
      {"S3Tier / aggregate limit " + aggregate / 1_000_000 + " MB/s", ">= 0.8", "S3Tier", ""},
      {"DatasetClient / S3Tier", ">= 0.9", "DatasetClient", "S3Tier"},
      {"S3Tier" + cap + " / its limit " + capped / 1_000_000 + " MB/s", "", "S3Tier" + cap, ""},
      {"DatasetClient" + cap + " / S3Tier" + cap, ">= 0.9", "DatasetClient" + cap, "S3Tier" + cap},
      {"5a. cold cache / uncached DatasetClient", ">= 0.9", "DatasetClient cold cache", "DatasetClient"},
      {
        "5a. the same" + cap,
        ">= 0.9",
        "DatasetClient cold cache" + cap,
        "DatasetClient" + cap
      }
    };
    System.out.printf(
        "%n  %-48s %12s %12s   target%n", "ratio (median over rounds)", bigName, smallName);
    for (String[] row : rows) {
      long limit = row[2].equals("S3Tier") ? aggregate : capped;
      System.out.printf(
          "  %-48s %12s %12s   %s%n",
          row[0], ratio(big, row[2], row[3], limit), ratio(small, row[2], row[3], limit), row[1]);
    }
  }

  /**
   * The median over rounds of the per-round ratio {@code a / b} ("best SDK": the faster SDK
   * parallel method's median; "": {@code limit}), or "-" when a method did not run.
   */
  private static String ratio(Map<String, double[]> rates, String a, String b, long limit) {
    double[] x = rates.get(a);
    if (x == null) {
      return "-";
    }
    if (b.isEmpty() || b.equals("best SDK")) {
      double best =
          b.isEmpty()
              ? limit / 1e6
              : Stream.of("SDK CRT", "SDK TM file")
                  .filter(rates::containsKey)
                  .mapToDouble(n -> RunSamples.median(rates.get(n)))
                  .max()
                  .orElse(Double.NaN);
      return Double.isNaN(best) ? "-" : String.format("%.2f", RunSamples.median(x) / best);
    }
    double[] y = rates.get(b);
    if (y == null) {
      return "-";
    }
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      r[i] = x[i] / y[i];
    }
    return String.format("%.2f", RunSamples.median(r));
  }
}
