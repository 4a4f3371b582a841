package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is reading: a name and the groups it belongs to, as asserted by the embedding application
 * (btfs-hybrid does not authenticate principals; see {@link AccessPolicy}).
 */
public final class Principal {
  private static final int MAX_GROUPS = 1024;

  private final String name;
  private final Set<String> groups;

  private Principal(String name, Set<String> groups) {
    this.name = name;
    this.groups = groups;
  }

  /** A principal {@code name} in {@code groups}, e.g. {@code Principal.of("alice", "research")}. */
  public static Principal of(String name, String... groups) {
    Preconditions.checkArgument(
        name != null && !name.isBlank(), "principal name must not be blank, was '%s'", name);
    Preconditions.checkArgument(
        groups.length <= MAX_GROUPS, "%s groups exceed the limit of %s", groups.length, MAX_GROUPS);
    Set<String> set = new TreeSet<>();
    for (String g : groups) {
      Preconditions.checkArgument(
          g != null && !g.isBlank(),
          "group names must not be blank, got %s",
          Arrays.toString(groups));
      set.add(g);
    }
    return new Principal(name, Set.copyOf(set));
  }

  /** The principal's name. */
  public String name() {
    return name;
  }

  /** The groups it belongs to. */
  public Set<String> groups() {
    return groups;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Principal p && p.name.equals(name) && p.groups.equals(groups);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, groups);
  }

  @Override
  public String toString() {
    return name + new TreeSet<>(groups);
  }
}
