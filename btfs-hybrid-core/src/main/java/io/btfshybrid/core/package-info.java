/**
 * The engine: publishing a directory as a signed, immutable release on several tiers, and loading
 * it back verified. Public entry points are {@link io.btfshybrid.core.DatasetPublisher}, {@link
 * io.btfshybrid.core.DatasetClient} / {@link io.btfshybrid.core.Dataset}, {@link
 * io.btfshybrid.core.ManifestSigner}, {@link io.btfshybrid.core.TrustRoot}, {@link
 * io.btfshybrid.core.FileTier}, the key management services and {@link
 * io.btfshybrid.core.AuditLog}; everything else is package-private and lives in one of these rooms:
 *
 * <ul>
 *   <li><b>Manifest and trust</b>: {@code ManifestCodec} (canonical JSON; fields read by {@code
 *       ManifestFields}, shape pre-checked by {@code ManifestShape}), {@code CanonicalJson} (the
 *       one canonical form of every signed document), {@code SignedEnvelope}, {@code
 *       SignedDocuments} (fetch one bounded signed document), {@code BoundedReads}, {@code
 *       ManifestSigner}, {@code TrustRoot}, {@code ManifestUris}, {@code LatestPointer(s)}, {@code
 *       TrustState}, and on the client {@code ManifestLoader} (pin, signatures, address, expiry,
 *       rollback).
 *   <li><b>Read path</b>: {@code ManifestResolver} (content key first, hints as extra candidates,
 *       ordered by {@code HealthTracker}), {@code PlannedSource}, {@code ChunkSource}, {@code
 *       StreamingVerifier} and {@code ChunkCursor} (per-chunk fallback), {@code
 *       VerifiedInputStream}, {@code VerifiedChannel}, {@code ReadAheadInputStream}, {@code
 *       ReadPools} and {@code StallWatchdog} (every open and every chunk has a deadline), {@code
 *       SourceStalledException}, {@code TierStats}/{@code ClientStats}; {@code FirstByteTiming},
 *       {@code TeeReads}; health kept in {@code TierHealth} ({@code LatencyHistogram}) and across
 *       runs in {@code HealthStateFile}, read back as {@code ProviderScorecard}/{@code
 *       TierScorecard}.
 *   <li><b>Drills and meters</b>: {@code Drill}, {@code DrillTiers} (switched tiers), {@code
 *       DrillRunner}, {@code DrillReport}; {@code Meters} and {@code MicrometerMeters} (the only
 *       class that refers to the optional Micrometer).
 *   <li><b>Cache</b>: {@code DiskCache} (content-addressed, bounded, re-verified, degrades to
 *       uncached reads), {@code CacheEntryLock}, {@code AtomicFiles}.
 *   <li><b>Publish</b>: {@code DatasetPublisher} over one class per operation: {@code SourceTree}
 *       and {@code SourceFile} (what may be published), {@code ShardDigest} (the one hashing pass),
 *       {@code ReleaseLookup} (an existing release, verified), {@code ShardUploader}
 *       (content-addressed copies, verified before reuse), {@code ManifestWriter} (conditional
 *       create, latest pointer), {@code KeyRotation}, {@code PublishAudit}; {@code BlobKeys},
 *       {@code ShardPaths}; sample indexes in {@link io.btfshybrid.core.samples}.
 *   <li><b>Security</b>: {@code ShardEncryption} (Tink streaming AEAD), {@code Crypto}, {@code
 *       AccessPolicy}, {@code Principal}, {@code KeyRelease} (policy before key release), {@code
 *       AeadKeyManagement} and the local and KMS key services.
 *   <li><b>Operate: catalog and retention</b>: {@code CatalogScan} (every tier's {@code
 *       list("manifests/")}, pins sniffed on BTFS, each manifest verified) behind {@link
 *       io.btfshybrid.core.Catalog} and {@link io.btfshybrid.core.ReleaseInfo}; {@code
 *       GarbageCollection} behind {@link io.btfshybrid.core.RetentionPolicy} and {@link
 *       io.btfshybrid.core.GcReport}; both reached through {@link
 *       io.btfshybrid.core.ReleaseOperations}.
 *   <li><b>Audit</b>: {@code AuditLog} (hash-chained JSON lines, torn tails repaired), {@code
 *       AuditEntry}, {@code AuditEvent}, {@code AuditSink}, {@code AuditLines}, {@code
 *       AuditVerification}, {@code AuditedReads}, {@code ClientAudit}.
 * </ul>
 */
package io.btfshybrid.core;
