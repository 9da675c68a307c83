package main

import (
	"context"
	"log"
	"os"
	"sort"
	"time"

	"elastickv-standin/pb"

	"google.golang.org/grpc"
)

// balanceLeaders moves group leaders from the node leading the most groups to the node leading
// the fewest, like elastickv's --leaderBalance scheduler: it runs on the default group's
// leader, respects cooldowns and pinned groups, and while the kill-switch file exists it only
// observes.
func balanceLeaders(ctx context.Context, cfg *config, groups map[uint64]*group) {
	grace := cfg.leaderBalanceGrace
	if grace == 0 {
		grace = cfg.leaderBalanceInterval
		if cfg.leaderBalanceGlobalCool > grace {
			grace = cfg.leaderBalanceGlobalCool
		}
	}
	start := time.Now()
	var lastMove time.Time
	lastGroupMove := map[uint64]time.Time{}
	t := time.NewTicker(cfg.leaderBalanceInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		def, ok := groups[cfg.defaultGroup]
		if !ok || !def.isLeader() || time.Since(start) < grace || time.Since(lastMove) < cfg.leaderBalanceGlobalCool {
			continue
		}
		move, ok := pickMove(cfg, groups, lastGroupMove)
		if !ok {
			continue
		}
		if cfg.leaderBalanceKillSwitch != "" {
			if _, err := os.Stat(cfg.leaderBalanceKillSwitch); err == nil {
				log.Printf("leader balance: kill switch %s present: not moving group %d from %s to %s",
					cfg.leaderBalanceKillSwitch, move.group.spec.ID, move.from.ID, move.to.ID)
				continue
			}
		}
		log.Printf("leader balance: moving group %d from %s to %s", move.group.spec.ID, move.from.ID, move.to.ID)
		if err := move.run(ctx, cfg); err != nil {
			log.Printf("leader balance: group %d: %v", move.group.spec.ID, err)
			continue
		}
		lastMove = time.Now()
		lastGroupMove[move.group.spec.ID] = lastMove
	}
}

type leaderMove struct {
	group    *group
	from, to member
}

func pickMove(cfg *config, groups map[uint64]*group, lastGroupMove map[uint64]time.Time) (leaderMove, bool) {
	counts := map[string]int{}
	names := map[string]member{}
	ids := make([]uint64, 0, len(groups))
	for id, g := range groups {
		ids = append(ids, id)
		for _, m := range g.configuration() {
			if m.suffrage == "voter" {
				if _, ok := counts[m.ID]; !ok {
					counts[m.ID] = 0
				}
				names[m.ID] = m.member
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	leaders := map[uint64]member{}
	for _, id := range ids {
		s := groups[id].status()
		if s.leader.ID == "" {
			return leaderMove{}, false // an election is running: do not pile on
		}
		leaders[id] = s.leader
		counts[s.leader.ID]++
	}
	var most, fewest string
	for id, n := range counts {
		if most == "" || n > counts[most] || (n == counts[most] && id < most) {
			most = id
		}
		if fewest == "" || n < counts[fewest] || (n == counts[fewest] && id < fewest) {
			fewest = id
		}
	}
	if counts[most]-counts[fewest] < cfg.leaderBalanceThreshold {
		return leaderMove{}, false
	}
	for _, id := range ids {
		if leaders[id].ID != most || cfg.leaderBalancePinned[id] || time.Since(lastGroupMove[id]) < cfg.leaderBalanceGroupCool {
			continue
		}
		return leaderMove{group: groups[id], from: leaders[id], to: names[fewest]}, true
	}
	return leaderMove{}, false
}

// run asks the group's leader, here or on another node, for a gated transfer.
func (m leaderMove) run(ctx context.Context, cfg *config) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req := &pb.RaftAdminTransferLeadershipRequest{
		Gated: true, MaxLag: cfg.leaderBalanceMaxLag,
		TargetId: m.to.ID, TargetAddress: m.to.Address,
	}
	if m.from.ID == cfg.raftID {
		_, err := (&adminService{g: m.group}).TransferLeadership(ctx, req)
		return err
	}
	conn, err := grpc.DialContext(ctx, m.from.Address, grpc.WithInsecure())
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = pb.NewRaftAdminClient(conn).TransferLeadership(ctx, req)
	return err
}
