package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** CARv1 export and the CAR-fed trustless reader. */
class CarTest {
  private static final int CHUNK = CidProfile.CHUNK_SIZE;

  private static Map<Cid, byte[]> dag(byte[] content, CidProfile profile, Cid[] root)
      throws IOException {
    Map<Cid, byte[]> blocks = new LinkedHashMap<>();
    UnixFsDagBuilder b = UnixFsDagBuilder.create(profile, blocks::put);
    b.write(content);
    root[0] = b.finish();
    return blocks;
  }

  /** Exports the DAG as a CAR and reads it back through the CAR, counting other fetches. */
  private static byte[] readThroughCar(Map<Cid, byte[]> blocks, Cid root, AtomicInteger fallbacks)
      throws IOException {
    ByteArrayOutputStream car = new ByteArrayOutputStream();
    Car.export(blocks::get, root, car);
    CarBlockSource source =
        new CarBlockSource(
            new ByteArrayInputStream(car.toByteArray()),
            () -> {},
            c -> {
              fallbacks.incrementAndGet();
              return blocks.get(c);
            });
    try (InputStream in = new UnixFsReader(source, root, 0, -1, "t", source)) {
      return in.readAllBytes();
    }
  }

  @Test
  void theHeaderIsDagCborRootsThenVersion() {
    Cid root = Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    String expected =
        "a2"
            + "65726f6f7473"
            + "81"
            + "d82a"
            + "5825"
            + "00"
            + HexFormat.of().formatHex(root.toBytes())
            + "6776657273696f6e"
            + "01";
    assertEquals(expected, HexFormat.of().formatHex(Car.header(root)));
  }

  @Test
  void anExportedCarFeedsTheReaderWithoutAnyOtherFetch() throws IOException {
    byte[] content = SeededContent.bytes(3, 5 * CHUNK + 17);
    Cid[] root = new Cid[1];
    Map<Cid, byte[]> blocks = dag(content, CidProfile.V0, root);
    AtomicInteger fallbacks = new AtomicInteger();
    assertArrayEquals(content, readThroughCar(blocks, root[0], fallbacks));
    assertEquals(0, fallbacks.get());
  }

  @Test
  void blocksTheCarSentOnceAreFetchedAgainFromTheFallback() throws IOException {
    byte[] zeros = new byte[4 * CHUNK];
    Cid[] root = new Cid[1];
    Map<Cid, byte[]> blocks = dag(zeros, CidProfile.V1_RAW, root);
    assertEquals(2, blocks.size(), "one zero leaf, one root");
    AtomicInteger fallbacks = new AtomicInteger();
    assertArrayEquals(zeros, readThroughCar(blocks, root[0], fallbacks));
    assertEquals(3, fallbacks.get(), "the repeated leaf, three times");
  }

  @Test
  void aCorruptedBlockInTheCarIsCaught() throws IOException {
    byte[] content = SeededContent.bytes(4, 2 * CHUNK + 1);
    Cid[] root = new Cid[1];
    Map<Cid, byte[]> blocks = dag(content, CidProfile.V1_RAW, root);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Car.export(blocks::get, root[0], out);
    byte[] car = out.toByteArray();
    car[car.length / 2] ^= 1; // inside the first leaf's bytes
    CarBlockSource source =
        new CarBlockSource(new ByteArrayInputStream(car), () -> {}, blocks::get);
    IntegrityException e =
        assertThrows(
            IntegrityException.class,
            () -> {
              try (InputStream in = new UnixFsReader(source, root[0], 0, -1, "t", source)) {
                in.readAllBytes();
              }
            });
    assertTrue(e.getMessage().contains("does not hash"), e.getMessage());
  }

  @Test
  void exportRefusesABlockThatDoesNotMatchItsCid() throws IOException {
    Cid[] root = new Cid[1];
    Map<Cid, byte[]> blocks = dag(SeededContent.bytes(5, CHUNK + 1), CidProfile.V1_RAW, root);
    blocks.put(root[0], new byte[] {1, 2, 3});
    assertThrows(
        IntegrityException.class,
        () -> Car.export(blocks::get, root[0], new ByteArrayOutputStream()));
  }
}
