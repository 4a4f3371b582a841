package io.btfshybrid.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Predicate;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.StringEndsWith;
import org.junit.jupiter.api.Test;

/** Options and path filters, without a Spark session. */
class SourceOptionsTest {
  @Test
  void optionKeysAreCaseInsensitiveAndDefaultsApply() {
    SourceOptions o =
        SourceOptions.parse(Map.of("MANIFEST", "corpus@1.0.0", "configYaml", "tiers: []"));
    assertEquals("corpus@1.0.0", o.manifest());
    assertEquals(SourceOptions.Granularity.SHARD, o.granularity());
    assertEquals(128L << 20, o.maxPartitionBytes());
    assertEquals("tiers: []", o.client().configYaml());
    assertEquals(null, o.order());
    SourceOptions s =
        SourceOptions.parse(
            Map.of(
                "manifest",
                "m@1",
                "config",
                "c.yaml",
                "granularity",
                "SAMPLE",
                "maxPartitionBytes",
                "8MiB",
                "epoch",
                "2",
                "ranks",
                "4"));
    assertEquals(SourceOptions.Granularity.SAMPLE, s.granularity());
    assertEquals(8L << 20, s.maxPartitionBytes());
    assertEquals(2, s.order().epoch());
    assertEquals(4, s.order().ranks());
  }

  @Test
  void badOptionsAreRefusedNamingTheValue() {
    assertMessage("unknown option 'manfest'", Map.of("manfest", "m@1", "config", "c"));
    assertMessage("needs option 'manifest'", Map.of("config", "c"));
    assertMessage(
        "'config' = 'c' and 'configYaml'",
        Map.of("manifest", "m@1", "config", "c", "configYaml", "x"));
    assertMessage("needs option 'config'", Map.of("manifest", "m@1"));
    assertMessage(
        "'granularity' = 'row'", Map.of("manifest", "m@1", "config", "c", "granularity", "row"));
    assertMessage(
        "size '12 parsecs'",
        Map.of("manifest", "m@1", "config", "c", "maxPartitionBytes", "12 parsecs"));
    assertMessage(
        "'ranks' = '0'", Map.of("manifest", "m@1", "config", "c", "epoch", "1", "ranks", "0"));
  }

  private static void assertMessage(String expected, Map<String, String> options) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SourceOptions.parse(options));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void manifestNamesBecomeImmutableReleaseAddresses() {
    assertEquals(
        "btfs-hybrid://manifests/corpus/1.0.0.json",
        ReleasePaths.manifestUri("corpus@1.0.0").toString());
    assertEquals("s3://b/m.json", ReleasePaths.manifestUri("s3://b/m.json").toString());
    assertThrows(IllegalArgumentException.class, () -> ReleasePaths.manifestUri("no such thing"));
    assertEquals(
        "btfs-hybrid://corpus/1.0.0/a/b.bin", ReleasePaths.rowPath("corpus", "1.0.0", "a/b.bin"));
  }

  @Test
  void onlyFiltersOnPathSkipShards() {
    String a = "btfs-hybrid://d/1/a.bin";
    String b = "btfs-hybrid://d/1/b.parquet";
    Predicate<String> eq = PathFilters.of(new EqualTo("path", a)).orElseThrow();
    assertTrue(eq.test(a));
    assertFalse(eq.test(b));
    Predicate<String> in = PathFilters.of(new In("path", new Object[] {b})).orElseThrow();
    assertTrue(in.test(b));
    assertFalse(in.test(a));
    Predicate<String> notSuffix =
        PathFilters.of(new Not(new StringEndsWith("path", ".parquet"))).orElseThrow();
    assertTrue(notSuffix.test(a));
    assertFalse(notSuffix.test(b));
    Filter other = new GreaterThan("length", 10L);
    assertTrue(PathFilters.of(other).isEmpty());
    Predicate<String> and = PathFilters.of(new And(new EqualTo("path", a), other)).orElseThrow();
    assertTrue(and.test(a));
    assertFalse(and.test(b));
    assertTrue(
        PathFilters.of(new org.apache.spark.sql.sources.Or(new EqualTo("path", a), other))
            .isEmpty());
    // NOT of a split AND would wrongly skip shards: only exact filters are negated
    assertTrue(PathFilters.of(new Not(new And(new EqualTo("path", a), other))).isEmpty());
  }
}
