package io.btfshybrid.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Preconditions;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.btfshybrid.api.KeyUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Key-encryption keys (Tink AES-256-GCM keysets) kept in a local file, one per KEK id. The file is
 * secret: it is written owner-only and whoever reads it can unwrap every data key wrapped by its
 * KEKs. Suited to tests, single hosts and air-gapped setups; use {@link
 * KmsClientKeyManagementService} for AWS KMS, GCP KMS or Vault.
 */
public final class LocalKeyManagementService extends AeadKeyManagement {
  static final String FORMAT = "btfs-hybrid.kek-keyset.v1";
  private static final int MAX_FILE_BYTES = 1 << 20;
  private static final int MAX_KEKS = 1000;
  private static final AeadParameters KEK_PARAMETERS = PredefinedAeadParameters.AES256_GCM;

  private final Path file;
  private final Map<String, Aead> keks;

  private LocalKeyManagementService(Path file, Map<String, Aead> keks) {
    this.file = file;
    this.keks = Collections.unmodifiableMap(keks);
  }

  /**
   * Creates {@code keysetFile} holding a fresh AES-256-GCM KEK for each id; refuses to overwrite an
   * existing file (losing a KEK loses every release it wraps).
   */
  public static LocalKeyManagementService generate(Path keysetFile, String... kekIds)
      throws IOException {
    Preconditions.checkArgument(kekIds.length > 0, "generate needs at least one KEK id");
    Preconditions.checkArgument(
        kekIds.length <= MAX_KEKS, "%s KEK ids exceed the limit of %s", kekIds.length, MAX_KEKS);
    if (Files.exists(keysetFile)) {
      throw new FileAlreadyExistsException(
          keysetFile.toString(), null, "refusing to overwrite an existing KEK keyset");
    }
    Crypto.init();
    ObjectNode keksNode = JsonNodeFactory.instance.objectNode();
    Map<String, Aead> keks = new LinkedHashMap<>();
    try {
      for (String id : kekIds) {
        ShardPaths.checkName("KEK id", id);
        Preconditions.checkArgument(!keks.containsKey(id), "KEK id '%s' is listed twice", id);
        KeysetHandle handle = KeysetHandle.generateNew(KEK_PARAMETERS, RegistryConfiguration.get());
        keksNode.put(
            id,
            TinkJsonProtoKeysetFormat.serializeKeyset(
                handle, RegistryConfiguration.get(), InsecureSecretKeyAccess.get()));
        keks.put(id, handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an AES-256-GCM key", e);
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("format", FORMAT);
    root.set("keks", ManifestCodec.sorted(keksNode));
    byte[] json = ManifestCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    try {
      AtomicFiles.createNew(new ByteArrayInputStream(json), json.length, keysetFile, true);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(
          keysetFile.toString(), null, "refusing to overwrite an existing KEK keyset");
    }
    return new LocalKeyManagementService(keysetFile, keks);
  }

  /** Loads a file written by {@link #generate}; anything else is refused naming the file. */
  public static LocalKeyManagementService load(Path keysetFile) throws IOException {
    Crypto.init();
    byte[] bytes;
    try {
      bytes = BoundedReads.readAtMost(Files.newInputStream(keysetFile), MAX_FILE_BYTES, "the file");
    } catch (NoSuchFileException e) {
      throw new InvalidKeysetException(keysetFile, "no such file", e);
    } catch (BoundedReads.TooLargeException e) {
      throw new InvalidKeysetException(keysetFile, e.getMessage(), e);
    }
    try {
      JsonNode root = ManifestCodec.JSON.readTree(bytes);
      if (root == null || !FORMAT.equals(root.path("format").asText())) {
        throw new IllegalArgumentException("the field 'format' is not '" + FORMAT + "'");
      }
      JsonNode list = root.path("keks");
      if (!list.isObject() || list.isEmpty() || list.size() > MAX_KEKS) {
        throw new IllegalArgumentException(
            "'keks' must map 1.." + MAX_KEKS + " KEK ids to keysets");
      }
      Map<String, Aead> keks = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = list.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        ShardPaths.checkName("KEK id", e.getKey());
        KeysetHandle handle = parseKek(e.getKey(), e.getValue().asText());
        if (!(handle.getPrimary().getKey().getParameters() instanceof AeadParameters)) {
          throw new IllegalArgumentException("KEK '" + e.getKey() + "' is not an AEAD key");
        }
        keks.put(e.getKey(), handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
      }
      return new LocalKeyManagementService(keysetFile, keks);
    } catch (JsonProcessingException e) {
      // the parser's message quotes the offending token, which may be key material: only where
      throw new InvalidKeysetException(keysetFile, "not valid JSON " + where(e), null);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new InvalidKeysetException(keysetFile, String.valueOf(e.getMessage()), e);
    }
  }

  /** The position of a JSON error, without the text found there. */
  static String where(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null ? "" : "at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /**
   * One KEK's keyset; a failure names the KEK id and the kind of failure only, never the parser's
   * message or cause (they may quote secret key material).
   */
  private static KeysetHandle parseKek(String kekId, String json) {
    try {
      return TinkJsonProtoKeysetFormat.parseKeyset(
          json, RegistryConfiguration.get(), InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "KEK '" + kekId + "' is not a Tink JSON keyset (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The file the KEKs came from. */
  public Path file() {
    return file;
  }

  /** The KEK ids held in the file. */
  @Override
  public Set<String> keyIds() {
    return keks.keySet();
  }

  @Override
  String refusal(String kekId, boolean unwrapping, GeneralSecurityException e) {
    return unwrapping
        ? "the KEK in '"
            + file
            + "' does not open this wrapped data key (another key under the"
            + " same id, or a wrapped key or release identity that was altered)"
        : "wrapping failed: " + e.getMessage();
  }

  @Override
  Aead aead(String kekId) throws KeyUnavailableException {
    Aead aead = keks.get(kekId);
    if (aead == null) {
      throw new KeyUnavailableException(
          kekId, "not in key file '" + file + "', which holds " + keks.keySet());
    }
    return aead;
  }

  /** The file and KEK ids (never key material). */
  @Override
  public String toString() {
    return "LocalKeyManagementService[" + file + ", " + keks.keySet() + "]";
  }
}
