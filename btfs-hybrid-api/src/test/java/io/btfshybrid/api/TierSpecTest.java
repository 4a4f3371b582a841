package io.btfshybrid.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TierSpecTest {
  @Test
  void toStringNeverPrintsSecretSettings() {
    TierSpec spec =
        new TierSpec(
            "cloud",
            "s3",
            TierKind.CLOUD,
            Optional.of("eu-west-1"),
            Map.of(
                "endpoint", "http://127.0.0.1:9000",
                "accessKeyId", "AKIAEXAMPLE",
                "secretAccessKey", "wJalrXUtnFEMI-secret-1",
                "sessionToken", "FwoGZXIvYXdzE-token-2",
                "password", "hunter2-password-3",
                "api_token", "tok-4",
                "clientSecret", "cs-5"));
    String shown = spec.toString();
    for (String secret :
        new String[] {
          "wJalrXUtnFEMI-secret-1", "FwoGZXIvYXdzE-token-2", "hunter2-password-3", "tok-4", "cs-5"
        }) {
      assertFalse(shown.contains(secret), shown);
    }
    assertTrue(shown.contains("secretAccessKey=" + TierSpec.REDACTED), shown);
    assertTrue(shown.contains("sessionToken=" + TierSpec.REDACTED), shown);
    assertTrue(shown.contains("accessKeyId=AKIAEXAMPLE"), shown);
    assertTrue(shown.contains("endpoint=http://127.0.0.1:9000"), shown);
    assertTrue(shown.contains("cloud") && shown.contains("eu-west-1"), shown);
    // the values themselves stay available to the tier factory
    assertEquals("wJalrXUtnFEMI-secret-1", spec.require("secretAccessKey"));
  }

  @Test
  void secretNamesAreRecognisedInAnyCase() {
    for (String name :
        new String[] {
          "secretAccessKey", "SESSION_TOKEN", "Password", "x-auth-token", "privateKey"
        }) {
      assertTrue(TierSpec.isSecret(name), name);
    }
    for (String name : new String[] {"endpoint", "bucket", "accessKeyId", "region", "api"}) {
      assertFalse(TierSpec.isSecret(name), name);
    }
  }
}
