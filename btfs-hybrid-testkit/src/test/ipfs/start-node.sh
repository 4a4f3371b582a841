#!/bin/sh
# Starts a private js-ipfs node on loopback for the btfs-hybrid integration tests and benchmarks.
#
#   start-node.sh REPO_DIR SWARM_PORT API_PORT GATEWAY_PORT RPC_PORT
#
# Installs the node with `npm ci` when node_modules is missing (IpfsNode does that
# itself first, so that a failed install is reported on its own), writes an initial config
# (no bootstrap peers, no MDNS, everything on 127.0.0.1) and runs
# `jsipfs daemon --enable-preload=false` in the foreground; "Daemon is ready" means it is up.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$1 swarm=$2 api=$3 gateway=$4 rpc=$5
if [ ! -x "$here/node_modules/.bin/jsipfs" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
cat > "$repo.init-config.json" <<JSON
{
  "Addresses": {
    "Swarm": ["/ip4/127.0.0.1/tcp/$swarm"],
    "API": "/ip4/127.0.0.1/tcp/$api",
    "Gateway": "/ip4/127.0.0.1/tcp/$gateway",
    "RPC": "/ip4/127.0.0.1/tcp/$rpc",
    "Delegates": []
  },
  "Bootstrap": [],
  "Discovery": { "MDNS": { "Enabled": false }, "webRTCStar": { "Enabled": false } }
}
JSON
export IPFS_PATH="$repo"
exec "$here/node_modules/.bin/jsipfs" daemon --init-config "$repo.init-config.json" --enable-preload=false
