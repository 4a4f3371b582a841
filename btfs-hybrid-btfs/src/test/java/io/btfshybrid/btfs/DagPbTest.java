package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-exact dag-pb and UnixFS encoding, written out by hand from the specs. */
class DagPbTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void aLeafIsAUnixFsFileNodeWithDataAndFilesize() {
    byte[] node = DagPb.encode(List.of(), UnixFsData.encodeLeaf("hi".getBytes(), 0, 2));
    // PBNode.Data (field 1) = UnixFS{Type=2 (File), Data="hi", filesize=2}
    assertEquals("0a08" + "0802" + "12026869" + "1802", HEX.formatHex(node));
  }

  @Test
  void linksComeBeforeDataAndAlwaysCarryAnEmptyName() {
    Cid child = Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    byte[] node =
        DagPb.encode(
            List.of(new DagPb.Link(child, "", 11)),
            UnixFsData.encodeInternal(11, new long[] {11}, 1));
    String link = "0a24" + HEX.formatHex(child.toBytes()) + "1200" + "180b";
    String data = "0a06" + "0802" + "180b" + "200b";
    assertEquals("12" + "2a" + link + data, HEX.formatHex(node));
    DagPb.Node decoded = DagPb.decode(node);
    assertEquals(List.of(new DagPb.Link(child, "", 11)), decoded.links());
    UnixFsData unixfs = UnixFsData.decode(decoded.data());
    assertEquals(UnixFsData.TYPE_FILE, unixfs.type());
    assertEquals(11, unixfs.fileSize());
    assertEquals(List.of(11L), unixfs.blockSizes());
    assertArrayEquals(new byte[0], unixfs.data());
  }

  @Test
  void packedBlocksizesAreReadToo() {
    // Type=File, filesize=3, blocksizes packed [1, 2]
    UnixFsData d = UnixFsData.decode(HEX.parseHex("0802" + "1803" + "22020102"));
    assertEquals(List.of(1L, 2L), d.blockSizes());
  }

  @Test
  void garbageIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> DagPb.decode(HEX.parseHex("0aff")));
    assertThrows(IllegalArgumentException.class, () -> DagPb.decode(HEX.parseHex("1a00")));
    assertThrows(IllegalArgumentException.class, () -> UnixFsData.decode(HEX.parseHex("1803")));
  }
}
