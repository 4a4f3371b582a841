package io.btfshybrid.bench;

import io.btfshybrid.testkit.LinkConditions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ceiling of {@link LinkConditions} itself: a plain loopback socket copy (a server writing N
 * bytes, clients draining them) straight and through an unlimited LinkConditions, with 1 and 4
 * connections, interleaved; prints MB/s per round and the proxy/direct ratio. A link configured
 * above this ceiling measures the proxy, not the code under test.
 *
 * <p>Run: {@code java -cp btfs-hybrid-bench.jar io.btfshybrid.bench.LinkCeilingBenchmark [rounds]
 * [MiB per run]}.
 */
public final class LinkCeilingBenchmark {
  private LinkCeilingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
    ExecutorService pool = Executors.newCachedThreadPool();
    try (ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
      pool.execute(() -> serve(server, pool));
      InetSocketAddress direct =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
      try (LinkConditions link = LinkConditions.builder().upstream(direct).build()) {
        System.out.printf(
            "plain socket copy of %d MiB per run, %d CPUs%n",
            bytes >> 20, Runtime.getRuntime().availableProcessors());
        for (int connections : new int[] {1, 4}) {
          double[] ratios = new double[rounds];
          for (int r = 0; r < rounds; r++) {
            double plain = copy(direct.getPort(), connections, bytes / connections, pool);
            double proxied = copy(link.port(), connections, bytes / connections, pool);
            ratios[r] = proxied / plain;
            System.out.printf(
                "  %d connection(s), round %d: direct %7.0f MB/s, through LinkConditions %7.0f"
                    + " MB/s (%.2f)%n",
                connections, r + 1, plain, proxied, ratios[r]);
          }
          java.util.Arrays.sort(ratios);
          System.out.printf(
              "  %d connection(s): median proxy/direct %.2f%n", connections, ratios[rounds / 2]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Each connection asks for a length (8 bytes) and gets that many bytes. */
  private static void serve(ServerSocket server, ExecutorService pool) {
    try {
      while (true) {
        Socket s = server.accept();
        pool.execute(
            () -> {
              try (s) {
                byte[] buf = new byte[256 * 1024];
                long n = new DataInputStream(s.getInputStream()).readLong();
                OutputStream out = s.getOutputStream();
                for (long sent = 0; sent < n; sent += buf.length) {
                  out.write(buf, 0, (int) Math.min(buf.length, n - sent));
                }
              } catch (IOException e) {
                // the client went away
              }
            });
      }
    } catch (IOException closed) {
      // done
    }
  }

  private static double copy(int port, int connections, long each, ExecutorService pool)
      throws Exception {
    List<Future<Long>> reads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      reads.add(
          pool.submit(
              () -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                  new DataOutputStream(s.getOutputStream()).writeLong(each);
                  InputStream in = s.getInputStream();
                  byte[] buf = new byte[256 * 1024];
                  long got = 0;
                  for (int k; (k = in.read(buf)) > 0; ) {
                    got += k;
                  }
                  return got;
                }
              }));
    }
    long total = 0;
    for (Future<Long> f : reads) {
      total += f.get();
    }
    if (total != each * connections) {
      throw new IllegalStateException("copied " + total + " of " + each * connections);
    }
    return total / 1e6 / ((System.nanoTime() - t0) / 1e9);
  }
}
