package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ls} and {@code gc} over three published versions on two directory tiers. */
class CatalogCommandLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Fixture fx;

  @BeforeEach
  void publishThreeVersions() throws IOException {
    fx = Fixture.withFileTiers(dir);
    for (String v : List.of("1", "2", "3")) {
      Files.writeString(fx.source.resolve("only-" + v + ".txt"), "only in version " + v);
      fx.publish(v);
      Files.delete(fx.source.resolve("only-" + v + ".txt"));
    }
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of("--config", fx.config.toString()));
    all.addAll(List.of(args));
    return CliRun.run(all.toArray(String[]::new));
  }

  @Test
  void lsShowsEveryVersionWithTheLatestMarked() throws IOException {
    CliRun table = run("ls");
    assertEquals(0, table.code(), table.err());
    List<String> rows = table.out().lines().filter(l -> l.startsWith("ds ")).toList();
    assertEquals(3, rows.size(), table.out());
    assertTrue(rows.get(2).matches("ds\\s+3\\s.*latest\\s*"), rows.get(2));
    assertFalse(rows.get(0).contains("latest"), rows.get(0));
    assertTrue(rows.get(0).contains("unclassified"), rows.get(0));

    CliRun json = run("ls", "ds", "--json");
    assertEquals(0, json.code(), json.err());
    JsonNode ds = JSON.readTree(json.out()).get("datasets").get(0);
    assertEquals("ds", ds.get("dataset").asText());
    assertEquals("3", ds.get("latest").asText());
    assertEquals(3, ds.get("versions").size());
    JsonNode first = ds.get("versions").get(0);
    assertEquals("1", first.get("version").asText());
    assertFalse(first.get("latest").asBoolean());
    long expected = 0;
    try (Stream<Path> files = Files.walk(fx.source)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        expected += Files.size(f);
      }
    }
    assertEquals(expected + "only in version 1".length(), first.get("size").asLong());
    assertTrue(
        first.get("manifestUri").asText().startsWith("btfs-hybrid://manifests/ds/1.json?sha256="));
  }

  @Test
  void lsNamesAnUnknownOrMalformedDataset() {
    CliRun unknown = run("ls", "nosuch");
    assertEquals(ExitCodes.UNAVAILABLE, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("dataset 'nosuch'"), unknown.err());
    assertTrue(unknown.err().contains("[ds]"), unknown.err());

    CliRun bad = run("ls", "no/such");
    assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    assertEquals(1, bad.err().lines().count(), bad.err());
    assertTrue(bad.err().contains("'no/such'"), bad.err());
  }

  @Test
  void gcIsADryRunUntilApplyAndThenRetiresOnlyUnsharedBlobs() throws IOException {
    List<Path> before = files();
    CliRun dry = run("gc", "--keep-latest", "1");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("dry run: nothing was changed"), dry.out());
    assertTrue(dry.out().contains("retire  ds@1"), dry.out());
    assertEquals(before, files());

    CliProcess.Result applied = fx.cli("gc", "--keep-latest", "1", "--apply", "--json");
    assertEquals(0, applied.code(), applied.err());
    JsonNode report = JSON.readTree(applied.out());
    assertFalse(report.get("dryRun").asBoolean());
    assertEquals(2, report.get("removed").size());
    assertEquals("3", report.get("kept").get(0).get("version").asText());
    // per tier: two manifests and the two blobs of only-1.txt and only-2.txt
    assertEquals(8, report.get("objects").size(), report.toString());
    for (String tier : List.of("mirror", "cloud")) {
      Path root = dir.resolve("tiers").resolve(tier);
      assertFalse(Files.exists(root.resolve("manifests/ds/1.json")));
      assertFalse(Files.exists(root.resolve("manifests/ds/2.json")));
      assertTrue(Files.exists(root.resolve("manifests/ds/3.json")));
      assertTrue(Files.exists(root.resolve("manifests/ds/latest.json")));
    }
    CliRun pull = run("pull", "ds", "--out", dir.resolve("out").toString());
    assertEquals(0, pull.code(), pull.err());
    assertEquals("only in version 3", Files.readString(dir.resolve("out/only-3.txt")));

    CliRun ls = run("ls");
    assertEquals(1, ls.out().lines().filter(l -> l.startsWith("ds ")).count(), ls.out());
  }

  @Test
  void gcHoldKeepsAVersion() throws IOException {
    CliRun held = run("gc", "--keep-latest", "1", "--hold", "ds@1", "--apply");
    assertEquals(0, held.code(), held.err());
    assertTrue(held.out().contains("retired ds@2"), held.out());
    assertTrue(Files.exists(dir.resolve("tiers/mirror/manifests/ds/1.json")));
    assertFalse(Files.exists(dir.resolve("tiers/mirror/manifests/ds/2.json")));
  }

  @Test
  void gcNamesBadValuesInOneLine() throws IOException {
    List<Path> before = files();
    for (String[] args :
        List.of(
            new String[] {"gc", "--keep-latest", "0"},
            new String[] {"gc", "--keep-latest", "1", "--keep-newer-than", "soon"},
            new String[] {"gc", "--keep-latest", "1", "--hold", "ds-without-version"},
            new String[] {"gc", "--keep-latest", "many"},
            new String[] {"gc", "--apply"})) {
      CliRun r = run(args);
      assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
      String bad =
          args[args.length - 1].equals("--apply") ? "--keep-latest" : args[args.length - 1];
      assertTrue(r.err().lines().findFirst().orElse("").contains(bad), r.err());
    }
    assertEquals(before, files());
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> all = Files.walk(dir.resolve("tiers"))) {
      return all.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
