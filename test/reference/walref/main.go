// walref drives etcd's own wal package (as Debian packages etcd 3.4) so that raftroll's WAL
// engine can be tested against the real thing: it writes WALs with wal.Create and Save, and
// loads them the way a node does at startup.
//
// Build (GOPATH mode, no network):
//   GO111MODULE=off GOPATH=<dir>:/usr/share/gocode go build -o walref ./test/reference/walref
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/raft/raftpb"
	"go.etcd.io/etcd/wal"
	"go.etcd.io/etcd/wal/walpb"
	"go.uber.org/zap"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: walref create|readall|load|repair|readonly <dir> [flags]")
		os.Exit(2)
	}
	cmd, dir := os.Args[1], os.Args[2]
	var out interface{}
	switch cmd {
	case "create":
		out = create(dir, os.Args[3:])
	case "readall":
		out = readAll(dir)
	case "load":
		out = load(dir)
	case "repair":
		out = map[string]interface{}{"ok": wal.Repair(zap.NewNop(), dir)}
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", cmd)
		os.Exit(2)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}

func create(dir string, args []string) interface{} {
	fs := flag.NewFlagSet("create", flag.ExitOnError)
	segment := fs.Int64("segment-size", wal.SegmentSizeBytes, "bytes per segment")
	entries := fs.Int("entries", 100, "entries to write")
	size := fs.Int("entry-size", 100, "mean entry payload size in bytes")
	batch := fs.Int("batch", 1, "entries per Save call")
	seed := fs.Int64("seed", 1, "payload seed")
	meta := fs.String("metadata", "raftroll-test", "metadata bytes")
	fs.Parse(args)

	wal.SegmentSizeBytes = *segment
	w, err := wal.Create(zap.NewNop(), dir, []byte(*meta))
	if err != nil {
		fail(err)
	}
	rng := rand.New(rand.NewSource(*seed))
	var ents []raftpb.Entry
	term := uint64(1)
	for i := 1; i <= *entries; i++ {
		n := *size/2 + rng.Intn(*size+1)
		data := make([]byte, n)
		rng.Read(data)
		if i%1000 == 0 {
			term++
		}
		ents = append(ents, raftpb.Entry{Term: term, Index: uint64(i), Type: raftpb.EntryNormal, Data: data})
		if len(ents) == *batch || i == *entries {
			st := raftpb.HardState{Term: term, Vote: 1, Commit: uint64(i)}
			if err := w.Save(st, ents); err != nil {
				fail(err)
			}
			ents = nil
		}
	}
	if err := w.Close(); err != nil {
		fail(err)
	}
	return map[string]interface{}{"ok": true, "segments": segments(dir)}
}

// startSnapshot is where the load starts: the first segment's index, as raftroll assumes.
func startSnapshot(dir string) walpb.Snapshot {
	names := segments(dir)
	if len(names) == 0 {
		return walpb.Snapshot{}
	}
	parts := strings.SplitN(strings.TrimSuffix(names[0], ".wal"), "-", 2)
	if len(parts) != 2 {
		return walpb.Snapshot{}
	}
	idx, _ := strconv.ParseUint(parts[1], 16, 64)
	return walpb.Snapshot{Index: idx}
}

type result struct {
	Result    string `json:"result"` // ok | unexpected-eof | error | panic
	Error     string `json:"error,omitempty"`
	Entries   int    `json:"entries"`
	LastIndex uint64 `json:"lastIndex"`
	Commit    uint64 `json:"commit"`
	Millis    int64  `json:"millis"`
	MaxRSSKB  int64  `json:"maxRssKb"`
}

// readAll opens the WAL for writing (as a node does) and reads everything once.
func readAll(dir string) (r result) {
	began := time.Now()
	defer func() {
		if p := recover(); p != nil {
			r = result{Result: "panic", Error: fmt.Sprint(p)}
		}
		r.Millis = time.Since(began).Milliseconds()
		var ru syscall.Rusage
		if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
			r.MaxRSSKB = ru.Maxrss
		}
	}()
	w, err := wal.Open(zap.NewNop(), dir, startSnapshot(dir))
	if err != nil {
		return classify(err)
	}
	defer w.Close()
	_, st, ents, err := w.ReadAll()
	if err != nil && err != wal.ErrSnapshotNotFound {
		return classify(err)
	}
	r = result{Result: "ok", Entries: len(ents), Commit: st.Commit}
	if len(ents) > 0 {
		r.LastIndex = ents[len(ents)-1].Index
	}
	return r
}

func classify(err error) result {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return result{Result: "unexpected-eof", Error: err.Error()}
	}
	return result{Result: "error", Error: err.Error()}
}

// load is a node's startup: ReadAll; on an unexpected EOF, wal.Repair once and ReadAll again.
func load(dir string) map[string]interface{} {
	first := readAll(dir)
	out := map[string]interface{}{"first": first}
	switch first.Result {
	case "ok":
		out["verdict"] = "clean"
	case "unexpected-eof":
		if !wal.Repair(zap.NewNop(), dir) {
			out["verdict"] = "corrupt"
			out["repair"] = false
			break
		}
		out["repair"] = true
		second := readAll(dir)
		out["second"] = second
		if second.Result == "ok" {
			out["verdict"] = "torn"
		} else {
			out["verdict"] = "corrupt"
		}
	default:
		out["verdict"] = "corrupt"
	}
	return out
}

func segments(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, "*.wal"))
	var names []string
	for _, p := range m {
		names = append(names, filepath.Base(p))
	}
	sort.Strings(names)
	return names
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
