package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateAndTopologyTest {
  static LoaderState state() {
    return new LoaderState(
        1,
        3,
        4096,
        -7,
        List.of("ab".repeat(32)),
        List.of(5000L),
        64,
        512,
        ShuffleAlgorithm.BLOCK_SPREAD,
        1,
        1 << 18,
        false);
  }

  @Test
  void stateIsTinyCanonicalJsonThatRoundTrips() {
    byte[] json = state().toJson();
    String text = new String(json, StandardCharsets.UTF_8);
    assertEquals(
        "{\"algorithm\":\"block_spread\",\"algorithmVersion\":1,\"blockSize\":262144,"
            + "\"canonicalPartitions\":64,\"dropLast\":false,\"epoch\":3,"
            + "\"globalBatchSize\":512,\"globalSamplesConsumed\":4096,\"manifestHashes\":[\""
            + "ab".repeat(32)
            + "\"],\"samplesPerEpoch\":[5000],\"seed\":-7,\"version\":1}",
        text);
    assertEquals(state(), LoaderState.fromJson(json));
    assertTrue(json.length < 400, json.length + " bytes");
  }

  @Test
  void malformedStatesAreRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LoaderState.fromJson("{\"version\":1}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("manifestHashes"), e.getMessage());
    String future =
        new String(state().toJson(), StandardCharsets.UTF_8)
            .replace("\"version\":1", "\"version\":2");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LoaderState.fromJson(future.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void topologyComesFromTheTorchrunVariables() {
    assertEquals(
        new Topology(5, 16, 8),
        Topology.fromEnv(Map.of("RANK", "5", "WORLD_SIZE", "16", "LOCAL_WORLD_SIZE", "8")));
    assertEquals(Topology.single(), Topology.fromEnv(Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> Topology.fromEnv(Map.of("RANK", "4", "WORLD_SIZE", "4")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Topology.fromEnv(Map.of("RANK", "one")));
    assertTrue(e.getMessage().contains("RANK='one'"), e.getMessage());
  }
}
