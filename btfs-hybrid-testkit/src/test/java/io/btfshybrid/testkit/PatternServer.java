package io.btfshybrid.testkit;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback server for link tests: each request is an 8-byte length, answered with that many bytes
 * of {@link #byteAt} (offsets counted per request), as often as the client asks.
 */
final class PatternServer implements AutoCloseable {
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  PatternServer() throws IOException {
    server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "pattern-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static byte byteAt(long offset) {
    return (byte) (offset % 251);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  private void accept() {
    try {
      while (true) {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "pattern-server-conn");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException closed) {
      // the server was closed
    }
  }

  private void serve(Socket s) {
    byte[] buf = new byte[251 * 256];
    for (int i = 0; i < buf.length; i++) {
      buf[i] = byteAt(i);
    }
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        long n = in.readLong();
        for (long sent = 0; sent < n; ) {
          int k = (int) Math.min(buf.length, n - sent);
          out.write(buf, 0, k);
          sent += k;
        }
        out.flush();
      }
    } catch (EOFException done) {
      // the client closed the connection
    } catch (IOException gone) {
      // reset or closed
    } finally {
      open.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
