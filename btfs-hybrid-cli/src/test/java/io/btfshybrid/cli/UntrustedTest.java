package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.ShardUnavailableException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** Error lines name each tier's answer and never carry raw control characters. */
class UntrustedTest {
  @Test
  void controlCharactersBecomeHexEscapes() {
    assertEquals(
        "a\\x1b[31mb\\x07\\x0d\\x0a\\x7f\\x9bc é",
        Untrusted.escape("a\u001b[31mb\u0007\r\n\u007f\u009bc é"));
    assertEquals("plain", Untrusted.escape("plain"));
  }

  @Test
  void aShardNoTierServedListsEachTiersAnswerOnOneLine() {
    ShardUnavailableException e = new ShardUnavailableException("ds@1", "no tier served it");
    e.addSuppressed(
        new ObjectNotFoundException(
            new io.btfshybrid.api.Locator(
                "mirror", java.net.URI.create("file:///t/manifests/ds/1.json"))));
    e.addSuppressed(new java.io.IOException("cloud: PUT failed", new ConnectException("refused")));
    e.addSuppressed(
        new java.io.IOException("btfs: cat", new SocketTimeoutException("Read timed out")));
    e.addSuppressed(new java.io.IOException("evil: \u001b]0;pwned\u0007"));
    String line = ErrorText.describe(e);
    assertTrue(line.contains("not found (") && line.contains("mirror"), line);
    assertTrue(line.contains("connection refused (cloud"), line);
    assertTrue(line.contains("timed out (btfs"), line);
    assertTrue(line.contains("\\x1b]0;pwned\\x07"), line);
    assertFalse(line.contains("\n") || line.contains("\u001b"), line);
    assertEquals(ExitCodes.UNAVAILABLE, ExitCodes.of(e));
  }

  @Test
  void noErrorIsABarePath() {
    assertEquals("no such file: /x/y", ErrorText.describe(new NoSuchFileException("/x/y")));
  }
}
