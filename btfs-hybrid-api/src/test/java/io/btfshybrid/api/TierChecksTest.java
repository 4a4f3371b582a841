package io.btfshybrid.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TierChecksTest {
  @Test
  void tierIdsFollowOneRule() {
    assertEquals("mirror-eu.1", TierChecks.tierId("mirror-eu.1"));
    for (String bad : new String[] {null, "", "-x", "a b", "a/b", "x".repeat(129)}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> TierChecks.tierId(bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void regionsAreLowerCaseNames() {
    assertEquals("eu-west-1", TierChecks.region("t", "eu-west-1"));
    assertEquals(null, TierChecks.region("t", null));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TierChecks.region("t", "EU West"));
    assertTrue(e.getMessage().contains("'EU West'"), e.getMessage());
  }

  @Test
  void rangesPastTheEndReadToTheEndWithoutOverflow() {
    assertEquals(10, TierChecks.end(0, -1, 10));
    assertEquals(10, TierChecks.end(4, Long.MAX_VALUE, 10));
    assertEquals(7, TierChecks.end(4, 3, 10));
    assertEquals(10, TierChecks.end(12, 5, 10));
    assertThrows(IllegalArgumentException.class, () -> TierChecks.range(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> TierChecks.range(0, -2));
  }

  @Test
  void aForeignLocatorIsNotFound() throws Exception {
    Locator mine = new Locator("a", URI.create("mem://a/k"));
    assertEquals(mine, TierChecks.own("a", mine));
    ObjectNotFoundException e =
        assertThrows(
            ObjectNotFoundException.class,
            () -> TierChecks.own("a", new Locator("b", URI.create("mem://b/k"))));
    assertTrue(e.getMessage().contains("'b'"), e.getMessage());
  }

  @Test
  void oneDurationGrammar() {
    assertEquals(Duration.ofMillis(1500), Durations.parse("1500ms"));
    assertEquals(Duration.ofSeconds(45), Durations.parse("45s"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("90m"));
    assertEquals(Duration.ofHours(12), Durations.parse("12h"));
    assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("PT1M30S"));
    for (String bad :
        new String[] {"", "5", "1.5s", "-3s", "3 weeks", "PT-1S", "999999999999999999d"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
