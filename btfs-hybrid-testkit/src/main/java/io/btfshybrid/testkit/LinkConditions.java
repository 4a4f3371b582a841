package io.btfshybrid.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real-looking network link for tests: a TCP proxy on 127.0.0.1 in front of any server that adds
 * a time to first byte to every response, limits each connection's bandwidth and all connections
 * together, and stalls or resets connections on a script.
 *
 * <pre>{@code
 * try (S3TestServer s3 = S3TestServer.start();
 *     LinkConditions link = LinkConditions.builder()
 *         .upstream(s3.endpoint())
 *         .timeToFirstByte(Duration.ofMillis(30))
 *         .bandwidthPerConnection(40_000_000)      // bytes per second
 *         .aggregateBandwidth(400_000_000)
 *         .reset(3, 1 << 20)                        // the 3rd connection, after 1 MiB
 *         .build();
 *     S3Tier cloud = s3.tierBuilder("cloud").endpoint(link.endpoint(s3.endpoint())).build()) {
 *   …
 * }
 * }</pre>
 *
 * <p>Each accepted connection opens its own connection to the upstream. The time to first byte
 * holds back the first server bytes after each client write until that long after the write reached
 * the proxy (a request-response round trip, once per HTTP request on a kept-alive connection).
 * Bandwidth applies in both directions, as a token bucket that lets at most a few milliseconds'
 * worth of bytes leave ahead of the rate; stalls and resets count server-to-client bytes of one
 * connection, numbered from 1 in accept order. Every connection is pumped by two daemon threads
 * with large buffers, so the proxy itself carries GB/s on loopback; {@link #close()} ends every
 * connection and thread.
 */
public final class LinkConditions implements Closeable {
  /** The connection number that makes a scripted event apply to every connection. */
  public static final int EVERY_CONNECTION = 0;

  private static final int MIN_SLICE = 8 * 1024;
  private static final int MAX_SLICE = 256 * 1024;

  private final InetSocketAddress upstream;
  private final long timeToFirstByteNanos;
  private final long perConnectionBytesPerSecond;
  private final List<LinkEvent> events;
  private final int sliceBytes;
  private final LinkPacer aggregateDown;
  private final LinkPacer aggregateUp;
  private final ServerSocketChannel server;
  private final int port;
  private final ThreadPoolExecutor pumps;
  private final Thread acceptor;
  private final Set<LinkConnection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicLong bytesDown = new AtomicLong();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong responses = new AtomicLong();
  private volatile boolean closed;

  private LinkConditions(Builder b) throws IOException {
    this.upstream = b.upstream;
    this.timeToFirstByteNanos = b.timeToFirstByte.toNanos();
    this.perConnectionBytesPerSecond = b.perConnection;
    this.events = List.copyOf(b.events);
    long fastest = b.perConnection > 0 ? b.perConnection : b.aggregate;
    // a slice is about 2 ms of the rate: fine-grained pacing without a wake-up per few bytes
    this.sliceBytes =
        fastest <= 0 ? MAX_SLICE : (int) Math.max(MIN_SLICE, Math.min(MAX_SLICE, fastest / 500));
    this.aggregateDown = pacer(b.aggregate);
    this.aggregateUp = pacer(b.aggregate);
    this.server =
        ServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    this.port = server.socket().getLocalPort();
    this.pumps =
        new ThreadPoolExecutor(
            0,
            2 * b.maxConnections,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "link-conditions-" + port() + "-pump");
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "link-conditions-" + port() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A builder; {@link Builder#upstream} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the proxy listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The proxy's address: 127.0.0.1 and {@link #port()}. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
  }

  /** {@code uri} with its host and port replaced by the proxy's (scheme, path and query kept). */
  public URI endpoint(URI uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      return new URI(
          uri.getScheme(), null, "127.0.0.1", port(), uri.getPath(), uri.getQuery(), null);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("cannot rewrite " + uri + " to the proxy's port", e);
    }
  }

  /** How many connections the proxy has accepted so far. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** How many proxied connections are open now. */
  public int openConnections() {
    return open.size();
  }

  /** Bytes from the server written towards clients so far (each slice counted as it is sent). */
  public long bytesToClients() {
    return bytesDown.get();
  }

  /** Bytes from clients written towards the server so far (each slice counted as it is sent). */
  public long bytesToServer() {
    return bytesUp.get();
  }

  /**
   * Responses the proxy has begun to deliver so far: one per request answered on a connection (the
   * server's first bytes after a client write), so requests and bytes per request can be counted.
   */
  public long responsesStarted() {
    return responses.get();
  }

  /** Resets every open connection now (the clients see a connection reset). */
  public void resetOpenConnections() {
    for (LinkConnection c : open) {
      c.reset();
    }
  }

  /** Stops listening and ends every connection and pump thread. Closing twice is harmless. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    server.close();
    for (LinkConnection c : open) {
      c.close();
    }
    pumps.shutdownNow();
    try {
      acceptor.join(5_000);
      pumps.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "LinkConditions[127.0.0.1:" + port() + " -> " + upstream + "]";
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      int number = accepted.incrementAndGet();
      SocketChannel up = null;
      try {
        client.socket().setTcpNoDelay(true);
        up = SocketChannel.open();
        up.socket().setTcpNoDelay(true);
        up.socket().connect(upstream, 5_000);
        LinkConnection c = new LinkConnection(this, number, client, up);
        open.add(c);
        try {
          pumps.execute(c::pumpRequests);
        } catch (RejectedExecutionException e) {
          open.remove(c);
          c.reset();
          continue;
        }
        try {
          pumps.execute(c::pumpResponses);
        } catch (RejectedExecutionException e) {
          c.reset(); // the request pump ends and deregisters it
        }
      } catch (IOException e) {
        if (up != null) {
          closeQuietly(up);
        }
        resetQuietly(client); // the upstream is down: the client sees its connection refused
      }
    }
  }

  /** A pacer letting 5 ms of the rate leave ahead and catching up on at most 50 ms of lateness. */
  private static LinkPacer pacer(long bytesPerSecond) {
    return new LinkPacer(
        bytesPerSecond,
        Math.max(MIN_SLICE, bytesPerSecond / 200),
        TimeUnit.MILLISECONDS.toNanos(50));
  }

  LinkPacer connectionPacer() {
    return pacer(perConnectionBytesPerSecond);
  }

  LinkPacer aggregateDown() {
    return aggregateDown;
  }

  LinkPacer aggregateUp() {
    return aggregateUp;
  }

  List<LinkEvent> events() {
    return events;
  }

  int sliceBytes() {
    return sliceBytes;
  }

  long timeToFirstByteNanos() {
    return timeToFirstByteNanos;
  }

  void countDown(long n) {
    bytesDown.addAndGet(n);
  }

  void countResponse() {
    responses.incrementAndGet();
  }

  void countUp(long n) {
    bytesUp.addAndGet(n);
  }

  void ended(LinkConnection c) {
    open.remove(c);
  }

  private static void resetQuietly(SocketChannel s) {
    try {
      s.socket().setSoLinger(true, 0);
    } catch (IOException e) {
      // closing below is all that is left
    }
    closeQuietly(s);
  }

  private static void closeQuietly(SocketChannel s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing is all that is left to do
    }
  }

  /** Builds a {@link LinkConditions}; unset conditions are off (no delay, unlimited bandwidth). */
  public static final class Builder {
    private InetSocketAddress upstream;
    private Duration timeToFirstByte = Duration.ZERO;
    private long perConnection;
    private long aggregate;
    private int maxConnections = 512;
    private final List<LinkEvent> events = new ArrayList<>();

    private Builder() {}

    /** The server to proxy to. */
    public Builder upstream(InetSocketAddress address) {
      this.upstream = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The server to proxy to: {@code uri}'s host and port (80/443 by scheme when absent). */
    public Builder upstream(URI uri) {
      Objects.requireNonNull(uri, "uri");
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("upstream URI has no host: " + uri);
      }
      int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      return upstream(new InetSocketAddress(uri.getHost(), port));
    }

    /** The wait from a request reaching the proxy to the first byte of its response (default 0). */
    public Builder timeToFirstByte(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("timeToFirstByte must not be negative: " + delay);
      }
      this.timeToFirstByte = delay;
      return this;
    }

    /**
     * Each connection's bandwidth per direction in bytes per second (0, the default: unlimited).
     */
    public Builder bandwidthPerConnection(long bytesPerSecond) {
      this.perConnection = checkRate("bandwidthPerConnection", bytesPerSecond);
      return this;
    }

    /** All connections' bandwidth together per direction in bytes per second (0: unlimited). */
    public Builder aggregateBandwidth(long bytesPerSecond) {
      this.aggregate = checkRate("aggregateBandwidth", bytesPerSecond);
      return this;
    }

    /**
     * Pauses connection {@code connection} (from 1 in accept order, or {@link #EVERY_CONNECTION})
     * for {@code duration} once {@code afterBytes} server bytes reached its client.
     */
    public Builder stall(int connection, long afterBytes, Duration duration) {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative()) {
        throw new IllegalArgumentException("stall duration must not be negative: " + duration);
      }
      events.add(new LinkEvent(checkConnection(connection), checkBytes(afterBytes), duration));
      return this;
    }

    /**
     * Resets connection {@code connection} (from 1 in accept order, or {@link #EVERY_CONNECTION})
     * once {@code afterBytes} server bytes reached its client: the client reads those bytes, then
     * "connection reset".
     */
    public Builder reset(int connection, long afterBytes) {
      events.add(new LinkEvent(checkConnection(connection), checkBytes(afterBytes), null));
      return this;
    }

    /** The most connections open at once (default 512); one more is reset on arrival. */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1: " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /** Starts listening on a free port of 127.0.0.1. */
    public LinkConditions build() throws IOException {
      if (upstream == null) {
        throw new IllegalStateException("LinkConditions needs an upstream");
      }
      return new LinkConditions(this);
    }

    private static long checkRate(String what, long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException(what + " must not be negative: " + bytesPerSecond);
      }
      return bytesPerSecond;
    }

    private static int checkConnection(int connection) {
      if (connection < 0) {
        throw new IllegalArgumentException(
            "connection numbers start at 1 (0: every connection): " + connection);
      }
      return connection;
    }

    private static long checkBytes(long afterBytes) {
      if (afterBytes < 0) {
        throw new IllegalArgumentException("afterBytes must not be negative: " + afterBytes);
      }
      return afterBytes;
    }
  }
}
