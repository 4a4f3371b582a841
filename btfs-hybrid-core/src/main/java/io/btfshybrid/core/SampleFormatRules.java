package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.core.samples.SampleIndexer;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Which sample format a shard is indexed in: the first glob rule (in the order added) matching its
 * path, else {@link SampleFormat#forPath} ({@code *.tar} tar, {@code *.jsonl} jsonl, else raw).
 */
final class SampleFormatRules {
  /** One rule: a glob over shard paths and its format. */
  private record Rule(String glob, PathMatcher matcher, SampleFormat format) {}

  private final List<Rule> rules = new ArrayList<>();
  private long maxSampleBytes = SampleIndexer.DEFAULT_MAX_SAMPLE_BYTES;

  /** The longest line or record a shard may hold. */
  void maxSampleBytes(long max) {
    Preconditions.checkArgument(max > 0, "maxSampleBytes must be positive, was %s", max);
    this.maxSampleBytes = max;
  }

  /** Adds a rule; {@code glob} uses {@link java.nio.file.FileSystem#getPathMatcher} syntax. */
  void add(String glob, SampleFormat format) {
    rules.add(new Rule(glob, FileSystems.getDefault().getPathMatcher("glob:" + glob), format));
  }

  /** A copy of these rules. */
  SampleFormatRules copy() {
    SampleFormatRules c = new SampleFormatRules();
    c.rules.addAll(rules);
    c.maxSampleBytes = maxSampleBytes;
    return c;
  }

  /** A fresh indexer for shard {@code relative}, in its format. */
  SampleIndexer indexer(String relative) {
    return SampleIndexer.create(relative, formatOf(relative), maxSampleBytes);
  }

  /** The format of shard {@code relative} (a '/'-separated path in the release). */
  SampleFormat formatOf(String relative) {
    Path p = Path.of(relative);
    for (Rule r : rules) {
      if (r.matcher().matches(p)) {
        return r.format();
      }
    }
    return SampleFormat.forPath(relative);
  }
}
