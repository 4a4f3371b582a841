package io.btfshybrid.btfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile node on 127.0.0.1, speaking raw HTTP/1.1 so it can do what no well-behaved server does:
 * drip a body a byte at a time, send bodies that never end, or answers far larger or deeper than
 * any real reply. Each request is answered by the first rule whose path prefix matches; no rule is
 * a 500 with a short JSON error.
 */
final class MisbehavingNode implements AutoCloseable {
  /** Writes one answer to {@code out}; returns when done or when the client went away. */
  @FunctionalInterface
  interface Answer {
    void write(OutputStream out, MisbehavingNode node) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final Map<String, Answer> rules;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong bytesSent = new AtomicLong();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread acceptor;

  MisbehavingNode(Map<String, Answer> rules) throws IOException {
    this.rules = rules;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "misbehaving-node");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Body bytes written so far, over all answers. */
  long bytesSent() {
    return bytesSent.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "misbehaving-node-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      String path = requestPath(s.getInputStream());
      Answer answer = null;
      for (Map.Entry<String, Answer> rule : rules.entrySet()) {
        if (path.startsWith(rule.getKey())) {
          answer = rule.getValue();
          break;
        }
      }
      OutputStream out = s.getOutputStream();
      if (answer == null) {
        fixed(out, 500, "{\"Message\":\"no rule for " + path + "\",\"Code\":0}");
      } else {
        answer.write(out, this);
      }
      out.flush();
    } catch (IOException e) {
      // the client hung up: exactly what the tests want it to be able to do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(s);
    }
  }

  /** Reads the request head and returns its path (without the query). */
  private static String requestPath(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request cut short");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String requestLine = head.toString(StandardCharsets.US_ASCII).split("\r\n", 2)[0];
    String target = requestLine.split(" ")[1];
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  // ------------------------------------------------------------------------------ answers

  /** A complete answer with a Content-Length. */
  static void fixed(OutputStream out, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
  }

  /** An answer whose chunked body repeats {@code piece} until the client goes away. */
  static Answer endless(int status, String piece) {
    return (out, node) -> {
      out.write(
          ("HTTP/1.1 "
                  + status
                  + " X\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] data =
          piece.repeat(Math.max(1, 65536 / piece.length())).getBytes(StandardCharsets.UTF_8);
      byte[] chunk =
          (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      while (true) {
        out.write(chunk);
        out.write(data);
        out.write(new byte[] {'\r', '\n'});
        node.bytesSent.addAndGet(data.length);
      }
    };
  }

  /** A 200 whose chunked body sends one byte every {@code millis} until the client goes away. */
  static Answer dripping(long millis) {
    return (out, node) -> {
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      while (!node.closed.await(millis, TimeUnit.MILLISECONDS)) {
        out.write("1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        node.bytesSent.incrementAndGet();
      }
    };
  }

  /** A 200 with {@code body} as it is. */
  static Answer ok(String body) {
    return (out, node) -> fixed(out, 200, body);
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    for (Socket s : List.copyOf(open)) {
      s.close();
    }
  }
}
