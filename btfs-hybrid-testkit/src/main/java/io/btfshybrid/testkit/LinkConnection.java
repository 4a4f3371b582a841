package io.btfshybrid.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One connection through {@link LinkConditions}: a blocking pump per direction, each on its own
 * thread with a large direct buffer (no copy through the heap). Server-to-client bytes wait for the
 * time to first byte after each request, are paced per connection and by the shared aggregate pacer
 * one slice at a time, and meet the scripted stalls and resets; client-to-server bytes are paced
 * the same way.
 */
final class LinkConnection {
  private static final int BUFFER = 256 * 1024;

  private final LinkConditions link;
  private final int number;
  private final SocketChannel client;
  private final SocketChannel upstream;
  private final List<LinkEvent> events = new ArrayList<>();
  private final AtomicLong requestAt = new AtomicLong();
  private final AtomicInteger pumpsRunning = new AtomicInteger(2);
  private final LinkPacer down;
  private final LinkPacer up;
  private int nextEvent;
  private long delivered;

  LinkConnection(LinkConditions link, int number, SocketChannel client, SocketChannel upstream) {
    this.link = link;
    this.number = number;
    this.client = client;
    this.upstream = upstream;
    this.down = link.connectionPacer();
    this.up = link.connectionPacer();
    for (LinkEvent e : link.events()) {
      if (e.appliesTo(number)) {
        events.add(e);
      }
    }
    events.sort(Comparator.comparingLong(LinkEvent::afterBytes));
  }

  /** This connection's number, from 1 in the order the proxy accepted them. */
  int number() {
    return number;
  }

  /** Pumps client bytes to the server until either side ends. */
  void pumpRequests() {
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    try {
      while (client.read(buf) != -1) {
        requestAt.compareAndSet(0, System.nanoTime());
        buf.flip();
        int n = buf.remaining();
        send(upstream, buf, n, up, link.aggregateUp(), link::countUp);
        buf.clear();
      }
      upstream.shutdownOutput();
    } catch (IOException | InterruptedException e) {
      close(); // a side went away, or close() interrupted the pump: end the connection
    } finally {
      pumpEnded();
    }
  }

  /** Pumps server bytes to the client, paced and scripted, until either side ends. */
  void pumpResponses() {
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    try {
      while (upstream.read(buf) != -1) {
        long asked = requestAt.getAndSet(0);
        if (asked != 0) { // a new response: its first byte waits, then a new schedule begins
          link.countResponse();
          LinkPacer.awaitNanoTime(asked + link.timeToFirstByteNanos());
          down.restart();
        }
        buf.flip();
        if (!deliver(buf)) {
          return; // reset
        }
        buf.clear();
      }
      client.shutdownOutput();
    } catch (IOException | InterruptedException e) {
      close(); // a side went away, or close() interrupted the pump: end the connection
    } finally {
      pumpEnded();
    }
  }

  /**
   * Delivers what {@code buf} holds, meeting the scripted events on the way; false after a reset.
   */
  private boolean deliver(ByteBuffer buf) throws IOException, InterruptedException {
    while (buf.hasRemaining()) {
      int piece = buf.remaining();
      LinkEvent event = nextEvent < events.size() ? events.get(nextEvent) : null;
      if (event != null && event.afterBytes() <= delivered) {
        nextEvent++;
        if (event.reset()) {
          reset();
          return false;
        }
        LinkPacer.awaitNanoTime(System.nanoTime() + event.stall().toNanos());
        down.restart(); // no catching up on the stall
        continue;
      }
      if (event != null) {
        piece = (int) Math.min(piece, event.afterBytes() - delivered);
      }
      send(client, buf, piece, down, link.aggregateDown(), link::countDown);
      delivered += piece;
    }
    // a reset at the very end of what the server sent happens before more is asked
    LinkEvent event = nextEvent < events.size() ? events.get(nextEvent) : null;
    if (event != null && event.reset() && event.afterBytes() <= delivered) {
      nextEvent++;
      reset();
      return false;
    }
    return true;
  }

  /**
   * Writes the next {@code len} bytes of {@code buf} one slice at a time, as the pacers allow,
   * counting each slice before it is written (so a peer that has read bytes always finds them
   * counted).
   */
  private void send(
      SocketChannel out,
      ByteBuffer buf,
      int len,
      LinkPacer own,
      LinkPacer aggregate,
      LongConsumer counted)
      throws IOException, InterruptedException {
    int end = buf.position() + len;
    int limit = buf.limit();
    int slice = link.sliceBytes();
    while (buf.position() < end) {
      int k = Math.min(slice, end - buf.position());
      long now = System.nanoTime();
      LinkPacer.awaitNanoTime(Math.max(own.reserve(k, now), aggregate.reserve(k, now)));
      buf.limit(buf.position() + k);
      counted.accept(k);
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      buf.limit(limit);
    }
  }

  /** Ends the connection with a TCP reset towards the client. */
  void reset() {
    try {
      client.socket().setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed: nothing to reset
    }
    close();
  }

  /** Closes both sockets; the pumps end on their next read or write. */
  void close() {
    closeQuietly(client);
    closeQuietly(upstream);
  }

  private void pumpEnded() {
    if (pumpsRunning.decrementAndGet() == 0) {
      close();
      link.ended(this);
    }
  }

  private static void closeQuietly(SocketChannel s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing is all that is left to do
    }
  }
}
