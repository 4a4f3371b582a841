package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cid.compute against independent implementations, for contents around the chunk and tree
 * boundaries (0 B, 1, 262143/4/5, 174 x 262144 +/- 1, past 174 chunks): the vectors that
 * src/test/js/gen-vectors.mjs made with ipfs-unixfs-importer 17.1.1 and Debian's ipfs_cid, and
 * ipfs_cid run live when it is installed.
 */
class CidVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> importerVectors() throws IOException {
    return vectors("cid-vectors-unixfs-importer.json");
  }

  static Stream<Arguments> debianVectors() throws IOException {
    return vectors("cid-vectors-debian-ipfs-cid.json");
  }

  private static Stream<Arguments> vectors(String resource) throws IOException {
    try (InputStream in = CidVectorsTest.class.getResourceAsStream("/" + resource)) {
      JsonNode root = JSON.readTree(in);
      List<Arguments> out = new ArrayList<>();
      for (JsonNode v : root.get("vectors")) {
        out.add(
            Arguments.of(
                v.get("name").asText(), v.get("size").asLong(), v.get("seed").asLong(), v));
      }
      assertTrue(out.size() >= 11, resource + " holds " + out.size() + " vectors");
      return out.stream();
    }
  }

  @ParameterizedTest(name = "{0} ({1} bytes)")
  @MethodSource("importerVectors")
  void agreesWithTheJsImporterOnRawLeafCidv1(String name, long size, long seed, JsonNode v)
      throws IOException {
    Cid cid = Cid.compute(new SeededContent(seed, size), CidProfile.V1_RAW);
    assertEquals(v.get("v1Raw").asText(), cid.toString());
  }

  @ParameterizedTest(name = "{0} ({1} bytes)")
  @MethodSource("importerVectors")
  void agreesWithTheJsImporterOnCidv0(String name, long size, long seed, JsonNode v)
      throws IOException {
    Cid cid = Cid.compute(new SeededContent(seed, size), CidProfile.V0);
    assertEquals(v.get("v0").asText(), cid.toString());
  }

  @ParameterizedTest(name = "{0} ({1} bytes)")
  @MethodSource("debianVectors")
  void agreesWithDebianIpfsCidOnCidv0(String name, long size, long seed, JsonNode v)
      throws IOException {
    Cid cid = Cid.compute(new SeededContent(seed, size), CidProfile.V0);
    assertEquals(v.get("v0").asText(), cid.toString());
  }

  @Test
  void agreesWithDebianIpfsCidRunLive(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("ipfs_cid"), "Debian's ipfs_cid is not installed (apt-get install ipfs-cid)");
    Random random = new Random(20261121L);
    long[] sizes = {
      0,
      1,
      100,
      262_143,
      262_144,
      262_145,
      3L * 262_144 - 7,
      174L * 262_144 + 1 + random.nextInt(262_144)
    };
    for (long size : sizes) {
      long seed = random.nextInt() | 1;
      Path file = dir.resolve("content-" + size);
      try (OutputStream out = Files.newOutputStream(file)) {
        new SeededContent(seed, size).transferTo(out);
      }
      Process p =
          new ProcessBuilder("ipfs_cid", file.toString()).redirectErrorStream(false).start();
      p.getErrorStream().transferTo(OutputStream.nullOutputStream());
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ipfs_cid did not finish");
      String line =
          stdout
              .lines()
              .filter(l -> l.startsWith("{"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(stdout));
      String expected = JSON.readTree(line).get("CIDv0").asText();
      try (InputStream in = Files.newInputStream(file)) {
        assertEquals(expected, Cid.compute(in, CidProfile.V0).toString(), size + " bytes");
      }
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
