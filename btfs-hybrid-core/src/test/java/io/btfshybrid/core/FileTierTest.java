package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.ObjectNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FileTier follows the shared tier rules and creates conditionally. */
class FileTierTest {
  @TempDir Path tmp;

  FileTier tier(String id) {
    return FileTier.builder().id(id).root(tmp.resolve("root")).build();
  }

  byte[] read(FileTier t, Locator where, long offset, long length) throws IOException {
    return Releases.readAll(t.read(where, offset, length));
  }

  @Test
  void idKindAndRegionFollowTheSharedRules() {
    assertThrows(IllegalArgumentException.class, () -> tier("-bad"));
    assertThrows(
        IllegalArgumentException.class,
        () -> FileTier.builder().id("a").kind(null).root(tmp).build());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FileTier.builder().id("a").region("EU West").root(tmp).build());
    assertTrue(e.getMessage().contains("EU West"), e.getMessage());
    assertEquals(
        "eu-west-1",
        FileTier.builder().id("a").region("eu-west-1").root(tmp).build().region().orElseThrow());
  }

  @Test
  void rangesPastTheEndReadToTheEndWithoutOverflow() throws IOException {
    FileTier t = tier("a");
    Locator where = t.write("k", new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), 4);
    assertArrayEquals(new byte[] {3, 4}, read(t, where, 2, Long.MAX_VALUE));
    assertArrayEquals(new byte[] {2, 3}, read(t, where, 1, 2));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, read(t, where, 0, -1));
    assertArrayEquals(new byte[0], read(t, where, 9, 5));
    assertArrayEquals(new byte[0], read(t, where, Long.MAX_VALUE, Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> t.read(where, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> t.read(where, 0, -2));
  }

  @Test
  void aLocatorOfAnotherTierIsNotFoundEvenWhenThePathIsUnderTheRoot() throws IOException {
    FileTier t = tier("a");
    Locator mine = t.write("k", new ByteArrayInputStream(new byte[] {7}), 1);
    Locator foreign = new Locator("b", mine.uri());
    assertThrows(ObjectNotFoundException.class, () -> t.read(foreign, 0, -1));
  }

  @Test
  void writeNewRefusesATakenKeyAndKeepsTheFirstBytes() throws IOException {
    FileTier t = tier("a");
    Locator first = t.writeNew("m/1.json", new ByteArrayInputStream(new byte[] {1}), 1);
    ObjectExistsException e =
        assertThrows(
            ObjectExistsException.class,
            () -> t.writeNew("m/1.json", new ByteArrayInputStream(new byte[] {2}), 1));
    assertEquals(first, e.locator());
    assertArrayEquals(new byte[] {1}, read(t, first, 0, -1));
  }

  @Test
  void ofManyConcurrentCreatorsExactlyOneWins() throws Exception {
    FileTier t = tier("a");
    int writers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Locator>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        byte[] mine = new byte[4096];
        Arrays.fill(mine, (byte) i);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return t.writeNew("m/1.json", new ByteArrayInputStream(mine), mine.length);
                }));
      }
      start.countDown();
      int won = 0;
      int lost = 0;
      int winner = -1;
      for (int i = 0; i < writers; i++) {
        Future<Locator> f = results.get(i);
        try {
          f.get(30, java.util.concurrent.TimeUnit.SECONDS);
          won++;
          winner = i;
        } catch (java.util.concurrent.ExecutionException ex) {
          assertTrue(ex.getCause() instanceof ObjectExistsException, ex.toString());
          lost++;
        }
      }
      assertEquals(1, won);
      assertEquals(writers - 1, lost);
      byte[] expected = new byte[4096];
      Arrays.fill(expected, (byte) winner);
      assertArrayEquals(expected, Files.readAllBytes(tmp.resolve("root/m/1.json")));
    } finally {
      pool.shutdownNow();
    }
  }
}
