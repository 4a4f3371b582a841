package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The configuration check accepts exactly what each tier's factory reads. */
class TierSettingsTest {
  private static JsonNode tier(String json) throws Exception {
    return new ObjectMapper().readTree(json);
  }

  @Test
  void everySettingAFactoryReadsIsAccepted() throws Exception {
    assertDoesNotThrow(
        () ->
            ConfigKeys.checkTier(
                tier(
                    "{\"id\":\"c\",\"type\":\"s3\",\"bucket\":\"b\",\"stallTimeout\":\"5s\","
                        + "\"readTimeout\":\"5m\",\"connectTimeout\":\"2s\"}"),
                "tiers[0]",
                "s3"));
    assertDoesNotThrow(
        () ->
            ConfigKeys.checkTier(
                tier(
                    "{\"id\":\"b\",\"type\":\"btfs\",\"api\":\"http://x\",\"stallTimeout\":\"9s\"}"),
                "tiers[0]",
                "btfs"));
  }

  @Test
  void aMisspeltSettingNamesTheNearestOne() throws Exception {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigKeys.checkTier(
                    tier("{\"id\":\"c\",\"type\":\"s3\",\"bucket\":\"b\",\"stalTimeout\":\"5s\"}"),
                    "tiers[0]",
                    "s3"));
    assertTrue(e.getMessage().contains("stalTimeout"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'stallTimeout'?"), e.getMessage());
  }
}
