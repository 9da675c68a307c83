package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"elastickv-standin/pb"

	"go.etcd.io/etcd/raft"
	"go.etcd.io/etcd/raft/raftpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const maxMessageBytes = 256 << 20

// transport carries one group's raft messages to the same group on other nodes, over gRPC to
// their group listeners. One sender per peer keeps a slow peer from holding up the others.
type transport struct {
	g       *group
	mu      sync.Mutex
	addrs   map[uint64]string
	senders map[uint64]*sender
	closed  bool
}

type sender struct {
	addr  string
	queue chan raftpb.Message
	conn  *grpc.ClientConn
	stopc chan struct{}
}

func newTransport(g *group) *transport {
	return &transport{g: g, addrs: map[uint64]string{}, senders: map[uint64]*sender{}}
}

// learn records where a node's listener for this group is; a changed address replaces the
// sender.
func (t *transport) learn(id uint64, addr string) {
	if addr == "" || id == t.g.nodeID {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.addrs[id] == addr {
		return
	}
	t.addrs[id] = addr
	if s, ok := t.senders[id]; ok {
		close(s.stopc)
		delete(t.senders, id)
	}
}

func (t *transport) send(msgs []raftpb.Message) {
	for _, m := range msgs {
		if m.To == t.g.nodeID {
			continue
		}
		s := t.senderFor(m.To)
		if s == nil {
			// Nowhere to send it yet (the log has not named the node): raft retries.
			t.g.node.ReportUnreachable(m.To)
			continue
		}
		select {
		case s.queue <- m:
		default:
			t.g.node.ReportUnreachable(m.To)
			if m.Type == raftpb.MsgSnap {
				t.g.node.ReportSnapshot(m.To, raft.SnapshotFailure)
			}
		}
	}
}

func (t *transport) senderFor(id uint64) *sender {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	if s, ok := t.senders[id]; ok {
		return s
	}
	addr, ok := t.addrs[id]
	if !ok {
		return nil
	}
	conn, err := grpc.Dial(addr, grpc.WithInsecure(),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(maxMessageBytes)),
		// A peer cut off by a partition must be found again within seconds of the heal:
		// pings drop a connection whose packets vanish, and redials back off to 2s at most
		// (gRPC's default grows to 2 minutes, far longer than raft's election timeout).
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 2 * time.Second, Timeout: 2 * time.Second, PermitWithoutStream: true}),
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
			MinConnectTimeout: 2 * time.Second,
		}))
	if err != nil {
		return nil
	}
	s := &sender{addr: addr, queue: make(chan raftpb.Message, 4096), conn: conn, stopc: make(chan struct{})}
	t.senders[id] = s
	go t.loop(id, s)
	return s
}

// forwardedMark tags a write one node forwarded to another, so it travels one hop at most.
const forwardedMark = "x-standin-forwarded"

// forwardPut hands a write that arrived at a follower to the group's leader over gRPC, as
// elastickv's coordinator redirects one, rather than as a raft proposal: raft drops a forwarded
// proposal without a word while the leader is handing over or the node sees no leader, and the
// writer would then wait out its whole deadline for an answer that never comes. Over gRPC the
// leader's refusal comes straight back and the writer can retry at once.
func (t *transport) forwardPut(ctx context.Context, leader uint64, key, value []byte) (uint64, error) {
	if md, ok := metadata.FromIncomingContext(ctx); ok && len(md.Get(forwardedMark)) > 0 {
		return 0, status.Errorf(codes.Unavailable, "group %d: this node is not the leader either (leadership moved while the write was forwarded); retry", t.g.spec.ID)
	}
	s := t.senderFor(leader)
	if s == nil {
		return 0, status.Errorf(codes.Unavailable, "group %d: the leader's address is not known yet; retry", t.g.spec.ID)
	}
	ctx = metadata.AppendToOutgoingContext(ctx, forwardedMark, t.g.self.ID)
	resp, err := pb.NewRawKVClient(s.conn).RawPut(ctx, &pb.RawPutRequest{Key: key, Value: value})
	if err != nil {
		return 0, err
	}
	return resp.CommitIndex, nil
}

func (t *transport) loop(id uint64, s *sender) {
	defer s.conn.Close()
	client := pb.NewStandinRaftClient(s.conn)
	for {
		var batch []raftpb.Message
		select {
		case m := <-s.queue:
			batch = append(batch, m)
		case <-s.stopc:
			return
		}
	drain:
		for len(batch) < 512 {
			select {
			case m := <-s.queue:
				batch = append(batch, m)
			default:
				break drain
			}
		}
		req := &pb.StandinRaftDelivery{GroupId: t.g.spec.ID, FromId: t.g.self.ID, FromAddress: t.g.self.Address}
		hasSnap := false
		for i := range batch {
			b, err := batch[i].Marshal()
			if err != nil {
				continue
			}
			req.Messages = append(req.Messages, b)
			hasSnap = hasSnap || batch[i].Type == raftpb.MsgSnap
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := client.Deliver(ctx, req)
		cancel()
		if err != nil {
			t.g.node.ReportUnreachable(id)
		}
		if hasSnap {
			st := raft.SnapshotFinish
			if err != nil {
				st = raft.SnapshotFailure
			}
			t.g.node.ReportSnapshot(id, st)
		}
	}
}

func (t *transport) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for id, s := range t.senders {
		close(s.stopc)
		delete(t.senders, id)
	}
}

// raftService receives the messages other nodes' transports send to this group.
type raftService struct {
	pb.UnimplementedStandinRaftServer
	g *group
}

func (r *raftService) Deliver(ctx context.Context, req *pb.StandinRaftDelivery) (*pb.StandinRaftAck, error) {
	if req.GroupId != r.g.spec.ID {
		return nil, status.Errorf(codes.InvalidArgument,
			"raft messages for group %d reached the listener of group %d: check --raftGroups on %q",
			req.GroupId, r.g.spec.ID, req.FromId)
	}
	from := nodeID(req.FromId)
	r.g.net.learn(from, req.FromAddress)
	for _, b := range req.Messages {
		var m raftpb.Message
		if err := m.Unmarshal(b); err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "undecodable raft message from %q: %v", req.FromId, err)
		}
		if err := r.g.node.Step(ctx, m); err != nil {
			return nil, status.Error(codes.Unavailable, fmt.Sprintf("group %d: %v", r.g.spec.ID, err))
		}
	}
	return &pb.StandinRaftAck{}, nil
}
