package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"go.etcd.io/etcd/raft"
	"go.etcd.io/etcd/raft/raftpb"
)

var (
	errNotLeader       = errors.New("etcd raft engine is not leader")
	errClosed          = errors.New("etcd raft engine is closed")
	errTransferTarget  = errors.New("etcd raft leadership transfer target is required")
	errTransferAborted = errors.New("etcd raft leadership transfer aborted")
)

// member is a raft member's name and listener, carried in conf-change contexts and snapshots.
type member struct {
	ID      string `json:"id"`
	Address string `json:"address"`
}

// command is a replicated write: one key, one value, and the proposer's token so the node that
// proposed it knows when it applied.
type command struct {
	Token string `json:"token"`
	Key   []byte `json:"key"`
	Value []byte `json:"value"`
}

// fsmImage is a snapshot's payload: the whole store and the member names.
type fsmImage struct {
	KV    map[string][]byte `json:"kv"`
	Peers map[uint64]member `json:"peers"`
}

type group struct {
	spec   groupSpec
	cfg    *config
	self   member
	nodeID uint64
	disk   *disk
	node   raft.Node
	net    *transport

	mu         sync.Mutex
	kv         map[string][]byte
	peers      map[uint64]member
	conf       raftpb.ConfState
	applied    uint64
	confIndex  uint64
	soft       raft.SoftState
	lastLeader time.Time
	waiters    map[string]chan uint64 // proposal token or conf-change id -> applied index
	reads      map[string]chan uint64 // ReadIndex context -> read index
	progress   chan struct{}          // closed and replaced whenever applied moves

	stopc chan struct{}
	donec chan struct{}
}

func newGroup(cfg *config, spec groupSpec) (*group, error) {
	g := &group{
		spec: spec, cfg: cfg, self: member{ID: cfg.raftID, Address: spec.Address},
		nodeID: nodeID(cfg.raftID), kv: map[string][]byte{}, peers: map[uint64]member{},
		waiters: map[string]chan uint64{}, reads: map[string]chan uint64{},
		progress: make(chan struct{}), stopc: make(chan struct{}), donec: make(chan struct{}),
	}
	dir := groupDir(cfg.dataDir, cfg.raftID, spec.ID, cfg.multi)
	d, err := openDisk(dir, walMetadata{RaftID: cfg.raftID, NodeID: g.nodeID, Group: spec.ID})
	if err != nil {
		return nil, fmt.Errorf("group %d: %w", spec.ID, err)
	}
	g.disk = d
	g.net = newTransport(g)
	if !raft.IsEmptySnap(d.snapshot) {
		if err := g.restore(d.snapshot); err != nil {
			_ = d.close()
			return nil, fmt.Errorf("group %d: snapshot in %s: %w", spec.ID, d.snapDir, err)
		}
	}
	rc := &raft.Config{
		ID:              g.nodeID,
		ElectionTick:    10,
		HeartbeatTick:   1,
		Storage:         d.storage,
		Applied:         d.snapshot.Metadata.Index,
		MaxSizePerMsg:   1 << 20,
		MaxInflightMsgs: 256,
		CheckQuorum:     true,
		PreVote:         true,
		Logger:          quietLogger{},
	}
	switch {
	case !d.fresh:
		g.node = raft.RestartNode(rc)
	case cfg.seedFor(spec) != nil:
		var peers []raft.Peer
		for _, s := range cfg.seedFor(spec) {
			ctx, _ := json.Marshal(member(s))
			peers = append(peers, raft.Peer{ID: nodeID(s.ID), Context: ctx})
			g.net.learn(nodeID(s.ID), s.Address)
		}
		g.node = raft.StartNode(rc, peers)
	case cfg.joinAsLearner:
		// An empty node waits for the leader to add it; the join list only says where the
		// others listen until the log names them.
		for _, s := range cfg.joinMembers {
			g.net.learn(nodeID(s.ID), s.Address)
		}
		g.node = raft.RestartNode(rc)
	default:
		_ = d.close()
		return nil, fmt.Errorf("group %d: etcd raft refuses to self-bootstrap: no persisted peers and no peer list was supplied; pass --raftBootstrapMembers, --raftGroupPeers or --raftBootstrap to start a fresh cluster, or --raftJoinAsLearner with --raftJoinMembers to join one", spec.ID)
	}
	return g, nil
}

// run is the group's raft loop; it owns the WAL until stop.
func (g *group) run() {
	defer close(g.donec)
	ticker := time.NewTicker(g.cfg.tick)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			g.node.Tick()
		case rd := <-g.node.Ready():
			if err := g.disk.save(rd); err != nil {
				log.Fatalf("group %d: %v", g.spec.ID, err)
			}
			if !raft.IsEmptySnap(rd.Snapshot) {
				if err := g.restore(rd.Snapshot); err != nil {
					log.Fatalf("group %d: cannot restore the received snapshot: %v", g.spec.ID, err)
				}
			}
			g.net.send(rd.Messages)
			g.apply(rd)
			g.maybeSnapshot()
			g.node.Advance()
		case <-g.stopc:
			g.node.Stop()
			g.net.close()
			if err := g.disk.close(); err != nil {
				log.Printf("group %d: closing the WAL: %v", g.spec.ID, err)
			}
			return
		}
	}
}

func (g *group) stop() {
	select {
	case <-g.stopc:
	default:
		close(g.stopc)
	}
	<-g.donec
}

func (g *group) apply(rd raft.Ready) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if rd.SoftState != nil {
		if rd.SoftState.Lead != g.soft.Lead && rd.SoftState.Lead != raft.None {
			log.Printf("group %d: leader is now %s", g.spec.ID, g.nameOf(rd.SoftState.Lead))
		}
		g.soft = *rd.SoftState
	}
	for _, rs := range rd.ReadStates {
		if ch, ok := g.reads[string(rs.RequestCtx)]; ok {
			ch <- rs.Index
			delete(g.reads, string(rs.RequestCtx))
		}
	}
	for _, e := range rd.CommittedEntries {
		switch e.Type {
		case raftpb.EntryNormal:
			if len(e.Data) > 0 {
				var c command
				if err := json.Unmarshal(e.Data, &c); err != nil {
					log.Fatalf("group %d: entry %d is not a stand-in command: %v", g.spec.ID, e.Index, err)
				}
				g.kv[string(c.Key)] = c.Value
				g.notify(c.Token, e.Index)
			}
		case raftpb.EntryConfChange:
			var cc raftpb.ConfChange
			if err := cc.Unmarshal(e.Data); err != nil {
				log.Fatalf("group %d: entry %d: bad conf change: %v", g.spec.ID, e.Index, err)
			}
			g.conf = *g.node.ApplyConfChange(cc)
			g.confIndex = e.Index
			g.applyMember(cc)
			g.notify(fmt.Sprintf("cc-%d", cc.ID), e.Index)
		}
		g.applied = e.Index
	}
	if len(rd.CommittedEntries) > 0 {
		close(g.progress)
		g.progress = make(chan struct{})
	}
}

func (g *group) applyMember(cc raftpb.ConfChange) {
	switch cc.Type {
	case raftpb.ConfChangeAddNode, raftpb.ConfChangeAddLearnerNode:
		var m member
		if len(cc.Context) > 0 && json.Unmarshal(cc.Context, &m) == nil && m.ID != "" {
			g.peers[cc.NodeID] = m
			g.net.learn(cc.NodeID, m.Address)
		}
	case raftpb.ConfChangeRemoveNode:
		delete(g.peers, cc.NodeID)
	}
}

func (g *group) notify(key string, index uint64) {
	if ch, ok := g.waiters[key]; ok {
		ch <- index
		delete(g.waiters, key)
	}
}

func (g *group) restore(s raftpb.Snapshot) error {
	var img fsmImage
	if err := json.Unmarshal(s.Data, &img); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.kv = img.KV
	if g.kv == nil {
		g.kv = map[string][]byte{}
	}
	g.peers = img.Peers
	if g.peers == nil {
		g.peers = map[uint64]member{}
	}
	for id, m := range g.peers {
		g.net.learn(id, m.Address)
	}
	g.conf = s.Metadata.ConfState
	g.applied = s.Metadata.Index
	return nil
}

// maybeSnapshot writes a snapshot every --standinSnapshotEntries entries and keeps as many
// entries again in memory, so a follower a little behind catches up from the log.
func (g *group) maybeSnapshot() {
	g.mu.Lock()
	applied, every := g.applied, g.cfg.snapshotEntries
	last := g.disk.snapshot.Metadata.Index
	if applied-last < every {
		g.mu.Unlock()
		return
	}
	data, err := json.Marshal(fsmImage{KV: g.kv, Peers: g.peers})
	conf := g.conf
	g.mu.Unlock()
	if err != nil {
		log.Fatalf("group %d: cannot encode a snapshot: %v", g.spec.ID, err)
	}
	s, err := g.disk.storage.CreateSnapshot(applied, &conf, data)
	if err != nil {
		log.Printf("group %d: snapshot at %d: %v", g.spec.ID, applied, err)
		return
	}
	if err := g.disk.saveSnapshot(s); err != nil {
		log.Fatalf("group %d: %v", g.spec.ID, err)
	}
	if applied > every {
		if err := g.disk.storage.Compact(applied - every); err != nil && err != raft.ErrCompacted {
			log.Printf("group %d: compacting to %d: %v", g.spec.ID, applied-every, err)
		}
	}
}

// nameOf is a node's raft id as the members know it; callers hold g.mu.
func (g *group) nameOf(id uint64) string {
	if m, ok := g.peers[id]; ok {
		return m.ID
	}
	return fmt.Sprintf("%d", id)
}

// put replicates one write and returns once this node has applied it. A follower hands the
// write to the leader (see forwardPut); a leader that is handing over refuses at once, as
// elastickv's engine does, since raft would drop the proposal.
func (g *group) put(ctx context.Context, key, value []byte) (uint64, error) {
	st := g.node.Status()
	switch {
	case st.Lead == raft.None:
		return 0, fmt.Errorf("group %d has no raft leader (election in progress)", g.spec.ID)
	case st.RaftState != raft.StateLeader:
		return g.net.forwardPut(ctx, st.Lead, key, value)
	case st.LeadTransferee != raft.None:
		return 0, fmt.Errorf("group %d: leadership transfer in progress; retry", g.spec.ID)
	}
	c := command{Token: randomToken(), Key: key, Value: value}
	data, _ := json.Marshal(c)
	return g.proposeAndWait(ctx, c.Token, func() error { return g.node.Propose(ctx, data) })
}

func (g *group) proposeAndWait(ctx context.Context, key string, propose func() error) (uint64, error) {
	ch := make(chan uint64, 1)
	g.mu.Lock()
	g.waiters[key] = ch
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.waiters, key)
		g.mu.Unlock()
	}()
	if err := propose(); err != nil {
		return 0, err
	}
	select {
	case idx := <-ch:
		return idx, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-g.stopc:
		return 0, errClosed
	}
}

// get is a linearizable read: a ReadIndex round through the leader, then this node's state once
// it has applied that far.
func (g *group) get(ctx context.Context, key []byte) ([]byte, bool, uint64, error) {
	for {
		rctx := randomToken()
		ch := make(chan uint64, 1)
		g.mu.Lock()
		g.reads[rctx] = ch
		g.mu.Unlock()
		if err := g.node.ReadIndex(ctx, []byte(rctx)); err != nil {
			return nil, false, 0, err
		}
		// raft drops a read it cannot serve yet (no leader, or a new leader that has not
		// committed in its term): ask again rather than wait for an answer that never comes.
		retry := time.NewTimer(5 * g.cfg.tick)
		var index uint64
		select {
		case index = <-ch:
		case <-retry.C:
		case <-ctx.Done():
		case <-g.stopc:
		}
		retry.Stop()
		g.mu.Lock()
		delete(g.reads, rctx)
		g.mu.Unlock()
		if index == 0 {
			if ctx.Err() != nil {
				return nil, false, 0, ctx.Err()
			}
			select {
			case <-g.stopc:
				return nil, false, 0, errClosed
			default:
			}
			continue
		}
		for {
			g.mu.Lock()
			if g.applied >= index {
				v, ok := g.kv[string(key)]
				g.mu.Unlock()
				return v, ok, index, nil
			}
			wait := g.progress
			g.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return nil, false, 0, ctx.Err()
			case <-g.stopc:
				return nil, false, 0, errClosed
			}
		}
	}
}

type groupStatus struct {
	state                            raft.StateType
	leader                           member
	leaderID                         uint64
	term, commit, applied, lastIndex uint64
	snapIndex, confIndex             uint64
	numPeers                         uint64
	pendingConf                      bool
	lastContact                      time.Duration
	progress                         map[uint64]uint64 // leader only: node id -> match index
	leadTransferee                   uint64
}

func (g *group) status() groupStatus {
	st := g.node.Status()
	last, _ := g.disk.storage.LastIndex()
	g.mu.Lock()
	defer g.mu.Unlock()
	s := groupStatus{
		state: st.RaftState, leaderID: st.Lead, term: st.Term, commit: st.Commit,
		applied: g.applied, lastIndex: last, snapIndex: g.disk.snapshot.Metadata.Index,
		confIndex: g.confIndex, leadTransferee: st.LeadTransferee,
		progress: map[uint64]uint64{},
	}
	if st.Lead != raft.None {
		s.leader = member{ID: g.nameOf(st.Lead), Address: g.peers[st.Lead].Address}
		if st.Lead == g.nodeID {
			s.leader = g.self
		}
	}
	for _, id := range append(append([]uint64{}, g.conf.Voters...), g.conf.Learners...) {
		if id != g.nodeID {
			s.numPeers++
		}
	}
	for id, pr := range st.Progress {
		s.progress[id] = pr.Match
	}
	return s
}

// configuration lists voters then learners, as elastickv's Configuration does.
func (g *group) configuration() []raftMember {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []raftMember
	add := func(ids []uint64, suffrage string) {
		for _, id := range ids {
			m, ok := g.peers[id]
			if !ok {
				m = member{ID: fmt.Sprintf("%d", id)}
			}
			out = append(out, raftMember{member: m, suffrage: suffrage})
		}
	}
	add(g.conf.Voters, "voter")
	add(g.conf.Learners, "learner")
	return out
}

type raftMember struct {
	member
	suffrage string
}

func (g *group) isLeader() bool { return g.node.Status().RaftState == raft.StateLeader }

// changeMembers proposes one conf change on the leader and waits until it applies here.
func (g *group) changeMembers(ctx context.Context, t raftpb.ConfChangeType, m member) (uint64, error) {
	if !g.isLeader() {
		return 0, errNotLeader
	}
	cc := raftpb.ConfChange{Type: t, NodeID: nodeID(m.ID)}
	if t != raftpb.ConfChangeRemoveNode {
		cc.Context, _ = json.Marshal(m)
	}
	cc.ID = randomUint64()
	return g.proposeAndWait(ctx, fmt.Sprintf("cc-%d", cc.ID), func() error {
		return g.node.ProposeConfChange(ctx, cc)
	})
}

// memberByID finds a configured member by raft id.
func (g *group) memberByID(id string) (member, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	m, ok := g.peers[nodeID(id)]
	return m, ok
}

func (g *group) isLearner(id uint64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, l := range g.conf.Learners {
		if l == id {
			return true
		}
	}
	return false
}

// transfer hands leadership to target and returns once it leads, like elastickv's
// TransferLeadershipToServer.
func (g *group) transfer(ctx context.Context, target member) error {
	if target.ID == "" {
		return errTransferTarget
	}
	to := nodeID(target.ID)
	if !g.isLeader() {
		return errNotLeader
	}
	if _, ok := g.memberByID(target.ID); !ok {
		return fmt.Errorf("id=%q: etcd raft peer is not configured", target.ID)
	}
	if to == g.nodeID {
		return errTransferTarget
	}
	if g.isLearner(to) {
		return errors.New("etcd raft leadership transfer was rejected by raft (target is not a voter)")
	}
	g.node.TransferLeadership(ctx, g.nodeID, to)
	sawPending := false
	// raft gives up a transfer after an election timeout; allow twice that before calling a
	// transfer we never saw start aborted.
	giveUp := time.Now().Add(20 * g.cfg.tick)
	tick := time.NewTicker(g.cfg.tick / 2)
	defer tick.Stop()
	for {
		st := g.node.Status()
		switch {
		case st.Lead == to:
			return nil
		case st.RaftState == raft.StateLeader && st.LeadTransferee == to:
			sawPending = true
		case st.RaftState == raft.StateLeader && (sawPending || time.Now().After(giveUp)):
			return errTransferAborted
		case st.RaftState != raft.StateLeader && st.Lead != raft.None && st.Lead != to:
			return errTransferAborted
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		case <-g.stopc:
			return errClosed
		}
	}
}

// quietLogger keeps etcd raft's chatter to warnings and errors.
type quietLogger struct{}

func (quietLogger) Debug(...interface{})                {}
func (quietLogger) Debugf(string, ...interface{})       {}
func (quietLogger) Info(...interface{})                 {}
func (quietLogger) Infof(string, ...interface{})        {}
func (quietLogger) Warning(v ...interface{})            { log.Print(append([]interface{}{"raft: "}, v...)...) }
func (quietLogger) Warningf(f string, v ...interface{}) { log.Printf("raft: "+f, v...) }
func (quietLogger) Error(v ...interface{})              { log.Print(append([]interface{}{"raft: "}, v...)...) }
func (quietLogger) Errorf(f string, v ...interface{})   { log.Printf("raft: "+f, v...) }
func (quietLogger) Fatal(v ...interface{})              { log.Fatal(append([]interface{}{"raft: "}, v...)...) }
func (quietLogger) Fatalf(f string, v ...interface{})   { log.Fatalf("raft: "+f, v...) }
func (quietLogger) Panic(v ...interface{})              { log.Panic(append([]interface{}{"raft: "}, v...)...) }
func (quietLogger) Panicf(f string, v ...interface{})   { log.Panicf("raft: "+f, v...) }
