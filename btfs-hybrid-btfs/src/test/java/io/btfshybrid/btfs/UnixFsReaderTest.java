package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Trustless reads: the DAG's blocks, verified one by one, rebuild exactly the content. */
class UnixFsReaderTest {
  private static final int CHUNK = CidProfile.CHUNK_SIZE;

  /** 176 chunks: two levels below the root (174 + 2 leaves under two nodes). */
  private static final int SIZE = 175 * CHUNK + 4321;

  private static byte[] content;

  @BeforeAll
  static void makeContent() {
    content = SeededContent.bytes(77, SIZE);
  }

  private static final class Dag {
    final Map<Cid, byte[]> blocks = new LinkedHashMap<>();
    Cid root;

    BlockSource source() {
      return cid -> {
        byte[] b = blocks.get(cid);
        if (b == null) {
          throw new ObjectNotFoundException(new Locator("test", URI.create("btfs://" + cid)));
        }
        return b;
      };
    }
  }

  private static Dag build(CidProfile profile, byte[] bytes) throws IOException {
    Dag dag = new Dag();
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(profile, dag.blocks::put);
    builder.write(bytes);
    dag.root = builder.finish();
    return dag;
  }

  private static byte[] read(Dag dag, long offset, long length) throws IOException {
    try (InputStream in = UnixFs.open(dag.source(), dag.root, offset, length, "test")) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(CidProfile.class)
  void blocksHashToTheirCidsAndTheRootIsTheComputedCid(CidProfile profile) throws IOException {
    Dag dag = build(profile, content);
    assertEquals(Cid.compute(new java.io.ByteArrayInputStream(content), profile), dag.root);
    assertEquals(179, dag.blocks.size(), "176 leaves, 2 parents of leaves, 1 root");
    for (Map.Entry<Cid, byte[]> e : dag.blocks.entrySet()) {
      assertTrue(e.getKey().matches(e.getValue()), e.getKey().toString());
    }
    List<Cid> order = new ArrayList<>(dag.blocks.keySet());
    assertEquals(dag.root, order.get(order.size() - 1), "the root comes last");
    assertEquals(SIZE, UnixFs.fileSize(dag.source(), dag.root));
  }

  @ParameterizedTest
  @EnumSource(CidProfile.class)
  void readsTheWholeFileAndRandomRanges(CidProfile profile) throws IOException {
    Dag dag = build(profile, content);
    assertArrayEquals(content, read(dag, 0, -1));
    Random random = new Random(5);
    List<long[]> ranges = new ArrayList<>();
    ranges.add(new long[] {0, 0});
    ranges.add(new long[] {0, 1});
    ranges.add(new long[] {CHUNK - 1, 2});
    ranges.add(new long[] {174L * CHUNK - 3, 10});
    ranges.add(new long[] {SIZE - 1, 1});
    ranges.add(new long[] {SIZE, -1});
    ranges.add(new long[] {SIZE - 10, 100});
    for (int i = 0; i < 20; i++) {
      long offset = random.nextInt(SIZE);
      ranges.add(new long[] {offset, random.nextInt(3 * CHUNK)});
    }
    for (long[] r : ranges) {
      int from = (int) r[0];
      int to = r[1] < 0 ? SIZE : (int) Math.min(SIZE, r[0] + r[1]);
      assertArrayEquals(
          Arrays.copyOfRange(content, from, to),
          read(dag, r[0], r[1]),
          "range " + Arrays.toString(r));
    }
  }

  @ParameterizedTest
  @EnumSource(CidProfile.class)
  void readsSmallFiles(CidProfile profile) throws IOException {
    for (int size : new int[] {0, 1, 11, CHUNK, CHUNK + 1}) {
      byte[] small = Arrays.copyOf(content, size);
      Dag dag = build(profile, small);
      assertArrayEquals(small, read(dag, 0, -1), size + " bytes");
    }
  }

  @ParameterizedTest
  @EnumSource(CidProfile.class)
  void aCorruptedLeafFailsWithItsOffset(CidProfile profile) throws IOException {
    Dag dag = build(profile, content);
    Cid thirdLeaf = new ArrayList<>(dag.blocks.keySet()).get(2);
    dag.blocks.get(thirdLeaf)[100] ^= 1;
    assertArrayEquals(
        Arrays.copyOf(content, 2 * CHUNK), read(dag, 0, 2 * CHUNK), "leaves before it");
    IntegrityException e = assertThrows(IntegrityException.class, () -> read(dag, 0, -1));
    assertEquals(2L * CHUNK, e.offset());
    assertEquals("test", e.tierId());
    assertEquals(dag.root.toString(), e.shard());
    assertTrue(e.getMessage().contains(thirdLeaf.toString()), e.getMessage());
  }

  @Test
  void aSwappedBlockIsCaughtEvenThoughItIsValidItself() throws IOException {
    Dag dag = build(CidProfile.V1_RAW, content);
    List<Cid> cids = new ArrayList<>(dag.blocks.keySet());
    dag.blocks.put(cids.get(5), dag.blocks.get(cids.get(6)));
    assertThrows(IntegrityException.class, () -> read(dag, 5L * CHUNK, 10));
  }

  @Test
  void aCorruptedRootIsCaughtBeforeAnyByte() throws IOException {
    Dag dag = build(CidProfile.V0, content);
    dag.blocks.get(dag.root)[3] ^= 0x40;
    IntegrityException e =
        assertThrows(
            IntegrityException.class, () -> UnixFs.open(dag.source(), dag.root, 0, -1, "t"));
    assertEquals(0, e.offset());
  }

  @Test
  void aMissingBlockIsNotFound() throws IOException {
    Dag dag = build(CidProfile.V1_RAW, content);
    dag.blocks.remove(new ArrayList<>(dag.blocks.keySet()).get(0));
    assertThrows(ObjectNotFoundException.class, () -> read(dag, 0, 10));
    assertArrayEquals(Arrays.copyOfRange(content, CHUNK, CHUNK + 10), read(dag, CHUNK, 10));
  }
}
