package io.btfshybrid.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Verified streaming of one shard from a warm local FileTier against plain MessageDigest SHA-256
 * over the same bytes with the same buffer size (the chunk size): one op is one whole shard, so
 * MB/s = ops/s x shardMiB x 1.048576.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VerifiedStreamJmh extends JmhTrial {
  @Param({"1", "4"})
  public int chunkMiB;

  @Param({"64"})
  public int shardMiB;

  private BenchSupport.OpenedShard opened;
  private Path blob;
  private byte[] buf;
  private byte[] inMemory;
  private final MessageDigest md = BenchSupport.sha256();

  @Setup(Level.Trial)
  public void publish() throws IOException {
    opened = BenchSupport.OpenedShard.publish("btfs-hybrid-jmh-stream-", shardMiB, chunkMiB, 1);
    blob = opened.blob();
    buf = new byte[chunkMiB << 20];
    inMemory = BenchSupport.readAll(blob);
  }

  @TearDown(Level.Trial)
  public void cleanUp() throws IOException {
    opened.close();
  }

  /** btfs-hybrid: Dataset.openShard, every chunk SHA-256-verified before release. */
  @Benchmark
  public long verifiedStream() throws IOException {
    return BenchSupport.drain(opened.dataset().openShard(opened.shard().path()), buf);
  }

  /** Baseline: FileInputStream + MessageDigest over the same file with the same buffer. */
  @Benchmark
  public byte[] messageDigestFile() throws IOException {
    return BenchSupport.digestFile(blob, buf, md);
  }

  /** CPU limit: MessageDigest over the same bytes already in memory, one chunk per update. */
  @Benchmark
  public byte[] messageDigestInMemory() {
    md.reset();
    for (int off = 0; off < inMemory.length; off += buf.length) {
      md.update(inMemory, off, Math.min(buf.length, inMemory.length - off));
    }
    return md.digest();
  }

  /** No verification: FileInputStream copy through the same buffer (a hand-rolled loader). */
  @Benchmark
  public long plainFileCopy() throws IOException {
    return BenchSupport.drain(Files.newInputStream(blob), buf);
  }
}
