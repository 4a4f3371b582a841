#!/usr/bin/env bash
# The Spark benchmark: a sum of content lengths over a release (default 1 GiB in 64 shards) read by
# the btfs-hybrid source, verified, against Spark's binaryFile source over the same local files.
# It runs as an integration test so that it has the tests' class path: the shaded jar beside
# Spark's own Jackson and Guava.   usage: btfs-hybrid-spark/bench.sh [BYTES [FILES [ROUNDS]]]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p btfs-hybrid-spark/target
BYTES="${1:-1073741824}"; FILES="${2:-64}"; ROUNDS="${3:-5}"
mvn -B -o -pl btfs-hybrid-spark -am -Dspotless.check.skip=true -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BinaryFileBenchmarkIT \
  -Dsurefire.argLine=-Xmx2g \
  -Dbtfs.bench.bytes="$BYTES" -Dbtfs.bench.files="$FILES" -Dbtfs.bench.rounds="$ROUNDS" verify \
  | tee btfs-hybrid-spark/target/bench.log
grep -A$((ROUNDS + 2)) '^release:' btfs-hybrid-spark/target/bench.log
