package io.btfshybrid.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback TCP proxy in front of one upstream port that makes the link slow, per connection: a
 * fixed delay before the first byte of each response (the first upstream bytes after the client
 * sent something), and a token-bucket rate limit on upstream-to-client bytes. Two threads per
 * connection from a bounded pool (a connection beyond it is refused by closing it); all threads are
 * daemons, idle connections end after {@code idleTimeoutMillis}, and {@link #close()} ends
 * everything. A stand-in until the performance issue's LinkConditions lands.
 */
final class LinkProxy implements AutoCloseable {
  private static final int PIECE = 16 * 1024;

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final long firstByteDelayNanos;
  private final double bytesPerSecond;
  private final int idleTimeoutMillis;
  private final ThreadPoolExecutor pool;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  LinkProxy(URI upstream, long firstByteDelayMillis, double megabytesPerSecond, int maxConnections)
      throws IOException {
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.firstByteDelayNanos = TimeUnit.MILLISECONDS.toNanos(firstByteDelayMillis);
    this.bytesPerSecond = megabytesPerSecond * 1e6;
    this.idleTimeoutMillis = 60_000;
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    this.pool =
        new ThreadPoolExecutor(
            0,
            2 * maxConnections,
            5,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "link-proxy-pump");
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "link-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The proxy's endpoint: {@code upstream} with the host and port replaced. */
  URI endpoint(URI upstreamUri) {
    return URI.create(
        upstreamUri.getScheme() + "://127.0.0.1:" + server.getLocalPort() + upstreamUri.getPath());
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket up = new Socket();
        up.connect(upstream, 5_000);
        client.setSoTimeout(idleTimeoutMillis);
        up.setSoTimeout(idleTimeoutMillis);
        client.setTcpNoDelay(true);
        up.setTcpNoDelay(true);
        open.add(client);
        open.add(up);
        AtomicBoolean requestSent = new AtomicBoolean();
        pool.execute(() -> pumpRequests(client, up, requestSent));
        pool.execute(() -> pumpResponses(up, client, requestSent));
      } catch (IOException | RejectedExecutionException e) {
        closeQuietly(client);
      }
    }
  }

  private void pumpRequests(Socket client, Socket up, AtomicBoolean requestSent) {
    byte[] buf = new byte[PIECE];
    try (InputStream in = client.getInputStream()) {
      OutputStream out = up.getOutputStream();
      int n;
      while ((n = in.read(buf)) != -1) {
        requestSent.set(true);
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (SocketTimeoutException | SocketException e) {
      // idle or closed: end the connection
    } catch (IOException e) {
      // the other side went away
    } finally {
      closeBoth(client, up);
    }
  }

  private void pumpResponses(Socket up, Socket client, AtomicBoolean requestSent) {
    byte[] buf = new byte[PIECE];
    // token bucket: at most one piece of burst
    double tokens = PIECE;
    long last = System.nanoTime();
    try (InputStream in = up.getInputStream()) {
      OutputStream out = client.getOutputStream();
      int n;
      while ((n = in.read(buf)) != -1) {
        if (requestSent.getAndSet(false)) {
          sleepNanos(firstByteDelayNanos);
          last = System.nanoTime();
          tokens = PIECE;
        }
        long now = System.nanoTime();
        tokens = Math.min(PIECE, tokens + (now - last) * bytesPerSecond / 1e9);
        last = now;
        if (tokens < n) {
          sleepNanos((long) ((n - tokens) * 1e9 / bytesPerSecond));
          now = System.nanoTime();
          tokens += (now - last) * bytesPerSecond / 1e9;
          last = now;
        }
        tokens -= n;
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // idle, closed or gone: end the connection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeBoth(client, up);
    }
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }

  private void closeBoth(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
    open.remove(a);
    open.remove(b);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
    pool.shutdownNow();
  }
}
