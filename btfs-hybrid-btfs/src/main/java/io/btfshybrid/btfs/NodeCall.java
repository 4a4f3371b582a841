package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;

/**
 * One RPC to the node, built in one place: its command and arguments, the node-side {@code timeout}
 * when asked for, how long the client waits, and how its failures read. A call {@link
 * #about(Locator) about} some content turns the node's "not found" and "timed out" into the typed
 * exceptions readers move on from; every call turns "no answer in time" into one exception naming
 * the command, the wait and the tier.
 */
final class NodeCall {
  private final BtfsNode node;
  private final String command;
  private final List<NameValuePair> params = new ArrayList<>();
  private HttpEntity body;
  private Duration wait;
  private Locator where;
  private String subject;

  NodeCall(BtfsNode node, String command) {
    this.node = node;
    this.command = command;
    this.wait = node.readTimeout();
  }

  /** Adds an {@code arg} argument. */
  NodeCall arg(Object value) {
    return param("arg", value.toString());
  }

  /** Adds the argument {@code name=value}. */
  NodeCall param(String name, String value) {
    params.add(new BasicNameValuePair(name, value));
    return this;
  }

  /** Asks the node to give up looking for content after the tier's request timeout. */
  NodeCall withNodeTimeout() {
    return param("timeout", GoDuration.format(node.requestTimeout()));
  }

  /** The call is about {@code content}: its errors name it and read as content errors. */
  NodeCall about(Locator content) {
    this.where = content;
    this.subject = content.toString();
    return this;
  }

  /** The call uploads {@code entity} and waits {@code answerWait} for the answer after it. */
  NodeCall upload(HttpEntity entity, Duration answerWait, String what) {
    this.body = entity;
    this.wait = answerWait;
    this.subject = what;
    return this;
  }

  /** Opens the call; the caller reads and closes the reply. */
  NodeReply open() throws IOException {
    String described = subject == null ? command : command + " of " + subject;
    try {
      return node.rpc().open(command, params, body, wait, described);
    } catch (BtfsNodeException e) {
      throw where == null ? e : NodeErrors.forContent(where, e);
    } catch (SocketTimeoutException e) {
      String message =
          described + " got no answer within " + wait + " from tier '" + node.id() + "'";
      HybridStorageException typed =
          where == null
              ? new HybridStorageException(message)
              : new BtfsContentUnavailableException(where, message);
      typed.initCause(e);
      throw typed;
    }
  }

  /** Runs the call and returns the first JSON value of its answer, a few KiB at most. */
  JsonNode json() throws IOException {
    return json(BoundedJson.MAX_SMALL_REPLY);
  }

  /** Runs the call and returns the first JSON value of its answer, at most {@code limit} bytes. */
  JsonNode json(int limit) throws IOException {
    try (NodeReply reply = open()) {
      return BoundedJson.firstValue(command, reply.readAtMost(command, limit));
    }
  }
}
