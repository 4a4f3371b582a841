package io.btfshybrid.demo;

import io.btfshybrid.core.ClientStats;
import io.btfshybrid.core.TierStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per source, how many shards it served, failed or was caught lying about: each shard counted once
 * per source, from the difference of a client's stats before and after reading that shard (chunk
 * and failure counters would count a shard many times, or a bad copy only once per client).
 */
final class ShardTally {
  /** One source's row. */
  static final class Row {
    final String source;
    long shardsServed;
    long bytesServed;
    long shardsWithErrors;
    long shardsCaughtCorrupt;

    Row(String source) {
      this.source = source;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", source);
      m.put("shardsServed", shardsServed);
      m.put("bytesServed", bytesServed);
      m.put("shardsWithErrors", shardsWithErrors);
      m.put("shardsCaughtCorrupt", shardsCaughtCorrupt);
      return m;
    }
  }

  private static final String CACHE = "cache";
  private final Map<String, Row> rows = new LinkedHashMap<>();

  ShardTally(List<String> sources) {
    sources.forEach(s -> rows.put(s, new Row(s)));
  }

  /** Adds one shard's read, given the client's stats just before and just after it. */
  void add(ClientStats before, ClientStats after) {
    String servedBy = null;
    long most = 0;
    long fromCache = 0;
    for (TierStats a : after.sources()) {
      TierStats b = before.source(a.tierId());
      Row row = rows.computeIfAbsent(a.tierId(), Row::new);
      long bytes = a.bytesServed() - b.bytesServed();
      row.bytesServed += bytes;
      if (a.tierId().equals(CACHE)) {
        fromCache = bytes;
      } else if (bytes > most) {
        most = bytes;
        servedBy = a.tierId();
      }
      if (a.integrityFailures() > b.integrityFailures()) {
        row.shardsCaughtCorrupt++;
      } else if (a.errors() > b.errors()) {
        row.shardsWithErrors++;
      }
    }
    // a shard fetched from a tier into the cache and served from there was served by that tier
    if (servedBy == null && fromCache > 0) {
      servedBy = CACHE;
    }
    if (servedBy != null) {
      rows.get(servedBy).shardsServed++;
    }
  }

  List<Row> rows() {
    return new ArrayList<>(rows.values());
  }

  long shardsCaughtCorrupt() {
    return rows.values().stream().mapToLong(r -> r.shardsCaughtCorrupt).sum();
  }

  List<Map<String, Object>> toJson() {
    return rows().stream().map(Row::toJson).toList();
  }
}
