#!/usr/bin/env bash
# Builds the elastickv stand-in as a static binary from Debian packages only: Go in GOPATH
# mode over /usr/share/gocode (etcd 3.4's raft, wal and snap; gRPC; protobuf), with the .pb.go
# files generated here by protoc rather than committed. Prints the binary's path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/out}"
gocode=/usr/share/gocode

for tool in go protoc protoc-gen-go protoc-gen-go-grpc; do
  command -v "$tool" >/dev/null || {
    echo "build.sh: $tool is missing: run 'bash scripts/setup.sh' (Debian packages golang-go, protobuf-compiler, golang-goprotobuf-dev, protoc-gen-go-grpc)" >&2
    exit 1
  }
done
[ -d "$gocode/src/go.etcd.io/etcd/raft" ] || {
  echo "build.sh: etcd's raft sources are missing from $gocode: install golang-etcd-server-dev" >&2
  exit 1
}

pkg="$out/gopath/src/elastickv-standin"
rm -rf "$pkg"
mkdir -p "$pkg/pb"
cp "$here"/*.go "$pkg/"
protoc -I "$here/proto" \
  --go_out=paths=source_relative:"$pkg/pb" \
  --go-grpc_out=paths=source_relative:"$pkg/pb" \
  "$here/proto/standin.proto"

cd "$pkg"
GO111MODULE=off GOPATH="$out/gopath:$gocode" CGO_ENABLED=0 GOFLAGS= \
  GOCACHE="${GOCACHE:-$out/go-cache}" \
  go build -trimpath -o "$out/elastickv-standin" .
echo "$out/elastickv-standin"
