package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Typed, bounded access to the fields of one JSON object, naming what is wrong. */
final class ManifestFields {
  private final JsonNode node;
  private final String where;

  ManifestFields(JsonNode node, String where, Set<String> allowed)
      throws ManifestRejectedException {
    if (node == null || !node.isObject()) {
      throw ManifestCodec.malformed(where + " must be a JSON object");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ManifestCodec.malformed(where + " has an unknown field '" + name + "'");
      }
    }
    this.node = node;
    this.where = where;
  }

  boolean has(String name) {
    return node.has(name);
  }

  private JsonNode get(String name) throws ManifestRejectedException {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      throw ManifestCodec.malformed(where + " lacks the field '" + name + "'");
    }
    return v;
  }

  String text(String name) throws ManifestRejectedException {
    JsonNode v = get(name);
    if (!v.isTextual()) {
      throw ManifestCodec.malformed(where + " field '" + name + "' must be a string");
    }
    if (v.asText().length() > ManifestCodec.MAX_STRING) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE,
          where + " field '" + name + "' is longer than " + ManifestCodec.MAX_STRING);
    }
    return v.asText();
  }

  long number(String name, long min, long max) throws ManifestRejectedException {
    JsonNode v = get(name);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ManifestCodec.malformed(where + " field '" + name + "' must be an integer");
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw ManifestCodec.malformed(
          where + " field '" + name + "' = " + n + " is outside " + min + ".." + max);
    }
    return n;
  }

  String hash(String name) throws ManifestRejectedException {
    String h = text(name);
    if (!Digests.isSha256Hex(h)) {
      throw ManifestCodec.malformed(
          where + " field '" + name + "' is not lowercase SHA-256 hex: '" + h + "'");
    }
    return h;
  }

  Instant instant(String name) throws ManifestRejectedException {
    String t = text(name);
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw ManifestCodec.malformed(
          where + " field '" + name + "' is not an ISO-8601 instant: '" + t + "'");
    }
  }

  URI uri(String name) throws ManifestRejectedException {
    String t = text(name);
    try {
      return new URI(t);
    } catch (URISyntaxException e) {
      throw ManifestCodec.malformed(where + " field '" + name + "' is not a URI: '" + t + "'");
    }
  }

  JsonNode object(String name) throws ManifestRejectedException {
    JsonNode v = get(name);
    if (!v.isObject()) {
      throw ManifestCodec.malformed(where + " field '" + name + "' must be an object");
    }
    return v;
  }

  JsonNode array(String name) throws ManifestRejectedException {
    JsonNode v = get(name);
    if (!v.isArray()) {
      throw ManifestCodec.malformed(where + " field '" + name + "' must be an array");
    }
    return v;
  }

  List<String> strings(String name) throws ManifestRejectedException {
    List<String> out = new ArrayList<>();
    for (JsonNode item : array(name)) {
      if (!item.isTextual()) {
        throw ManifestCodec.malformed(where + " field '" + name + "' must hold only strings");
      }
      out.add(item.asText());
    }
    return out;
  }
}
