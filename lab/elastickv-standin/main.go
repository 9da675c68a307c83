// Command elastickv-standin is a stand-in for elastickv in raftroll's tests: see usageHeader.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"sync"
	"syscall"
	"time"

	"elastickv-standin/pb"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
)

func main() {
	// etcd's packages route the standard logger through their own at init; take it back.
	log.SetOutput(os.Stderr)
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	// A release that fails at startup, for rollback tests: set in an image's environment, so
	// the same command line that runs a good image runs this one.
	if v := os.Getenv("ELASTICKV_STANDIN_BROKEN"); v != "" {
		log.Printf("ELASTICKV_STANDIN_BROKEN=%s: this build is broken on purpose; exiting", v)
		os.Exit(1)
	}
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		// The flag package has already printed its complaint and the usage for a bad flag.
		log.Printf("%v", err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		log.Fatalf("%v", err)
	}
}

func run(cfg *config) error {
	log.Printf("elastickv-standin (a stand-in for elastickv, not elastickv): raftId=%s nodeId=%d raftDataDir=%s memoryLimit=%d bytes",
		cfg.raftID, nodeID(cfg.raftID), cfg.dataDir, debug.SetMemoryLimit(-1))

	groups := map[uint64]*group{}
	closeAll := func() {
		for _, g := range groups {
			_ = g.disk.close()
		}
	}
	for _, spec := range cfg.groups {
		g, err := newGroup(cfg, spec)
		if err != nil {
			closeAll()
			return err
		}
		groups[spec.ID] = g
	}
	if cfg.startupDelay > 0 {
		log.Printf("delaying startup by %s (--standinStartupDelay)", cfg.startupDelay)
		time.Sleep(cfg.startupDelay)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	kv := &kvService{groups: groups, ranges: cfg.ranges}
	var servers []*grpc.Server
	var wg sync.WaitGroup
	for _, spec := range cfg.groups {
		g := groups[spec.ID]
		lis, err := net.Listen("tcp", spec.Address)
		if err != nil {
			for _, s := range servers {
				s.Stop()
			}
			closeAll()
			return errors.New("failed to listen on " + spec.Address + ": " + err.Error())
		}
		s := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessageBytes),
			// Peers ping every 2s (see the transport); allow it rather than answer GOAWAY.
			grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Second, PermitWithoutStream: true}))
		pb.RegisterRaftAdminServer(s, &adminService{g: g})
		pb.RegisterRawKVServer(s, kv)
		pb.RegisterStandinRaftServer(s, &raftService{g: g})
		h := health.NewServer()
		healthpb.RegisterHealthServer(s, h)
		servers = append(servers, s)
		go watchHealth(ctx, g, h)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Serve(lis); err != nil {
				log.Printf("group %d: gRPC server on %s: %v", spec.ID, spec.Address, err)
			}
		}()
		go g.run()
		log.Printf("group %d: serving RaftAdmin, RawKV and Health on %s; data in %s",
			spec.ID, spec.Address, groupDir(cfg.dataDir, cfg.raftID, spec.ID, cfg.multi))
	}
	if cfg.leaderBalance {
		go balanceLeaders(ctx, cfg, groups)
	}

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGUSR1)
	for sig := range sigs {
		if sig == syscall.SIGUSR1 {
			go allocateForever()
			continue
		}
		if sig == syscall.SIGTERM && cfg.sigtermExit2 {
			// elastickv registers no SIGTERM handler, so Go's runtime ends it with status 2
			// (as PID 1 the kernel's default action never applies): no WAL is closed.
			log.Printf("%s: exiting at once with status 2 (--standinSigtermExit2)", sig)
			os.Exit(2)
		}
		log.Printf("%s: stopping gracefully", sig)
		break
	}
	cancel()
	stopServers(servers)
	wg.Wait()
	ids := make([]uint64, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		groups[id].stop()
		log.Printf("group %d: WAL closed", id)
	}
	log.Printf("stopped")
	return nil
}

// stopServers lets in-flight calls finish for a moment, then cuts them: a call waiting on a
// raft round must not hold the shutdown up.
func stopServers(servers []*grpc.Server) {
	done := make(chan struct{})
	go func() {
		for _, s := range servers {
			s.GracefulStop()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		for _, s := range servers {
			s.Stop()
		}
		<-done
	}
}
