package io.btfshybrid.btfs;

import io.btfshybrid.api.Durations;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierChecks;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.api.TierSpec;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Builds {@link BtfsTier}s from configuration (type {@code btfs}, locators {@code btfs://<cid>}):
 * settings {@code api} (required), {@code gateway}, {@code apiPrefix}, {@code timeout} and {@code
 * stallTimeout} (durations as {@link Durations} reads them, e.g. {@code 30s}, {@code 1500ms},
 * {@code PT1M}), {@code trustless} and {@code cidProfile} ({@code v1-raw} or {@code v0}).
 */
public final class BtfsTierFactory implements StorageTierFactory {
  /** {@code btfs}. */
  @Override
  public String type() {
    return "btfs";
  }

  /** {@code btfs}. */
  @Override
  public Set<String> schemes() {
    return Set.of(BtfsTier.SCHEME);
  }

  /** A {@link BtfsTier} from {@code spec}; the error names the tier and the bad setting. */
  /** The node's addresses, timeouts, read mode and CID profile. */
  @Override
  public Set<String> settings() {
    return Set.of(
        "api", "gateway", "apiPrefix", "timeout", "stallTimeout", "trustless", "cidProfile");
  }

  @Override
  public StorageTier create(TierSpec spec) {
    TierChecks.kind(spec.id(), spec.kind());
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
    String stall = spec.get("stallTimeout", null);
    if (stall != null && !stall.isBlank()) {
      b.stallTimeout(duration(spec, "stallTimeout", stall));
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

  /** {@code value} in the one duration grammar of {@link Durations}, the error naming the tier. */
  private static Duration duration(TierSpec spec, String name, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tier '" + spec.id() + "': " + name + " " + e.getMessage(), e);
    }
  }
}
