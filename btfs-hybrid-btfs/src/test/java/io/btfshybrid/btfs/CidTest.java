package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CID test vectors of PEERS.md: parsed, printed and computed with both profiles. */
class CidTest {

  static Stream<Arguments> vectors() {
    byte[] counting = new byte[262_145];
    for (int i = 0; i < counting.length; i++) {
      counting[i] = (byte) (i & 0xFF);
    }
    byte[] as = new byte[1_000_000];
    Arrays.fill(as, (byte) 'a');
    return Stream.of(
        Arguments.of(
            "hello world",
            "hello world".getBytes(StandardCharsets.US_ASCII),
            "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
            "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"),
        Arguments.of(
            "empty",
            new byte[0],
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
            "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"),
        Arguments.of(
            "1,000,000 x a",
            as,
            "bafybeid7t3y5axz3xf67jmp25iriixbuoja7c4yzz77ee5qp62njmcxk5e",
            "QmdTFTf2ygB26yxJ1dJBvXBcCikW1d4g52uNgwwtsEx8RL"),
        Arguments.of(
            "262,145 counting bytes",
            counting,
            "bafybeibp4affrl5svfd2wwp3l2srpu76awzmvyc37zmrtap5iqydfxffuy",
            "QmRZxDLdjSMPrpDsSJ4vucbwMSa6RogubGfDrt5g6w996b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void computesTheRawLeafCidv1(String name, byte[] content, String v1, String v0)
      throws IOException {
    assertEquals(v1, Cid.compute(new ByteArrayInputStream(content), CidProfile.V1_RAW).toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void computesTheDefaultCidv0(String name, byte[] content, String v1, String v0)
      throws IOException {
    assertEquals(v0, Cid.compute(new ByteArrayInputStream(content), CidProfile.V0).toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void parsesAndPrintsBothForms(String name, byte[] content, String v1, String v0) {
    Cid one = Cid.parse(v1);
    Cid zero = Cid.parse(v0);
    assertEquals(v1, one.toString());
    assertEquals(v0, zero.toString());
    assertEquals(1, one.version());
    assertEquals(0, zero.version());
    assertEquals(Cid.DAG_PB, zero.codec());
    assertEquals(Cid.SHA2_256, one.hashFunction());
    assertEquals(32, one.digest().length);
    assertEquals(content.length <= 262_144 ? Cid.RAW : Cid.DAG_PB, one.codec());
    assertEquals(one, Cid.fromBytes(one.toBytes()));
    assertEquals(zero, Cid.fromBytes(zero.toBytes()));
  }

  @Test
  void rawCidOfABlockIsTheSha256OfItsBytes() throws Exception {
    Cid cid = Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    byte[] expected =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest("hello world".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(expected, cid.digest());
    assertTrue(cid.matches("hello world".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(
        "1220" + HexFormat.of().formatHex(expected), HexFormat.of().formatHex(cid.multihash()));
    assertEquals("01551220", HexFormat.of().formatHex(cid.toBytes()).substring(0, 8));
  }

  @Test
  void emptyCidv0IsTheUnixFsEmptyFileNode() {
    // PBNode{Data: UnixFS{Type: File, filesize: 0}} = 0a 04 08 02 18 00
    byte[] node = HexFormat.of().parseHex("0a0408021800");
    assertEquals(
        "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH",
        Cid.ofBlock(0, Cid.DAG_PB, node).toString());
  }

  @Test
  void acceptsOtherMultibasesAndUpperCase() {
    Cid cid = Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    assertEquals(cid, Cid.parse("BAFKREIFZJUT3TE2NHYEKKLSS27NH3K72YSCO7Y32KOAO5EEI66WOF36N5E"));
    assertEquals(cid, Cid.parse("f" + HexFormat.of().formatHex(cid.toBytes())));
    assertEquals(cid, Cid.parse("z" + Base58.encode(cid.toBytes())));
    assertTrue(cid.sameMultihash(Cid.of(1, Cid.DAG_PB, Cid.SHA2_256, cid.digest())));
    assertNotEquals(cid, Cid.of(1, Cid.DAG_PB, Cid.SHA2_256, cid.digest()));
  }

  @Test
  void v0AndV1OfTheSameNodeShareTheMultihash() {
    Cid v0 = Cid.parse("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD");
    Cid v1 = v0.toV1();
    assertEquals(1, v1.version());
    assertEquals(Cid.DAG_PB, v1.codec());
    assertTrue(v1.toString().startsWith("bafybei"), v1.toString());
    assertTrue(v1.sameMultihash(v0));
  }

  @Test
  void badTextIsRefusedNamingTheValueAndTheReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Cid.parse("xyz"));
    assertTrue(e.getMessage().contains("'xyz'"), e.getMessage());
    assertTrue(e.getMessage().contains("multibase prefix"), e.getMessage());
    IllegalArgumentException bad58 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Cid.parse("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyf0"));
    assertTrue(bad58.getMessage().contains("base58"), bad58.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Cid.parse(""));
    assertThrows(
        IllegalArgumentException.class,
        () -> Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5"));
    IllegalArgumentException badVersion =
        assertThrows(IllegalArgumentException.class, () -> Cid.parse("bahaaaaa"));
    assertTrue(badVersion.getMessage().contains("'bahaaaaa'"), badVersion.getMessage());
  }
}
