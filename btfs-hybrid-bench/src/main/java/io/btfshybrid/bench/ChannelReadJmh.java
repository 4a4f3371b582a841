package io.btfshybrid.bench;

import io.btfshybrid.api.ShardEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.SplittableRandom;
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
 * Random-access reads of one whole chunk at a random chunk index through a verified channel,
 * against a plain positional FileChannel read of the same chunk plus MessageDigest.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChannelReadJmh extends JmhTrial {
  @Param({"1", "4"})
  public int chunkMiB;

  @Param({"64"})
  public int shardMiB;

  private BenchSupport.OpenedShard opened;
  private ShardEntry shard;
  private SeekableByteChannel verified;
  private FileChannel plain;
  private ByteBuffer chunk;
  private final MessageDigest md = BenchSupport.sha256();
  private final SplittableRandom random = new SplittableRandom(7);
  private int last = -1;

  @Setup(Level.Trial)
  public void publish() throws IOException {
    opened = BenchSupport.OpenedShard.publish("btfs-hybrid-jmh-channel-", shardMiB, chunkMiB, 2);
    shard = opened.shard();
    verified = opened.dataset().openChannel(shard.path());
    plain = FileChannel.open(opened.blob(), StandardOpenOption.READ);
    chunk = ByteBuffer.allocate(chunkMiB << 20);
  }

  @TearDown(Level.Trial)
  public void cleanUp() throws IOException {
    verified.close();
    plain.close();
    opened.close();
  }

  /** Another chunk than the last one, so every read fetches and verifies. */
  private long nextChunkStart() {
    int index;
    do {
      index = random.nextInt(shard.chunkCount());
    } while (index == last);
    last = index;
    return (long) index * shard.chunkSize();
  }

  /** btfs-hybrid: position a verified channel and read one whole chunk. */
  @Benchmark
  public int verifiedChannelChunk() throws IOException {
    verified.position(nextChunkStart());
    chunk.clear();
    while (chunk.hasRemaining() && verified.read(chunk) > 0) {}
    return chunk.position();
  }

  /** btfs-hybrid: open a channel, read one chunk, close (the one-off lookup). */
  @Benchmark
  public int openChannelReadChunk() throws IOException {
    try (SeekableByteChannel ch = opened.dataset().openChannel(shard.path())) {
      ch.position(nextChunkStart());
      chunk.clear();
      while (chunk.hasRemaining() && ch.read(chunk) > 0) {}
      return chunk.position();
    }
  }

  /** Baseline: positional FileChannel read of the same chunk plus MessageDigest over it. */
  @Benchmark
  public byte[] plainChannelChunkAndDigest() throws IOException {
    long start = nextChunkStart();
    chunk.clear();
    while (chunk.hasRemaining() && plain.read(chunk, start + chunk.position()) > 0) {}
    md.reset();
    md.update(chunk.array(), 0, chunk.position());
    return md.digest();
  }
}
