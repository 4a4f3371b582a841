package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AWS credential lookup order: environment variables, then the profile file. */
class CredentialsChainTest {
  @TempDir Path home;
  private final Map<String, String> env = new HashMap<>();

  private S3Credentials resolve() throws IOException {
    return new CredentialsChain(env::get, home).resolve("t");
  }

  private void writeProfiles(String content) throws IOException {
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/credentials"), content);
  }

  @Test
  void environmentVariablesComeFirst() throws IOException {
    writeProfiles("[default]\naws_access_key_id = FILE\naws_secret_access_key = file-secret\n");
    env.put("AWS_ACCESS_KEY_ID", "ENVKEY");
    env.put("AWS_SECRET_ACCESS_KEY", "env-secret");
    env.put("AWS_SESSION_TOKEN", "env-token");

    assertEquals(new S3Credentials("ENVKEY", "env-secret", Optional.of("env-token")), resolve());
  }

  @Test
  void defaultProfileIsReadFromTheCredentialsFile() throws IOException {
    writeProfiles(
        "# comment\n[other]\naws_access_key_id=OTHER\naws_secret_access_key=o\n\n"
            + "[default]\n  AWS_ACCESS_KEY_ID = DEF \naws_secret_access_key= def-secret\n");

    assertEquals(new S3Credentials("DEF", "def-secret", Optional.empty()), resolve());
  }

  @Test
  void awsProfileSelectsTheSection() throws IOException {
    writeProfiles(
        "[default]\naws_access_key_id=DEF\naws_secret_access_key=d\n"
            + "[ci]\naws_access_key_id=CI\naws_secret_access_key=ci-secret\naws_session_token=t\n");
    env.put("AWS_PROFILE", "ci");

    assertEquals(new S3Credentials("CI", "ci-secret", Optional.of("t")), resolve());
  }

  @Test
  void halfSetEnvironmentFallsBackToTheFile() throws IOException {
    writeProfiles("[default]\naws_access_key_id=DEF\naws_secret_access_key=d\n");
    env.put("AWS_ACCESS_KEY_ID", "ONLY-KEY");

    assertEquals("DEF", resolve().accessKeyId());
  }

  @Test
  void nothingFoundNamesTheProfileAndTheFile() {
    env.put("AWS_PROFILE", "missing");
    S3CredentialsException e = assertThrows(S3CredentialsException.class, this::resolve);

    assertTrue(e.getMessage().startsWith("S3 tier 't' has no credentials"), e.getMessage());
    assertTrue(e.getMessage().contains("[missing]"), e.getMessage());
    assertTrue(
        e.getMessage().contains(home.resolve(".aws/credentials").toString()), e.getMessage());
  }

  @Test
  void builderUsesTheChainWhenNoCredentialsAreGiven() throws IOException {
    writeProfiles("[default]\naws_access_key_id=DEF\naws_secret_access_key=d\n");
    try (S3Tier tier =
        S3Tier.builder().id("t").bucket("bucket").environment(env::get).userHome(home).build()) {
      assertEquals("bucket", tier.bucket());
    }
    Path empty = home.resolve("nobody");
    assertThrows(
        S3CredentialsException.class,
        () ->
            S3Tier.builder()
                .id("t")
                .bucket("bucket")
                .environment(env::get)
                .userHome(empty)
                .build());
  }

  @Test
  void secretNeverShowsInToString() {
    assertEquals(
        "S3Credentials[KEY, secret hidden]",
        new S3Credentials("KEY", "very-secret", Optional.empty()).toString());
  }
}
