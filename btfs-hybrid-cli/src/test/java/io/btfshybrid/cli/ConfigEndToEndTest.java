package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration keys are checked; release names people type are accepted. */
class ConfigEndToEndTest {
  @TempDir Path tmp;

  @Test
  void unknownKeysAreErrorsNamingTheKeyAndTheNearestValidOne() throws IOException {
    Fixture fx = Fixture.withFileTiers(tmp);
    String[][] cases = {
      {"cache: { dri: cache }\n", "unknown key 'cache.dri' (did you mean 'dir'?)"},
      {"trsut: trust.json\n", "unknown key 'trsut' (did you mean 'trust'?)"},
    };
    for (String[] c : cases) {
      Files.writeString(
          fx.config,
          "tiers:\n  - { id: mirror, type: file, root: tiers/mirror }\ntrust: trust.json\n" + c[0]);
      CliProcess.Result r = fx.cli("inspect", "ds@1");
      assertEquals(ExitCodes.USAGE, r.code(), r.err());
      assertTrue(r.err().contains(c[1]), r.err());
    }
    fx.writeConfig("  - { id: cloud, type: s3, bucekt: datasets }\n");
    CliProcess.Result s3 = fx.cli("inspect", "ds@1");
    assertEquals(ExitCodes.USAGE, s3.code(), s3.err());
    assertTrue(
        s3.err().contains("unknown key 'tiers[0].bucekt' (did you mean 'bucket'?)"), s3.err());
  }

  @Test
  void anUnusableCacheDirectoryIsAWarningAndTheReadProceeds() throws IOException {
    Fixture fx = Fixture.withFileTiers(tmp);
    fx.publish("1");
    Files.writeString(tmp.resolve("not-a-dir"), "a file where the cache should be");
    Files.writeString(
        fx.config,
        Files.readString(fx.config) + "cache: { dir: not-a-dir/cache, maxBytes: 1MiB }\n");
    CliProcess.Result r = fx.cli("pull", "ds@1", "--out", "o");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("warning: cache directory"), r.err());
    assertEquals(
        -1, Files.mismatch(tmp.resolve("o/part/f2.bin"), fx.source.resolve("part/f2.bin")));
  }

  @Test
  void datasetAtVersionAndDatasetNameAReleaseAndItsLatestVersion() throws IOException {
    Fixture fx = Fixture.withFileTiers(tmp);
    fx.publish("1");
    Files.writeString(fx.source.resolve("empty.txt"), "v2");
    String v2 = fx.publish("2");
    CliProcess.Result one = fx.cli("--json", "inspect", "ds@1");
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().contains("\"version\" : \"1\""), one.out());
    // global options after the command, too
    CliProcess.Result latest =
        CliProcess.run(tmp, "inspect", "ds", "--json", "--config", fx.config.toString());
    assertEquals(0, latest.code(), latest.err());
    assertTrue(latest.out().contains("\"version\" : \"2\""), latest.out());
    assertTrue(v2.contains(jsonField(latest.out(), "manifestHash")), latest.out());
  }

  @Test
  void aMistypedSchemeIsAUsageErrorSuggestingTheNearest() throws IOException {
    Fixture fx = Fixture.withFileTiers(tmp);
    CliRun r =
        CliRun.run(
            "--config", fx.config.toString(), "inspect", "btfs-hybird://manifests/ds/1.json");
    assertEquals(ExitCodes.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("unknown scheme 'btfs-hybird'"), r.err());
    assertTrue(r.err().contains("(did you mean 'btfs-hybrid'?)"), r.err());
  }

  private static String jsonField(String json, String name) {
    int at = json.indexOf("\"" + name + "\" : \"") + name.length() + 6;
    return json.substring(at, json.indexOf('"', at));
  }
}
