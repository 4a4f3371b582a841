package io.btfshybrid.bench;

import java.util.Arrays;

/** MB/s per run of one benchmark method, by wall-clock time and by CPU time. */
final class RunSamples {
  final double[] wall;
  final double[] cpu;

  RunSamples(int runs) {
    wall = new double[runs];
    cpu = new double[runs];
  }

  void add(int run, long bytes, long wallNanos, long cpuNanos) {
    wall[run] = bytes / 1e6 / (wallNanos / 1e9);
    cpu[run] = bytes / 1e6 / (Math.max(cpuNanos, 1) / 1e9);
  }

  double wallBest() {
    return best(wall);
  }

  double wallMedian() {
    return median(wall);
  }

  double cpuBest() {
    return best(cpu);
  }

  static double best(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
