#!/usr/bin/env bash
# Builds the benchmark jar offline (the module is in the reactor only with -Pbench) and runs the end-to-end benchmark (a printed table);
# with --jmh, also the JMH benchmarks with short settings (-f 1 -wi 2 -i 3).
#
#   btfs-hybrid-bench/run.sh [--jmh] [--loader | --s3-link | --link-ceiling | --scrub] [--no-build | --full-build] [options…]
#     --loader       run LoaderBenchmark (issue 12: --local --s3 --scale, --samples N, --runs N, …;
#                    see its class comment) instead of EndToEndBenchmark
#     --scrub        run ScrubBenchmark (issue 11: [MiB] [rounds] [chunk KiB] [workdir]) instead:
#                    scrub on a warm local tier as a ratio of plain SHA-256 over the same bytes
#     --s3-link      run S3LinkBenchmark (issue 13, benchmarks 1 and 2: S3Tier, the AWS SDK and a
#                    verified DatasetClient read behind LinkConditions; --rounds --ttfb-ms --mbps
#                    --aggregate-mbps --capped-mbps (a second, capped link; 0: off) --threads
#                    --big-mib --small --small-mib --only NAME,NAME; one closing ratio table)
#     --link-ceiling run LinkCeilingBenchmark (LinkConditions against a plain socket copy)
#     --read-path    run ReadPathBenchmark (issue 13, benchmark 5: cold cached vs uncached, 2 threads
#                    vs 1, one consumer vs one core's SHA-256; --shards --shard-mib --big-mib --runs)
#     --hedge-tail   run HedgeTailBenchmark (issue 13, benchmark 4: p50/p99 with and without hedging)
#     --btfs-link    run BtfsLinkBenchmark (issue 13, benchmark 3: js-ipfs behind a 30 ms / 40 MB/s
#                    link; --size-mib 64 --range-mib 16 --runs 15 --ttfb-ms 30 --mbps 40
#                    --with-before true: also readParallelism(1); prints min/median/max ratios)
#     --no-build     use target/btfs-hybrid-bench.jar as it is
#     --full-build   build api, core, s3, btfs and testkit from this tree too (mvn -am), for a
#                    checkout where nothing is installed in ~/.m2 yet
#   EndToEndBenchmark options: --size-mib 512 --shards 8 --chunk-mib 1,4 --runs 5 --heap-gib 2
#     --heap-shards 8 --heap-chunk-mib 4 --heap-xmx 64m --dir DIR --keep
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$here/target/btfs-hybrid-bench.jar"
build=installed
jmh=false
main=io.btfshybrid.bench.EndToEndBenchmark
heap=()
args=()
for a in "$@"; do
  case "$a" in
    --jmh) jmh=true ;;
    --loader) main=io.btfshybrid.bench.LoaderBenchmark ;;
    --scrub) main=io.btfshybrid.bench.ScrubBenchmark ;;
    --s3-link) main=io.btfshybrid.bench.S3LinkBenchmark; heap=(-Xmx3g) ;;
    --link-ceiling) main=io.btfshybrid.bench.LinkCeilingBenchmark ;;
    --btfs-link) main=io.btfshybrid.bench.BtfsLinkBenchmark ;;
    --read-path) main=io.btfshybrid.bench.ReadPathBenchmark; heap=(-Xmx2g) ;;
    --hedge-tail) main=io.btfshybrid.bench.HedgeTailBenchmark ;;
    --no-build) build=none ;;
    --full-build) build=reactor ;;
    *) args+=("$a") ;;
  esac
done

cd "$root"
case "$build" in
  installed)
    # api, core, s3 and btfs come from ~/.m2; testkit is installed from this tree
    mvn -B -o -q -pl btfs-hybrid-testkit install -DskipTests
    mvn -B -o -q -Pbench -pl btfs-hybrid-bench package -DskipTests ;;
  reactor)
    mvn -B -o -q -Pbench -pl btfs-hybrid-bench -am package -DskipTests ;;
esac
[[ -f "$jar" ]] || { echo "run.sh: $jar is missing; build without --no-build" >&2; exit 2; }
# run from a private copy: a rebuild of the module during the run must not pull the jar away
# from under the benchmark or its child JVMs
run_jar=$(mktemp --suffix=.jar)
trap 'rm -f "$run_jar"' EXIT
cp "$jar" "$run_jar"
jar="$run_jar"

logging=(-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
java ${heap[@]+"${heap[@]}"} "${logging[@]}" -cp "$jar" "$main" "${args[@]+"${args[@]}"}"

if $jmh; then
  java "${logging[@]}" -jar "$jar" -f 1 -wi 2 -i 3 -w 1s -r 2s \
    'io\.btfshybrid\.bench\.(VerifiedStream|ChannelRead)Jmh'
fi
