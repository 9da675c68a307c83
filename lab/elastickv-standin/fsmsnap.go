package main

// FSM snapshots as elastickv keeps them (internal/raftengine/etcd): the state machine's image in
// <group>/fsm-snap/<index as %016x>.fsm, followed by a 4-byte big-endian CRC-32C (Castagnoli) of
// the image; the raft snapshot's Data is then a 17-byte token, "EKVT", version 1, the index
// (8 bytes) and the same CRC (4 bytes), both big-endian.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
)

const (
	tokenSize    = 17
	tokenVersion = 1
	footerSize   = 4
)

var (
	tokenMagic = []byte("EKVT")
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
)

type fsmToken struct {
	index uint64
	crc   uint32
}

func encodeToken(index uint64, crc uint32) []byte {
	t := make([]byte, tokenSize)
	copy(t, tokenMagic)
	t[4] = tokenVersion
	binary.BigEndian.PutUint64(t[5:13], index)
	binary.BigEndian.PutUint32(t[13:17], crc)
	return t
}

// decodeToken reports whether data is a token at all (elastickv tells one by its length and
// magic), and refuses a token of another version.
func decodeToken(data []byte) (fsmToken, bool, error) {
	if len(data) != tokenSize || !bytes.Equal(data[:4], tokenMagic) {
		return fsmToken{}, false, nil
	}
	if data[4] != tokenVersion {
		return fsmToken{}, true, fmt.Errorf("fsm snapshot token has version %d, expected %d", data[4], tokenVersion)
	}
	return fsmToken{index: binary.BigEndian.Uint64(data[5:13]), crc: binary.BigEndian.Uint32(data[13:17])}, true, nil
}

func fsmSnapPath(dir string, index uint64) string {
	return filepath.Join(dir, fmt.Sprintf("%016x.fsm", index))
}

// writeFSMSnapshot writes image and its footer to a temporary file, syncs it, renames it into
// place and syncs the directory; it returns the image's CRC-32C.
func writeFSMSnapshot(dir string, index uint64, image []byte) (uint32, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("cannot create %s: %w", dir, err)
	}
	crc := crc32.Checksum(image, castagnoli)
	footer := make([]byte, footerSize)
	binary.BigEndian.PutUint32(footer, crc)
	tmp, err := os.CreateTemp(dir, "*.fsm.tmp")
	if err != nil {
		return 0, fmt.Errorf("cannot create an FSM snapshot in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	_, err = tmp.Write(append(append([]byte{}, image...), footer...))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), fsmSnapPath(dir, index))
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return 0, fmt.Errorf("cannot write the FSM snapshot at index %d in %s: %w", index, dir, err)
	}
	return crc, nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// readFSMSnapshot returns the image the token names, after the checks elastickv makes before it
// restores: the file exists, holds a footer, the footer matches the token and the image.
func readFSMSnapshot(dir string, tok fsmToken) ([]byte, error) {
	path := fsmSnapPath(dir, tok.index)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("fsm snapshot: file not found: %s", path)
	}
	if err != nil {
		return nil, err
	}
	if len(b) < footerSize {
		return nil, fmt.Errorf("fsm snapshot: file too small to contain footer: %s (%d bytes)", path, len(b))
	}
	image, footer := b[:len(b)-footerSize], binary.BigEndian.Uint32(b[len(b)-footerSize:])
	if footer != tok.crc {
		return nil, fmt.Errorf("fsm snapshot: token CRC32C mismatch: %s footer=%08x token=%08x", path, footer, tok.crc)
	}
	if got := crc32.Checksum(image, castagnoli); got != footer {
		return nil, fmt.Errorf("fsm snapshot: file CRC32C mismatch: %s footer=%08x computed=%08x", path, footer, got)
	}
	return image, nil
}
