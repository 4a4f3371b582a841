package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.btfshybrid.api.Locator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * An independent client agrees with S3Tier byte for byte: the AWS SDK for Java v2 reads what S3Tier
 * wrote, and S3Tier reads what the SDK wrote, multipart objects included.
 */
class AwsSdkCrossCheckTest {
  private static final int MIB = 1024 * 1024;
  private static final String BUCKET = "cross";
  private static LocalS3Server server;
  private static S3Client sdk;
  private static S3Tier tier;

  @BeforeAll
  static void start() throws Exception {
    server = LocalS3Server.start(BUCKET);
    sdk = server.sdkClient();
    tier =
        server
            .tier("cloud", BUCKET)
            .minimumPartSize(5 * MIB)
            .partSize(5 * MIB)
            .multipartThreshold(5 * MIB)
            .parallelReadThreshold(2 * MIB)
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    tier.close();
    sdk.close();
    server.close();
  }

  private static Map<String, byte[]> objects(String prefix) {
    Map<String, byte[]> objects = new LinkedHashMap<>();
    Random random = new Random(prefix.hashCode());
    for (int size : new int[] {0, 1, 1000, 3 * MIB + 17, 11 * MIB + 5}) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      objects.put(prefix + "/size-" + size + "/spaced name+plus~été", bytes);
    }
    return objects;
  }

  @Test
  void sdkReadsEveryObjectS3TierWrote() throws IOException {
    Map<String, byte[]> written = objects("by-tier");
    for (Map.Entry<String, byte[]> object : written.entrySet()) {
      byte[] bytes = object.getValue();
      tier.write(object.getKey(), new ByteArrayInputStream(bytes), bytes.length);
    }
    for (Map.Entry<String, byte[]> object : written.entrySet()) {
      byte[] read =
          sdk.getObjectAsBytes(
                  GetObjectRequest.builder().bucket(BUCKET).key(object.getKey()).build())
              .asByteArray();
      assertArrayEquals(object.getValue(), read, object.getKey());
    }
  }

  @Test
  void s3TierReadsEveryObjectTheSdkWrote() throws IOException {
    Map<String, byte[]> written = objects("by-sdk");
    for (Map.Entry<String, byte[]> object : written.entrySet()) {
      sdk.putObject(
          PutObjectRequest.builder().bucket(BUCKET).key(object.getKey()).build(),
          RequestBody.fromBytes(object.getValue()));
    }
    for (Map.Entry<String, byte[]> object : written.entrySet()) {
      Locator where = tier.locate(object.getKey()).orElseThrow();
      assertArrayEquals(object.getValue(), readAll(where), object.getKey());
      assertEquals(object.getValue().length, tier.stat(where).orElseThrow().size());
    }
  }

  @Test
  void s3TierReadsAMultipartObjectTheSdkUploaded() throws IOException {
    String key = "by-sdk/multipart/object.bin";
    byte[] bytes = new byte[2 * 5 * MIB + 333];
    new Random(7).nextBytes(bytes);
    String uploadId = sdk.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    for (int number = 1, offset = 0; offset < bytes.length; number++, offset += 5 * MIB) {
      int length = Math.min(5 * MIB, bytes.length - offset);
      String etag =
          sdk.uploadPart(
                  UploadPartRequest.builder()
                      .bucket(BUCKET)
                      .key(key)
                      .uploadId(uploadId)
                      .partNumber(number)
                      .build(),
                  RequestBody.fromBytes(
                      java.util.Arrays.copyOfRange(bytes, offset, offset + length)))
              .eTag();
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    }
    sdk.completeMultipartUpload(
        CompleteMultipartUploadRequest.builder()
            .bucket(BUCKET)
            .key(key)
            .uploadId(uploadId)
            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
            .build());

    Locator where = tier.locate(key).orElseThrow();
    assertArrayEquals(bytes, readAll(where));
  }

  private static byte[] readAll(Locator where) throws IOException {
    try (InputStream in = tier.read(where, 0, -1)) {
      return in.readAllBytes();
    }
  }
}
