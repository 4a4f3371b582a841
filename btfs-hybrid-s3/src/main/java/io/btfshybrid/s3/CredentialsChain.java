package io.btfshybrid.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The usual AWS credential lookup: the {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY} /
 * {@code AWS_SESSION_TOKEN} variables, then the {@code AWS_PROFILE} (default {@code default})
 * section of {@code ~/.aws/credentials} or of {@code AWS_SHARED_CREDENTIALS_FILE}.
 */
final class CredentialsChain {
  private final Function<String, String> environment;
  private final Path userHome;

  CredentialsChain(Function<String, String> environment, Path userHome) {
    this.environment = environment;
    this.userHome = userHome;
  }

  /** The first credentials found, or an error naming the tier and saying where we looked. */
  S3Credentials resolve(String tierId) throws IOException {
    Optional<S3Credentials> fromEnvironment = fromEnvironment();
    if (fromEnvironment.isPresent()) {
      return fromEnvironment.get();
    }
    Path file = credentialsFile();
    String profile = nonBlank(environment.apply("AWS_PROFILE")).orElse("default");
    return fromProfile(file, profile)
        .orElseThrow(
            () ->
                new S3CredentialsException(
                    "S3 tier '"
                        + tierId
                        + "' has no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add"
                        + " a ["
                        + profile
                        + "] section with aws_access_key_id and aws_secret_access_key to "
                        + file
                        + ", or pass credentials to the builder"));
  }

  private Optional<S3Credentials> fromEnvironment() {
    Optional<String> keyId = nonBlank(environment.apply("AWS_ACCESS_KEY_ID"));
    Optional<String> secret = nonBlank(environment.apply("AWS_SECRET_ACCESS_KEY"));
    if (keyId.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new S3Credentials(
            keyId.get(), secret.get(), nonBlank(environment.apply("AWS_SESSION_TOKEN"))));
  }

  private Path credentialsFile() {
    return nonBlank(environment.apply("AWS_SHARED_CREDENTIALS_FILE"))
        .map(Path::of)
        .orElse(userHome.resolve(".aws").resolve("credentials"));
  }

  private static Optional<S3Credentials> fromProfile(Path file, String profile) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Map<String, String> section =
        readSection(Files.readAllLines(file, StandardCharsets.UTF_8), profile);
    Optional<String> keyId = nonBlank(section.get("aws_access_key_id"));
    Optional<String> secret = nonBlank(section.get("aws_secret_access_key"));
    if (keyId.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new S3Credentials(keyId.get(), secret.get(), nonBlank(section.get("aws_session_token"))));
  }

  /** The {@code key = value} lines of the INI section {@code [profile]}. */
  private static Map<String, String> readSection(List<String> lines, String profile) {
    Map<String, String> values = new HashMap<>();
    boolean inSection = false;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        inSection = line.substring(1, line.length() - 1).strip().equals(profile);
        continue;
      }
      int equals = line.indexOf('=');
      if (inSection && equals > 0) {
        values.put(
            line.substring(0, equals).strip().toLowerCase(Locale.ROOT),
            line.substring(equals + 1).strip());
      }
    }
    return values;
  }

  @Override
  public String toString() {
    return "CredentialsChain[environment, " + credentialsFile() + "]";
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
  }
}
