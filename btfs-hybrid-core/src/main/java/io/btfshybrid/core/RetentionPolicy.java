package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which versions {@link ReleaseOperations#collectGarbage} keeps. A version is kept when any policy
 * that applies to its dataset keeps it, when it is held, or when the dataset's latest pointer names
 * it. Keep rules apply to every dataset unless {@link #forDataset scoped} to one; a dataset with
 * scoped rules follows only those, and a dataset no keep rule applies to keeps every version.
 */
public final class RetentionPolicy {
  private enum Kind {
    KEEP_LATEST,
    KEEP_NEWER_THAN,
    HOLD
  }

  private final Kind kind;
  private final int count;
  private final Duration age;
  private final String dataset;
  private final String version;

  private RetentionPolicy(Kind kind, int count, Duration age, String dataset, String version) {
    this.kind = kind;
    this.count = count;
    this.age = age;
    this.dataset = dataset;
    this.version = version;
  }

  /** Keeps each dataset's {@code n} most recently published versions ({@code n >= 1}). */
  public static RetentionPolicy keepLatest(int n) {
    Preconditions.checkArgument(n >= 1, "keepLatest needs n >= 1, got %s", n);
    return new RetentionPolicy(Kind.KEEP_LATEST, n, null, null, null);
  }

  /** Keeps every version published less than {@code age} ago (a positive duration). */
  public static RetentionPolicy keepNewerThan(Duration age) {
    Preconditions.checkArgument(
        age != null && !age.isNegative() && !age.isZero(),
        "keepNewerThan needs a positive duration, got %s",
        age);
    return new RetentionPolicy(Kind.KEEP_NEWER_THAN, 0, age, null, null);
  }

  /** Never retires {@code datasetId@version}, whatever the other policies say. */
  public static RetentionPolicy hold(String datasetId, String version) {
    return new RetentionPolicy(
        Kind.HOLD,
        0,
        null,
        ShardPaths.checkName("datasetId", datasetId),
        ShardPaths.checkName("version", version));
  }

  /** This keep rule applied to {@code datasetId} only (a hold is already for one release). */
  public RetentionPolicy forDataset(String datasetId) {
    Preconditions.checkArgument(kind != Kind.HOLD, "a hold already names its dataset");
    return new RetentionPolicy(
        kind, count, age, ShardPaths.checkName("datasetId", datasetId), version);
  }

  /** The dataset this policy is scoped to, if any. */
  public Optional<String> dataset() {
    return Optional.ofNullable(dataset);
  }

  /** Whether this is a hold of one release. */
  public boolean isHold() {
    return kind == Kind.HOLD;
  }

  boolean holds(String datasetId, String v) {
    return kind == Kind.HOLD && dataset.equals(datasetId) && version.equals(v);
  }

  boolean isKeepRuleFor(String datasetId) {
    return kind != Kind.HOLD && (dataset == null || dataset.equals(datasetId));
  }

  /**
   * Whether this keep rule keeps {@code release}, given the dataset's versions oldest first and the
   * time now.
   */
  boolean keeps(ReleaseInfo release, List<ReleaseInfo> oldestFirst, Instant now) {
    return switch (kind) {
      case KEEP_LATEST -> oldestFirst.indexOf(release) >= oldestFirst.size() - count;
      case KEEP_NEWER_THAN -> release.created().isAfter(now.minus(age));
      case HOLD -> holds(release.dataset(), release.version());
    };
  }

  /** Equal when the rule, its parameter and its scope are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RetentionPolicy p
        && kind == p.kind
        && count == p.count
        && Objects.equals(age, p.age)
        && Objects.equals(dataset, p.dataset)
        && Objects.equals(version, p.version);
  }

  /** Consistent with {@link #equals}. */
  @Override
  public int hashCode() {
    return Objects.hash(kind, count, age, dataset, version);
  }

  /** E.g. {@code keepLatest(3)}, {@code keepNewerThan(PT720H) for imagenet}, {@code hold(a@1)}. */
  @Override
  public String toString() {
    String rule =
        switch (kind) {
          case KEEP_LATEST -> "keepLatest(" + count + ")";
          case KEEP_NEWER_THAN -> "keepNewerThan(" + age + ")";
          case HOLD -> "hold(" + dataset + "@" + version + ")";
        };
    return kind != Kind.HOLD && dataset != null ? rule + " for " + dataset : rule;
  }
}
