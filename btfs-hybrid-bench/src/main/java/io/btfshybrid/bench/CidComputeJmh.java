package io.btfshybrid.bench;

import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.CidProfile;
import io.btfshybrid.btfs.UnixFsDagBuilder;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Cid.compute's streaming UnixFS DAG build (both profiles) against plain MessageDigest SHA-256 over
 * the same in-memory bytes, fed in the same 1 MiB pieces: one op is the whole content, so MB/s =
 * ops/s x contentMiB x 1.048576. The DAG costs one extra hash of each internal node and, for CIDv0,
 * a copy of every chunk into its leaf node.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CidComputeJmh extends JmhTrial {
  private static final int PIECE = 1 << 20;

  @Param({"64"})
  public int contentMiB;

  private byte[] content;

  @Setup(Level.Trial)
  public void makeContent() {
    content = new byte[contentMiB << 20];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < content.length; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < content.length; j++) {
        content[i + j] = (byte) (v >>> (8 * j));
      }
    }
  }

  private Cid build(CidProfile profile) throws IOException {
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(profile);
    for (int off = 0; off < content.length; off += PIECE) {
      builder.write(content, off, Math.min(PIECE, content.length - off));
    }
    return builder.finish();
  }

  /** CIDv1 with raw leaves (what BtfsTier.write computes while uploading). */
  @Benchmark
  public Cid cidV1RawLeaves() throws IOException {
    return build(CidProfile.V1_RAW);
  }

  /** CIDv0 with dag-pb leaves. */
  @Benchmark
  public Cid cidV0() throws IOException {
    return build(CidProfile.V0);
  }

  /** Baseline: one SHA-256 over the same bytes in the same pieces. */
  @Benchmark
  public byte[] messageDigestSha256() throws NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int off = 0; off < content.length; off += PIECE) {
      md.update(content, off, Math.min(PIECE, content.length - off));
    }
    return md.digest();
  }
}
