package io.btfshybrid.s3;

import com.google.common.collect.ImmutableMap;
import io.btfshybrid.api.Durations;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Builds {@link S3Tier}s from configuration ({@code type: s3}): settings {@code bucket} (required),
 * {@code endpoint}, {@code region}, {@code prefix}, {@code pathStyle}, optionally {@code
 * accessKeyId} with {@code secretAccessKey} (else the AWS variables or profile), and the durations
 * {@code connectTimeout}, {@code socketTimeout}, {@code callTimeout}, {@code stallTimeout} and
 * {@code readTimeout} in the one grammar of {@link Durations} ({@code 1500ms}, {@code 30s}, {@code
 * PT1M}).
 */
public final class S3TierFactory implements StorageTierFactory {
  private static final Map<String, BiConsumer<S3Tier.Builder, Duration>> DURATIONS =
      ImmutableMap.of(
          "connectTimeout", S3Tier.Builder::connectTimeout,
          "socketTimeout", S3Tier.Builder::socketTimeout,
          "callTimeout", S3Tier.Builder::callTimeout,
          "stallTimeout", S3Tier.Builder::stallTimeout,
          "readTimeout", S3Tier.Builder::readTimeout);

  @Override
  public String type() {
    return "s3";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  /** Addressing, credentials and the timeouts this factory reads. */
  @Override
  public Set<String> settings() {
    return com.google.common.collect.ImmutableSet.<String>builder()
        .add(
            "bucket",
            "prefix",
            "endpoint",
            "pathStyle",
            "accessKeyId",
            "secretAccessKey",
            "sessionToken")
        .addAll(DURATIONS.keySet())
        .build();
  }

  @Override
  public StorageTier create(TierSpec spec) throws IOException {
    S3Tier.Builder builder =
        S3Tier.builder()
            .id(spec.id())
            .kind(spec.kind())
            .bucket(spec.require("bucket"))
            .prefix(spec.get("prefix", ""))
            .pathStyle(parseBoolean(spec, "pathStyle", false));
    String region = spec.settings().get("region");
    if (region != null) {
      builder.region(region);
    } else {
      spec.region().ifPresent(builder::region);
    }
    String endpoint = spec.settings().get("endpoint");
    if (endpoint != null) {
      builder.endpoint(parseEndpoint(spec, endpoint));
    }
    String accessKeyId = spec.settings().get("accessKeyId");
    String secretAccessKey = spec.settings().get("secretAccessKey");
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException(
          "tier '"
              + spec.id()
              + "' (type s3) needs both 'accessKeyId' and 'secretAccessKey', or neither"
              + " (to use the AWS environment variables or profile)");
    }
    for (Map.Entry<String, BiConsumer<S3Tier.Builder, Duration>> setting : DURATIONS.entrySet()) {
      String value = spec.settings().get(setting.getKey());
      if (value != null) {
        setting.getValue().accept(builder, parseDuration(spec, setting.getKey(), value));
      }
    }
    if (accessKeyId != null) {
      builder.credentials(accessKeyId, secretAccessKey);
      String sessionToken = spec.settings().get("sessionToken");
      if (sessionToken != null) {
        builder.sessionToken(sessionToken);
      }
    }
    return builder.build();
  }

  private static Duration parseDuration(TierSpec spec, String name, String value) {
    try {
      Duration duration = Durations.parse(value);
      if (duration.isZero()) {
        throw new IllegalArgumentException("duration '" + value + "' is zero");
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tier '" + spec.id() + "' (type s3): setting '" + name + "': " + e.getMessage(), e);
    }
  }

  private static boolean parseBoolean(TierSpec spec, String name, boolean fallback) {
    String value = spec.settings().get(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "tier '"
                  + spec.id()
                  + "' (type s3): setting '"
                  + name
                  + "' must be true or false, was '"
                  + value
                  + "'");
    };
  }

  private static URI parseEndpoint(TierSpec spec, String endpoint) {
    try {
      URI uri = new URI(endpoint.strip());
      if (uri.getHost() == null
          || !("http".equalsIgnoreCase(uri.getScheme())
              || "https".equalsIgnoreCase(uri.getScheme()))) {
        throw new URISyntaxException(endpoint, "expected an http or https URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "tier '"
              + spec.id()
              + "' (type s3): setting 'endpoint' must be an http(s) URL such as"
              + " http://127.0.0.1:9000, was '"
              + endpoint
              + "'",
          e);
    }
  }
}
