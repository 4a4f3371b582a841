package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.ManifestPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who may read a release: named principals and groups (either suffices), plus the release's
 * classification label. Stored in the signed manifest; a client refuses to open a restricted
 * release for a principal outside the policy (encrypted or not) and releases the data key only
 * after the policy allowed the principal.
 *
 * <p>The check runs in the reading process against the principal the application asserts, so it
 * guards against mistakes and honest misuse; against a reader who controls its own process the
 * protection is the key-encryption key itself: grant KEK access (KMS IAM, Vault policies) to the
 * same principals and groups.
 */
public final class AccessPolicy {
  /** Upper bound on listed principals plus groups, mirrored by the manifest parser. */
  static final int MAX_ENTRIES = 10_000;

  private final List<String> principals;
  private final List<String> groups;
  private final Optional<String> classification;

  private AccessPolicy(
      List<String> principals, List<String> groups, Optional<String> classification) {
    this.principals = List.copyOf(new TreeSet<>(principals));
    this.groups = List.copyOf(new TreeSet<>(groups));
    this.classification = classification;
  }

  /** A builder; with nothing allowed, the policy is open (everyone may read). */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy a manifest carries (no classification: that is the manifest's own field). */
  public static AccessPolicy of(ManifestPolicy policy) {
    return new AccessPolicy(policy.principals(), policy.groups(), Optional.empty());
  }

  /** True when no principal or group is listed: anyone may read. */
  public boolean isOpen() {
    return principals.isEmpty() && groups.isEmpty();
  }

  /** Whether {@code principal} (null: nobody said who is reading) may read. */
  public boolean allows(Principal principal) {
    if (isOpen()) {
      return true;
    }
    if (principal == null) {
      return false;
    }
    return principals.contains(principal.name())
        || principal.groups().stream().anyMatch(groups::contains);
  }

  /** The principals allowed, sorted. */
  public List<String> principals() {
    return principals;
  }

  /** The groups allowed, sorted. */
  public List<String> groups() {
    return groups;
  }

  /** The classification label to record in the manifest, if the policy sets one. */
  public Optional<String> classification() {
    return classification;
  }

  /** The manifest form of this policy. */
  public ManifestPolicy toManifestPolicy() {
    return new ManifestPolicy(principals, groups);
  }

  @Override
  public String toString() {
    return "AccessPolicy[principals="
        + principals
        + ", groups="
        + groups
        + classification.map(c -> ", classification=" + c).orElse("")
        + "]";
  }

  /** Assembles an {@link AccessPolicy}. */
  public static final class Builder {
    private final List<String> principals = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();
    private String classification;

    private Builder() {}

    /** Allows the principal {@code name}. */
    public Builder allowPrincipal(String name) {
      principals.add(checkEntry("principal", name));
      return this;
    }

    /** Allows every principal in {@code group}. */
    public Builder allowGroup(String group) {
      groups.add(checkEntry("group", group));
      return this;
    }

    /** The release's classification label, e.g. {@code confidential}. */
    public Builder classification(String label) {
      Preconditions.checkArgument(
          label != null && !label.isBlank(), "classification must not be blank, was '%s'", label);
      this.classification = label;
      return this;
    }

    /** The policy. */
    public AccessPolicy build() {
      Preconditions.checkArgument(
          principals.size() + groups.size() <= MAX_ENTRIES,
          "%s principals and groups exceed the limit of %s",
          principals.size() + groups.size(),
          MAX_ENTRIES);
      return new AccessPolicy(principals, groups, Optional.ofNullable(classification));
    }

    private static String checkEntry(String what, String value) {
      Preconditions.checkArgument(
          value != null && !value.isBlank() && value.length() <= 256,
          "%s name must be 1-256 characters, was '%s'",
          what,
          value);
      return value;
    }
  }
}
