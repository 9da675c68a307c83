package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"elastickv-standin/pb"

	"go.etcd.io/etcd/raft"
	"go.etcd.io/etcd/raft/raftpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// adminService is elastickv's RaftAdmin for one group, with its status codes: bad requests
// are InvalidArgument, engine refusals FailedPrecondition, deadlines DeadlineExceeded.
type adminService struct {
	pb.UnimplementedRaftAdminServer
	g *group
}

func adminError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	default:
		return status.Error(codes.FailedPrecondition, err.Error())
	}
}

var stateNames = map[raft.StateType]pb.RaftAdminState{
	raft.StateFollower:     pb.RaftAdminState_RAFT_ADMIN_STATE_FOLLOWER,
	raft.StateCandidate:    pb.RaftAdminState_RAFT_ADMIN_STATE_CANDIDATE,
	raft.StatePreCandidate: pb.RaftAdminState_RAFT_ADMIN_STATE_CANDIDATE,
	raft.StateLeader:       pb.RaftAdminState_RAFT_ADMIN_STATE_LEADER,
}

func (a *adminService) Status(context.Context, *pb.RaftAdminStatusRequest) (*pb.RaftAdminStatusResponse, error) {
	s := a.g.status()
	return &pb.RaftAdminStatusResponse{
		State:              stateNames[s.state],
		LeaderId:           s.leader.ID,
		LeaderAddress:      s.leader.Address,
		Term:               s.term,
		CommitIndex:        s.commit,
		AppliedIndex:       s.applied,
		LastLogIndex:       s.lastIndex,
		LastSnapshotIndex:  s.snapIndex,
		NumPeers:           s.numPeers,
		ConfigurationIndex: s.confIndex,
	}, nil
}

func (a *adminService) Configuration(context.Context, *pb.RaftAdminConfigurationRequest) (*pb.RaftAdminConfigurationResponse, error) {
	resp := &pb.RaftAdminConfigurationResponse{}
	for _, m := range a.g.configuration() {
		resp.Servers = append(resp.Servers, &pb.RaftAdminMember{Id: m.ID, Address: m.Address, Suffrage: m.suffrage})
	}
	return resp, nil
}

func (a *adminService) change(ctx context.Context, t raftpb.ConfChangeType, m member) (*pb.RaftAdminConfigurationChangeResponse, error) {
	idx, err := a.g.changeMembers(ctx, t, m)
	if err != nil {
		return nil, adminError(err)
	}
	return &pb.RaftAdminConfigurationChangeResponse{Index: idx}, nil
}

func (a *adminService) AddVoter(ctx context.Context, req *pb.RaftAdminAddVoterRequest) (*pb.RaftAdminConfigurationChangeResponse, error) {
	if req.Id == "" || req.Address == "" {
		return nil, status.Error(codes.InvalidArgument, "id and address are required")
	}
	return a.change(ctx, raftpb.ConfChangeAddNode, member{ID: req.Id, Address: req.Address})
}

func (a *adminService) AddLearner(ctx context.Context, req *pb.RaftAdminAddLearnerRequest) (*pb.RaftAdminConfigurationChangeResponse, error) {
	if req.Id == "" || req.Address == "" {
		return nil, status.Error(codes.InvalidArgument, "id and address are required")
	}
	return a.change(ctx, raftpb.ConfChangeAddLearnerNode, member{ID: req.Id, Address: req.Address})
}

func (a *adminService) PromoteLearner(ctx context.Context, req *pb.RaftAdminPromoteLearnerRequest) (*pb.RaftAdminConfigurationChangeResponse, error) {
	if req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	if !a.g.isLeader() {
		return nil, adminError(errNotLeader)
	}
	id := nodeID(req.Id)
	m, ok := a.g.memberByID(req.Id)
	if !ok || !a.g.isLearner(id) {
		return nil, adminError(errors.New("etcd raft promote-learner target is not a learner"))
	}
	if !req.SkipMinAppliedCheck {
		if req.MinAppliedIndex == 0 {
			return nil, adminError(errors.New("etcd raft promote-learner requires min_applied_index>0 unless skip_min_applied_check is set"))
		}
		match, ok := a.g.status().progress[id]
		if !ok {
			return nil, adminError(errors.New("etcd raft promote-learner target has no leader-side progress entry"))
		}
		if match < req.MinAppliedIndex {
			return nil, adminError(errors.New("etcd raft promote-learner target has not caught up to min_applied_index"))
		}
	}
	return a.change(ctx, raftpb.ConfChangeAddNode, m)
}

func (a *adminService) RemoveServer(ctx context.Context, req *pb.RaftAdminRemoveServerRequest) (*pb.RaftAdminConfigurationChangeResponse, error) {
	if req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	if !a.g.isLeader() {
		return nil, adminError(errNotLeader)
	}
	if _, ok := a.g.memberByID(req.Id); !ok {
		return nil, adminError(fmt.Errorf("id=%q: etcd raft peer is not configured", req.Id))
	}
	return a.change(ctx, raftpb.ConfChangeRemoveNode, member{ID: req.Id})
}

func (a *adminService) TransferLeadership(ctx context.Context, req *pb.RaftAdminTransferLeadershipRequest) (*pb.RaftAdminTransferLeadershipResponse, error) {
	target := member{ID: req.TargetId, Address: req.TargetAddress}
	switch {
	case req.Gated:
		t, err := a.gatedTarget(req)
		if err != nil {
			return nil, err
		}
		target = t
	case req.TargetId != "" || req.TargetAddress != "":
		if req.TargetId == "" || req.TargetAddress == "" {
			return nil, status.Error(codes.InvalidArgument, "target_id and target_address must be provided together")
		}
	default:
		t, ok := a.mostCaughtUp(nil, ^uint64(0))
		if !ok {
			return nil, adminError(errors.New("etcd raft leadership transfer target is not available"))
		}
		target = t
	}
	if err := a.g.transfer(ctx, target); err != nil {
		return nil, adminError(err)
	}
	return &pb.RaftAdminTransferLeadershipResponse{}, nil
}

// gatedTarget is elastickv's gated transfer (TransferLeadershipToServerIfEligible): the
// candidates in the order given (else the one legacy target), and the first that this leader's
// own progress shows to be a voter, recently active and within max_lag entries of its last
// index. max_lag 0 asks for a target with the whole log. No candidate: FailedPrecondition,
// before any transfer starts, so writes are never paused for a target that cannot take over.
func (a *adminService) gatedTarget(req *pb.RaftAdminTransferLeadershipRequest) (member, error) {
	var candidates []member
	for _, c := range req.TargetCandidates {
		if c.TargetId == "" || c.TargetAddress == "" {
			return member{}, status.Error(codes.InvalidArgument, "target_candidates require target_id and target_address")
		}
		candidates = append(candidates, member{ID: c.TargetId, Address: c.TargetAddress})
	}
	if len(candidates) == 0 {
		if req.TargetId == "" || req.TargetAddress == "" {
			return member{}, status.Error(codes.InvalidArgument, "gated leadership transfer requires target_candidates or target_id and target_address")
		}
		candidates = []member{{ID: req.TargetId, Address: req.TargetAddress}}
	}
	st := a.g.node.Status()
	if st.RaftState != raft.StateLeader {
		return member{}, adminError(errNotLeader)
	}
	if st.LeadTransferee != raft.None {
		for _, c := range candidates {
			if nodeID(c.ID) == st.LeadTransferee {
				return c, nil // the same transfer is already under way: wait for it
			}
		}
		return member{}, adminError(fmt.Errorf("etcd raft leadership transfer to %d is already in progress", st.LeadTransferee))
	}
	last, err := a.g.disk.storage.LastIndex()
	if err != nil {
		return member{}, adminError(err)
	}
	threshold := uint64(0)
	if last > req.MaxLag {
		threshold = last - req.MaxLag
	}
	var why []string
	for _, c := range candidates {
		id := nodeID(c.ID)
		pr, ok := st.Progress[id]
		switch {
		case id == a.g.nodeID:
			why = append(why, fmt.Sprintf("%s is this leader", c.ID))
		case !ok:
			why = append(why, fmt.Sprintf("%s has no progress (not a member)", c.ID))
		case pr.IsLearner:
			why = append(why, fmt.Sprintf("%s is a learner", c.ID))
		case !pr.RecentActive:
			why = append(why, fmt.Sprintf("%s is not recently active", c.ID))
		case pr.Match < threshold:
			why = append(why, fmt.Sprintf("%s match=%d want>=%d last_index=%d max_lag=%d", c.ID, pr.Match, threshold, last, req.MaxLag))
		default:
			return c, nil
		}
	}
	return member{}, adminError(fmt.Errorf("etcd raft leadership transfer has no healthy target: %s", strings.Join(why, "; ")))
}

// mostCaughtUp picks, among candidates (nil: every other voter), the one whose log is closest
// to the leader's, if it is within maxLag.
func (a *adminService) mostCaughtUp(candidates []member, maxLag uint64) (member, bool) {
	s := a.g.status()
	if candidates == nil {
		for _, m := range a.g.configuration() {
			if m.suffrage == "voter" && nodeID(m.ID) != a.g.nodeID {
				candidates = append(candidates, m.member)
			}
		}
	}
	var best member
	var bestMatch uint64
	found := false
	for _, c := range candidates {
		match, ok := s.progress[nodeID(c.ID)]
		if !ok || s.lastIndex-match > maxLag || (found && match <= bestMatch) {
			continue
		}
		best, bestMatch, found = c, match, true
	}
	return best, found
}

// watchHealth keeps grpc.health.v1 answering SERVING for "" and "RawKV" while this group
// leads, as elastickv's raftadmin does.
func watchHealth(ctx context.Context, g *group, h *health.Server) {
	set := func(st healthpb.HealthCheckResponse_ServingStatus) {
		h.SetServingStatus("", st)
		h.SetServingStatus("RawKV", st)
	}
	current := healthpb.HealthCheckResponse_UNKNOWN
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		next := healthpb.HealthCheckResponse_NOT_SERVING
		if g.isLeader() {
			next = healthpb.HealthCheckResponse_SERVING
		}
		if next != current {
			set(next)
			current = next
		}
		select {
		case <-ctx.Done():
			set(healthpb.HealthCheckResponse_NOT_SERVING)
			return
		case <-t.C:
		}
	}
}
