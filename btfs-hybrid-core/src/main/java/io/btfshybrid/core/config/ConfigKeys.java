package io.btfshybrid.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.btfshybrid.api.StorageTierFactory;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The keys a configuration file may use, so that a typo ({@code cache: {dri: …}}) is an error
 * naming the key and the nearest valid one instead of a setting silently ignored.
 */
public final class ConfigKeys {
  /** The top-level keys. */
  public static final List<String> TOP =
      List.of("region", "tiers", "cache", "trust", "audit", "healthState");

  /** The keys of the {@code cache} mapping. */
  public static final List<String> CACHE = List.of("dir", "maxBytes");

  /** The keys every tier entry may use, whatever its type. */
  public static final List<String> TIER = List.of("id", "type", "kind", "region");

  /**
   * The settings each tier type on the class path reads, as its {@link StorageTierFactory} says; a
   * type whose factory does not say is not checked.
   */
  public static Map<String, List<String>> tierSettings() {
    Map<String, List<String>> out = new TreeMap<>();
    for (StorageTierFactory f : StorageTierFactory.available()) {
      if (!f.settings().isEmpty()) {
        out.put(f.type().toLowerCase(Locale.ROOT), List.copyOf(new TreeSet<>(f.settings())));
      }
    }
    return out;
  }

  private ConfigKeys() {}

  /** Refuses a key of {@code node} not in {@code allowed}; {@code where} prefixes the key name. */
  public static void check(JsonNode node, String where, List<String> allowed) {
    if (node == null || !node.isObject()) {
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!allowed.contains(key)) {
        String nearest = nearest(key, allowed);
        throw new ConfigurationException(
            "unknown key '"
                + UntrustedText.escape(where + key)
                + "'"
                + (nearest == null ? "" : " (did you mean '" + nearest + "'?)")
                + "; valid keys here: "
                + String.join(", ", allowed));
      }
    }
  }

  /** Checks a tier entry's keys for the built-in types. */
  public static void checkTier(JsonNode tier, String where, String type) {
    List<String> settings = tierSettings().get(type.toLowerCase(Locale.ROOT));
    if (settings != null) {
      check(
          tier,
          where,
          com.google.common.collect.ImmutableList.<String>builder()
              .addAll(TIER)
              .addAll(settings)
              .build());
    }
  }

  /** The allowed key within edit distance 2 (or a case-only difference), if any. */
  public static String nearest(String key, List<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : allowed) {
      int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  /** Levenshtein distance, with a transposition counted as one edit. */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
