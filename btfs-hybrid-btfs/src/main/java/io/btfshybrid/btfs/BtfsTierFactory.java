package io.btfshybrid.btfs;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.api.TierSpec;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds {@link BtfsTier}s from configuration (type {@code btfs}, locators {@code btfs://<cid>}):
 * settings {@code api} (required), {@code gateway}, {@code apiPrefix}, {@code timeout} (e.g. {@code
 * 30s}, {@code 1500ms}, {@code PT1M}), {@code trustless} and {@code cidProfile} ({@code v1-raw} or
 * {@code v0}).
 */
public final class BtfsTierFactory implements StorageTierFactory {
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  @Override
  public String type() {
    return "btfs";
  }

  @Override
  public Set<String> schemes() {
    return Set.of(BtfsTier.SCHEME);
  }

  @Override
  public StorageTier create(TierSpec spec) {
    if (spec.kind() != TierKind.BTFS) {
      throw new IllegalArgumentException(
          "tier '" + spec.id() + "' (type btfs) must have kind btfs, not " + spec.kind());
    }
    BtfsTier.Builder b =
        BtfsTier.builder().id(spec.id()).apiUrl(uri(spec, "api", spec.require("api")));
    spec.region().ifPresent(b::region);
    String gateway = spec.get("gateway", null);
    if (gateway != null && !gateway.isBlank()) {
      b.gatewayUrl(uri(spec, "gateway", gateway));
    }
    String prefix = spec.get("apiPrefix", null);
    if (prefix != null && !prefix.isBlank()) {
      b.apiPrefix(prefix);
    }
    String timeout = spec.get("timeout", null);
    if (timeout != null && !timeout.isBlank()) {
      b.requestTimeout(duration(spec, "timeout", timeout));
    }
    String trustless = spec.get("trustless", null);
    if (trustless != null) {
      if (!trustless.equalsIgnoreCase("true") && !trustless.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException(
            "tier '" + spec.id() + "': trustless '" + trustless + "' is not true or false");
      }
      b.trustless(Boolean.parseBoolean(trustless));
    }
    String profile = spec.get("cidProfile", null);
    if (profile != null) {
      b.cidProfile(
          switch (profile.toLowerCase(Locale.ROOT)) {
            case "v1-raw", "v1_raw" -> CidProfile.V1_RAW;
            case "v0" -> CidProfile.V0;
            default ->
                throw new IllegalArgumentException(
                    "tier '" + spec.id() + "': cidProfile '" + profile + "' is not v1-raw or v0");
          });
    }
    return b.build();
  }

  private static URI uri(TierSpec spec, String name, String value) {
    try {
      return URI.create(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tier '" + spec.id() + "': " + name + " '" + value + "' is not a URL: " + e.getMessage(),
          e);
    }
  }

  /** Go durations ({@code 30s}, {@code 1500ms}, {@code 2m}, {@code 1h}), ISO-8601 or seconds. */
  static Duration duration(TierSpec spec, String name, String value) {
    String v = value.trim();
    Matcher m = GO_DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    if (v.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "tier '"
              + spec.id()
              + "': "
              + name
              + " '"
              + value
              + "' is not a duration (e.g. 30s, 1500ms, PT1M)");
    }
  }
}
