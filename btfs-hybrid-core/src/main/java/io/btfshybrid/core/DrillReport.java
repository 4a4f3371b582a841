package io.btfshybrid.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one drill measured over its reads: per tier a {@link TierScorecard} (p50/p95/p99 time to
 * first byte, throughput, failure rate), and overall how many reads failed, how many fallbacks were
 * taken and how many wrong bytes were returned — which must be zero.
 *
 * @param drill the drill's name ({@link Drill#name()})
 * @param reads reads attempted
 * @param failedReads reads that returned no bytes because no source could serve them
 * @param integrityFailedReads of those, reads where some source served wrong bytes and none right
 * @param bytesRead verified bytes the reads returned
 * @param wrongBytes bytes returned that did not match the manifest's chunk hashes (0, or a bug)
 * @param fallbacks source failures after which the read went on to another source and succeeded
 * @param elapsed the wall time of all reads
 * @param tiers a scorecard per tier, in the order the operations were given them
 * @param failures the first few failed reads' messages
 */
public record DrillReport(
    String drill,
    int reads,
    int failedReads,
    int integrityFailedReads,
    long bytesRead,
    long wrongBytes,
    long fallbacks,
    Duration elapsed,
    List<TierScorecard> tiers,
    List<String> failures) {
  /** Copies the lists. */
  public DrillReport {
    tiers = List.copyOf(tiers);
    failures = List.copyOf(failures);
  }

  /** The scorecard of {@code tierId}, if it is one of the drilled tiers. */
  public Optional<TierScorecard> tier(String tierId) {
    return tiers.stream().filter(t -> t.tierId().equals(tierId)).findFirst();
  }

  /** Verified bytes returned per second of the drill. */
  public double bytesPerSecond() {
    return elapsed.isZero() ? 0 : bytesRead * 1e9 / elapsed.toNanos();
  }

  /** Whether every read returned exactly the right bytes. */
  public boolean passed() {
    return failedReads == 0 && wrongBytes == 0;
  }
}
