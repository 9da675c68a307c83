package main

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
)

// nodeID is elastickv's: the FNV-1a 64 hash of the raft id, never 0 (raft's "none").
func nodeID(raftID string) uint64 {
	if raftID == "" {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(raftID))
	if v := h.Sum64(); v != 0 {
		return v
	}
	return 1
}

func randomToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:])
}
