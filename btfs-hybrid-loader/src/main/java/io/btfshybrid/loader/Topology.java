package io.btfshybrid.loader;

import java.util.Map;

/** Where this process sits in a distributed job: its rank, the world size and ranks per node. */
public record Topology(int rank, int worldSize, int ranksPerNode) {
  public Topology {
    if (worldSize <= 0 || rank < 0 || rank >= worldSize || ranksPerNode <= 0) {
      throw new IllegalArgumentException(
          "rank "
              + rank
              + " of world size "
              + worldSize
              + " with "
              + ranksPerNode
              + " ranks per node is not a valid topology");
    }
  }

  /** One process: rank 0 of 1. */
  public static Topology single() {
    return new Topology(0, 1, 1);
  }

  /**
   * From {@code RANK}, {@code WORLD_SIZE} and {@code LOCAL_WORLD_SIZE}; each defaults as single.
   */
  public static Topology fromEnv() {
    return fromEnv(System.getenv());
  }

  /** From these variables, as {@link #fromEnv()} reads them. */
  public static Topology fromEnv(Map<String, String> env) {
    int world = number(env, "WORLD_SIZE", 1);
    return new Topology(number(env, "RANK", 0), world, number(env, "LOCAL_WORLD_SIZE", world));
  }

  private static int number(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + value + "' is not an integer", e);
    }
  }
}
