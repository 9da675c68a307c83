package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"go.etcd.io/etcd/etcdserver/api/snap"
	"go.etcd.io/etcd/raft"
	"go.etcd.io/etcd/raft/raftpb"
	"go.etcd.io/etcd/wal"
	"go.etcd.io/etcd/wal/walpb"
	"go.uber.org/zap"
)

// disk is one group's durable state, kept by etcd's own wal and snap packages so that
// anything that reads an etcd WAL (raftroll's WAL engine among them) reads this one.
type disk struct {
	walDir, snapDir string
	fsmSnapDir      string
	wal             *wal.WAL
	snapshotter     *snap.Snapshotter
	storage         *raft.MemoryStorage
	snapshot        raftpb.Snapshot
	fresh           bool // no WAL existed: the group is founded or joins now
}

type walMetadata struct {
	RaftID string `json:"raftId"`
	NodeID uint64 `json:"nodeId"`
	Group  uint64 `json:"group"`
}

// groupDir follows elastickv: one directory per group when the node has several data groups
// (and always for the reserved group 0), the node's own directory otherwise.
func groupDir(base, raftID string, group uint64, multi bool) string {
	if !multi && group != 0 {
		return filepath.Join(base, raftID)
	}
	return filepath.Join(base, raftID, fmt.Sprintf("group-%d", group))
}

func openDisk(dir string, meta walMetadata) (*disk, error) {
	lg := zap.NewNop()
	d := &disk{
		walDir:     filepath.Join(dir, "wal"),
		snapDir:    filepath.Join(dir, "snap"),
		fsmSnapDir: filepath.Join(dir, "fsm-snap"),
		storage:    raft.NewMemoryStorage(),
	}
	if err := os.MkdirAll(d.snapDir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", d.snapDir, err)
	}
	d.snapshotter = snap.New(lg, d.snapDir)
	if !wal.Exist(d.walDir) {
		md, _ := json.Marshal(meta)
		w, err := wal.Create(lg, d.walDir, md)
		if err != nil {
			return nil, fmt.Errorf("cannot create the WAL in %s: %w", d.walDir, err)
		}
		d.wal, d.fresh = w, true
		return d, nil
	}
	if err := d.load(lg, true); err != nil {
		return nil, err
	}
	return d, nil
}

// load reads the newest snapshot and the WAL after it. An unexpected EOF is the tail a kill
// mid-write leaves: like elastickv, run etcd's wal.Repair once and read again.
func (d *disk) load(lg *zap.Logger, mayRepair bool) error {
	retry := func(err error) error {
		if !mayRepair || !errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("cannot read the WAL in %s: %w", d.walDir, err)
		}
		log.Printf("WAL tail truncated in %s (%v): running wal.Repair once", d.walDir, err)
		if !wal.Repair(lg, d.walDir) {
			return fmt.Errorf("WAL in %s is unrepairable: %w", d.walDir, err)
		}
		return d.load(lg, false)
	}
	walSnaps, err := wal.ValidSnapshotEntries(lg, d.walDir)
	if err != nil {
		return retry(err)
	}
	s, err := d.snapshotter.LoadNewestAvailable(walSnaps)
	if err != nil && err != snap.ErrNoSnapshot {
		return fmt.Errorf("cannot load a snapshot from %s: %w", d.snapDir, err)
	}
	var walSnap walpb.Snapshot
	if s != nil {
		// Like elastickv, a snapshot whose FSM lives in fsm-snap/ must find it there, whole:
		// a missing or damaged file fails the start.
		if s.Data, err = d.fsmPayload(s.Data); err != nil {
			return fmt.Errorf("cannot restore the snapshot at index %d: %w", s.Metadata.Index, err)
		}
		d.snapshot = *s
		walSnap = walpb.Snapshot{Index: s.Metadata.Index, Term: s.Metadata.Term}
	}
	w, err := wal.Open(lg, d.walDir, walSnap)
	if err != nil {
		return fmt.Errorf("cannot open the WAL in %s: %w", d.walDir, err)
	}
	_, hs, ents, err := w.ReadAll()
	if err != nil {
		_ = w.Close()
		return retry(err)
	}
	d.wal = w
	if s != nil {
		if err := d.storage.ApplySnapshot(*s); err != nil {
			return err
		}
	}
	if err := d.storage.SetHardState(hs); err != nil {
		return err
	}
	return d.storage.Append(ents)
}

// save makes a Ready's state durable before its messages go out or its entries apply.
func (d *disk) save(rd raft.Ready) error {
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := d.saveSnapshot(rd.Snapshot); err != nil {
			return err
		}
	}
	if err := d.wal.Save(rd.HardState, rd.Entries); err != nil {
		return fmt.Errorf("cannot append to the WAL in %s: %w", d.walDir, err)
	}
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := d.storage.ApplySnapshot(rd.Snapshot); err != nil {
			return err
		}
	}
	return d.storage.Append(rd.Entries)
}

// saveSnapshot writes s (whose Data is the whole FSM image) as elastickv does: the image to
// fsm-snap/ with its CRC-32C footer, then the raft snapshot carrying only the token that names
// it, then the WAL's snapshot record. That is etcd's order: a crash between two steps leaves a
// file nothing names yet, never a record naming a file that is not there.
func (d *disk) saveSnapshot(s raftpb.Snapshot) error {
	crc, err := writeFSMSnapshot(d.fsmSnapDir, s.Metadata.Index, s.Data)
	if err != nil {
		return err
	}
	onDisk := s
	onDisk.Data = encodeToken(s.Metadata.Index, crc)
	if err := d.snapshotter.SaveSnap(onDisk); err != nil {
		return fmt.Errorf("cannot write the snapshot to %s: %w", d.snapDir, err)
	}
	if err := d.wal.SaveSnapshot(walpb.Snapshot{Index: s.Metadata.Index, Term: s.Metadata.Term}); err != nil {
		return fmt.Errorf("cannot record the snapshot in the WAL in %s: %w", d.walDir, err)
	}
	// The in-memory snapshot keeps the whole image: a follower that needs a snapshot gets it
	// in the raft message, as elastickv's bridge mode sends it to a peer without the file.
	d.snapshot = s
	return d.wal.ReleaseLockTo(s.Metadata.Index)
}

// fsmPayload is the FSM image a raft snapshot's Data stands for: the file its token names, or
// the Data itself when it is not a token (the image inline, as older snapshots hold it).
func (d *disk) fsmPayload(data []byte) ([]byte, error) {
	tok, ok, err := decodeToken(data)
	if err != nil || !ok {
		return data, err
	}
	return readFSMSnapshot(d.fsmSnapDir, tok)
}

func (d *disk) close() error {
	if d.wal == nil {
		return nil
	}
	err := d.wal.Close()
	d.wal = nil
	return err
}
