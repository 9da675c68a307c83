package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

// server is one raft member as the flags name it.
type server struct {
	ID      string
	Address string
}

type groupSpec struct {
	ID      uint64
	Address string
}

type shardRange struct {
	start, end []byte // end nil: unbounded
	group      uint64
}

type config struct {
	raftID           string
	dataDir          string
	groups           []groupSpec
	defaultGroup     uint64
	multi            bool
	bootstrap        bool
	bootstrapMembers []server
	groupPeers       map[uint64][]server
	joinMembers      []server
	joinAsLearner    bool
	ranges           []shardRange

	leaderBalance           bool
	leaderBalanceInterval   time.Duration
	leaderBalanceGroupCool  time.Duration
	leaderBalanceGlobalCool time.Duration
	leaderBalanceGrace      time.Duration
	leaderBalanceThreshold  int
	leaderBalanceMaxLag     uint64
	leaderBalancePinned     map[uint64]bool
	leaderBalanceKillSwitch string

	startupDelay    time.Duration
	snapshotEntries uint64
	tick            time.Duration
	sigtermExit2    bool
}

const usageHeader = `elastickv-standin: a STAND-IN for elastickv, not elastickv.

It is a small program for raftroll's tests, built from Debian packages with etcd's own raft,
wal and snap packages. It takes elastickv's flags, keeps elastickv's on-disk layout
(<raftDataDir>/<raftId>/group-<N>/{wal,snap}) and node ids (FNV-1a 64 of --raftId), and on
each --raftGroups listener serves elastickv's RaftAdmin, RawKV (RawPut, RawGet) and
grpc.health.v1 Health ("RawKV" SERVING while the group leads). Everything else elastickv
does (Redis, DynamoDB, S3, SQS, admin, KeyViz, encryption, ...) is absent: those flags are
accepted and ignored.

Stand-in behaviour: SIGTERM closes every WAL and exits 0 (with --standinSigtermExit2 it exits 2
at once, as elastickv does); SIGUSR1 makes it allocate memory until the kernel (or GOMEMLIMIT's
cgroup) kills it. With ELASTICKV_STANDIN_BROKEN set in its environment it exits 1 at once.

Flags:
`

// ignoredFlags registers the elastickv flags the stand-in accepts without acting on them, with
// elastickv's types, so a command line elastickv takes is taken here too (and a bool flag
// does not swallow the next argument).
func ignoredFlags(fs *flag.FlagSet) {
	const ignored = "ignored by the stand-in"
	for _, name := range []string{
		"redisAddress", "dynamoAddress", "s3Address", "s3Region", "s3CredentialsFile", "sqsAddress",
		"sqsRegion", "sqsCredentialsFile", "metricsAddress", "metricsToken", "pprofAddress",
		"pprofToken", "filesystemMount", "filesystemClientID", "adminTokenFile", "s3BlobPeerTokenFile",
		"adminListen", "adminTLSCertFile", "adminTLSKeyFile", "adminSessionSigningKey",
		"adminSessionSigningKeyFile", "adminSessionSigningKeyPrevious",
		"adminSessionSigningKeyPreviousFile", "adminReadOnlyAccessKeys", "adminFullAccessKeys",
		"encryptionSidecarPath", "kekFile", "keyvizFanoutNodes", "sqsFifoPartitionMap",
	} {
		fs.String(name, "", ignored)
	}
	for _, name := range []string{
		"s3PathStyleOnly", "adminInsecureNoAuth", "adminEnabled", "adminAllowPlaintextNonLoopback",
		"adminAllowInsecureDevCookie", "encryption-enabled", "encryption-rotate-on-startup",
		"keyvizEnabled", "keyvizLabelsEnabled", "keyvizHotKeysEnabled", "tsoEnabled",
	} {
		fs.Bool(name, false, ignored)
	}
	for _, name := range []string{
		"filesystemPlacementScanInterval", "filesystemLeaseReapInterval", "keyvizStep",
		"keyvizFanoutTimeout",
	} {
		fs.Duration(name, 0, ignored)
	}
	for _, name := range []string{
		"keyvizMaxTrackedRoutes", "keyvizMaxMemberRoutesPerSlot", "keyvizHistoryColumns",
		"keyvizKeyBucketsPerRoute", "keyvizHotKeysPerRoute", "keyvizHotKeysSampleRate",
		"keyvizHotKeysQueueSize", "keyvizHotKeysMaxKeyLen", "redisLuaMaxIdleStates", "tsoBatchSize",
	} {
		fs.Int(name, 0, ignored)
	}
	for _, name := range []string{"filesystemRootMode", "filesystemRootUID", "filesystemRootGID"} {
		fs.Uint(name, 0, ignored)
	}
	for _, name := range []string{"filesystemCapacity", "filesystemMaxFiles"} {
		fs.Uint64(name, 0, ignored)
	}
}

// parseFlags reads the command line as elastickv's main does (Go's flag package: an unknown
// flag is an error, exit code 2) and checks the raft settings the way elastickv does.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("elastickv-standin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHeader)
		fs.PrintDefaults()
	}
	address := fs.String("address", "localhost:50051", "TCP host+port for this node (the single group's listener when --raftGroups is empty)")
	raftID := fs.String("raftId", "", "Node id used by Raft (required)")
	engine := fs.String("raftEngine", "etcd", "Raft engine implementation (only etcd)")
	dataDir := fs.String("raftDataDir", "data/", "Raft data dir")
	bootstrap := fs.Bool("raftBootstrap", false, "Whether to bootstrap the Raft cluster")
	bootstrapMembers := fs.String("raftBootstrapMembers", "", "Comma-separated bootstrap raft members (raftID=host:port,...)")
	groupPeers := fs.String("raftGroupPeers", "", "Semicolon-separated per-group bootstrap members (groupID=raftID@host:port,...)")
	joinMembers := fs.String("raftJoinMembers", "", "Comma-separated raft members used only for transport discovery while this fresh node joins (raftID=host:port,...); requires --raftJoinAsLearner")
	joinAsLearner := fs.Bool("raftJoinAsLearner", false, "This node joins an existing single-group cluster as a learner")
	raftGroups := fs.String("raftGroups", "", "Comma-separated raft groups (groupID=host:port,...)")
	shardRanges := fs.String("shardRanges", "", "Comma-separated shard ranges (start:end=groupID,...) routing RawPut and RawGet keys")
	addrMaps := map[string]*string{}
	for _, name := range []string{"raftRedisMap", "raftS3Map", "raftDynamoMap", "raftSqsMap"} {
		addrMaps[name] = fs.String(name, "", "Map of Raft address to another address (raftAddr=addr,...); checked, otherwise ignored by the stand-in")
	}
	lb := fs.Bool("leaderBalance", false, "Enable automatic count-based Raft-group leader balancing")
	lbInterval := fs.Duration("leaderBalanceInterval", 30*time.Second, "Interval between leader-balance evaluations")
	lbGroupCool := fs.Duration("leaderBalanceGroupCooldown", 30*time.Second, "Minimum time before the same group is moved again")
	lbGlobalCool := fs.Duration("leaderBalanceGlobalCooldown", 10*time.Second, "Minimum time between any two automatic transfers")
	lbGrace := fs.Duration("leaderBalanceStartupGrace", 0, "Grace period after startup before any transfer; 0 uses max(interval, global cooldown)")
	lbThreshold := fs.Int("leaderBalanceImbalanceThreshold", 2, "Minimum leader-count spread required before balancing")
	lbMaxLag := fs.Uint64("leaderBalanceMaxTargetLag", 1024, "Maximum target lag in log entries for an automatic transfer")
	lbPin := fs.String("leaderBalancePinGroups", "", "Comma-separated raft group ids never moved by the balancer")
	lbKill := fs.String("leaderBalanceKillSwitchFile", "", "While this file exists the balancer observes but moves nothing")
	ignoredFlags(fs)
	delay := fs.Duration("standinStartupDelay", 0, "Stand-in only: wait this long after loading the WAL before serving (a slow FSM restore)")
	snapEvery := fs.Uint64("standinSnapshotEntries", 10000, "Stand-in only: write a raft snapshot every N applied entries")
	tick := fs.Duration("standinTick", 100*time.Millisecond, "Stand-in only: raft tick; a heartbeat is 1 tick, an election timeout 10")
	sigtermExit2 := fs.Bool("standinSigtermExit2", false, "Stand-in only: on SIGTERM exit at once with code 2, leaving WALs unclosed, as elastickv (which has no SIGTERM handler) does as PID 1")

	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		// elastickv's flag.Parse stops at the first non-flag and ignores the rest; say so
		// rather than silently dropping what may be a mistyped flag.
		return nil, fmt.Errorf("unexpected argument %q: every setting is a -flag (see --help)", fs.Arg(0))
	}
	if *raftID == "" {
		return nil, errors.New("flag --raftId is required")
	}
	if *engine != "etcd" {
		return nil, fmt.Errorf("unsupported raft engine %q: only etcd exists", *engine)
	}
	for name, v := range addrMaps {
		if err := checkAddressMap(*v); err != nil {
			return nil, fmt.Errorf("--%s: %w", name, err)
		}
	}
	if *snapEvery == 0 {
		return nil, errors.New("--standinSnapshotEntries must be at least 1")
	}
	if *tick <= 0 {
		return nil, fmt.Errorf("--standinTick %s must be positive", *tick)
	}

	c := &config{
		raftID: *raftID, dataDir: *dataDir, bootstrap: *bootstrap, joinAsLearner: *joinAsLearner,
		leaderBalance: *lb, leaderBalanceInterval: *lbInterval, leaderBalanceGroupCool: *lbGroupCool,
		leaderBalanceGlobalCool: *lbGlobalCool, leaderBalanceGrace: *lbGrace,
		leaderBalanceThreshold: *lbThreshold, leaderBalanceMaxLag: *lbMaxLag,
		leaderBalanceKillSwitch: *lbKill, startupDelay: *delay, snapshotEntries: *snapEvery,
		tick: *tick, leaderBalancePinned: map[uint64]bool{}, sigtermExit2: *sigtermExit2,
	}
	var err error
	if c.groups, err = parseRaftGroups(*raftGroups, *address); err != nil {
		return nil, fmt.Errorf("failed to parse raft groups: %w", err)
	}
	c.defaultGroup, c.multi = defaultGroup(c.groups)
	if c.ranges, err = parseShardRanges(*shardRanges, c.defaultGroup, c.groups); err != nil {
		return nil, fmt.Errorf("failed to parse shard ranges: %w", err)
	}
	for _, p := range splitList(*lbPin, ",") {
		id, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--leaderBalancePinGroups: %q is not a group id", p)
		}
		c.leaderBalancePinned[id] = true
	}
	if err := resolvePeers(c, *bootstrapMembers, *groupPeers, *joinMembers); err != nil {
		return nil, err
	}
	return c, nil
}

func splitList(raw, sep string) []string {
	var out []string
	for _, p := range strings.Split(raw, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func checkAddressMap(raw string) error {
	for _, p := range splitList(raw, ",") {
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return fmt.Errorf("invalid entry %q (expected raftAddr=addr)", p)
		}
	}
	return nil
}

func parseRaftGroups(raw, defaultAddr string) ([]groupSpec, error) {
	if raw == "" {
		if defaultAddr == "" {
			return nil, errors.New("address is required")
		}
		return []groupSpec{{ID: 1, Address: defaultAddr}}, nil
	}
	var out []groupSpec
	seen := map[uint64]bool{}
	for _, p := range splitList(raw, ",") {
		idRaw, addr, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("invalid raftGroups entry %q (expected groupID=host:port)", p)
		}
		id, err := strconv.ParseUint(strings.TrimSpace(idRaw), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid raftGroups entry %q: group id %q is not a number", p, idRaw)
		}
		if addr = strings.TrimSpace(addr); addr == "" {
			return nil, fmt.Errorf("invalid raftGroups entry %q: empty address for group %d", p, id)
		}
		if seen[id] {
			return nil, fmt.Errorf("invalid raftGroups entry: duplicate group id %d", id)
		}
		seen[id] = true
		out = append(out, groupSpec{ID: id, Address: addr})
	}
	if len(out) == 0 {
		return nil, errors.New("no raft groups configured")
	}
	return out, nil
}

// defaultGroup is the lowest data group (group 0 is reserved); the node keeps one directory
// per group only when there is more than one data group, as elastickv does.
func defaultGroup(groups []groupSpec) (uint64, bool) {
	var min uint64
	data := 0
	for _, g := range groups {
		if g.ID == 0 {
			continue
		}
		data++
		if min == 0 || g.ID < min {
			min = g.ID
		}
	}
	if min == 0 {
		min = 1
	}
	return min, data > 1
}

func parseShardRanges(raw string, def uint64, groups []groupSpec) ([]shardRange, error) {
	known := map[uint64]bool{}
	for _, g := range groups {
		known[g.ID] = true
	}
	if raw == "" {
		return []shardRange{{start: []byte{}, group: def}}, nil
	}
	var out []shardRange
	for _, p := range splitList(raw, ",") {
		bounds, gRaw, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("invalid shardRanges entry %q (expected start:end=groupID)", p)
		}
		g, err := strconv.ParseUint(strings.TrimSpace(gRaw), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid shardRanges entry %q: group id %q is not a number", p, gRaw)
		}
		start, end, ok := strings.Cut(bounds, ":")
		if !ok {
			return nil, fmt.Errorf("invalid shardRanges entry %q: range %q (expected start:end)", p, bounds)
		}
		r := shardRange{start: []byte(strings.TrimSpace(start)), group: g}
		if e := strings.TrimSpace(end); e != "" {
			r.end = []byte(e)
			if bytes.Compare(r.start, r.end) >= 0 {
				return nil, fmt.Errorf("invalid shardRanges entry %q: start must be < end", p)
			}
		}
		if g == 0 {
			return nil, fmt.Errorf("shard range %q references the reserved group 0", p)
		}
		if !known[g] {
			return nil, fmt.Errorf("shard range %q references unknown group %d (not in --raftGroups)", p, g)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("no shard ranges configured")
	}
	return out, nil
}

func parseMembers(raw, what string) ([]server, error) {
	var out []server
	seen := map[string]bool{}
	for _, p := range splitList(raw, ",") {
		id, addr, ok := strings.Cut(p, "=")
		id, addr = strings.TrimSpace(id), strings.TrimSpace(addr)
		if !ok || id == "" || addr == "" {
			return nil, fmt.Errorf("invalid %s entry %q (expected raftID=host:port)", what, p)
		}
		if seen[id] {
			return nil, fmt.Errorf("invalid %s entry: duplicate id %q", what, id)
		}
		seen[id] = true
		out = append(out, server{ID: id, Address: addr})
	}
	return out, nil
}

func parseGroupPeers(raw string) (map[uint64][]server, error) {
	out := map[uint64][]server{}
	for _, entry := range splitList(raw, ";") {
		gRaw, list, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("invalid raftGroupPeers entry %q: expected groupID=raftID@host:port,...", entry)
		}
		g, err := strconv.ParseUint(strings.TrimSpace(gRaw), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid raftGroupPeers entry %q: invalid group id %q", entry, gRaw)
		}
		if _, dup := out[g]; dup {
			return nil, fmt.Errorf("invalid raftGroupPeers entry: duplicate group id %d", g)
		}
		seen := map[string]bool{}
		var servers []server
		for _, part := range splitList(list, ",") {
			id, addr, ok := strings.Cut(part, "@")
			id, addr = strings.TrimSpace(id), strings.TrimSpace(addr)
			if !ok || id == "" || addr == "" {
				return nil, fmt.Errorf("invalid raftGroupPeers entry %q: invalid member %q (expected raftID@host:port)", entry, part)
			}
			if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
				return nil, fmt.Errorf("invalid raftGroupPeers entry %q: invalid member address %q", entry, addr)
			}
			if seen[id] {
				return nil, fmt.Errorf("invalid raftGroupPeers entry %q: duplicate raft id %q", entry, id)
			}
			seen[id] = true
			servers = append(servers, server{ID: id, Address: addr})
		}
		if len(servers) == 0 {
			return nil, fmt.Errorf("invalid raftGroupPeers entry %q: empty member list", entry)
		}
		sort.Slice(servers, func(i, j int) bool { return servers[i].ID < servers[j].ID })
		out[g] = servers
	}
	return out, nil
}

// resolvePeers applies elastickv's rules for who founds a cluster and who joins one.
func resolvePeers(c *config, bootstrapRaw, groupPeersRaw, joinRaw string) error {
	local := func(servers []server, addr, what string) error {
		for _, s := range servers {
			if s.ID == c.raftID {
				if s.Address != addr {
					return fmt.Errorf("%s: this node's address: expected %q got %q", what, addr, s.Address)
				}
				return nil
			}
		}
		return fmt.Errorf("%s does not list this node (raftId=%q)", what, c.raftID)
	}
	if strings.TrimSpace(joinRaw) != "" {
		if !c.joinAsLearner {
			return errors.New("--raftJoinMembers requires --raftJoinAsLearner")
		}
		if c.bootstrap || strings.TrimSpace(bootstrapRaw) != "" || strings.TrimSpace(groupPeersRaw) != "" {
			return errors.New("--raftJoinMembers cannot be combined with --raftBootstrap, --raftBootstrapMembers or --raftGroupPeers")
		}
		if len(c.groups) != 1 {
			return errors.New("--raftJoinMembers requires a single raft group")
		}
		members, err := parseMembers(joinRaw, "raftJoinMembers")
		if err != nil {
			return err
		}
		if len(members) < 2 {
			return errors.New("--raftJoinMembers needs at least 2 members (this node and one to join)")
		}
		c.joinMembers = members
		return local(members, c.groups[0].Address, "--raftJoinMembers")
	}
	if strings.TrimSpace(bootstrapRaw) != "" {
		if len(c.groups) != 1 {
			return errors.New("--raftBootstrapMembers requires a single raft group (use --raftGroupPeers)")
		}
		members, err := parseMembers(bootstrapRaw, "raftBootstrapMembers")
		if err != nil {
			return err
		}
		c.bootstrapMembers = members
		return local(members, c.groups[0].Address, "--raftBootstrapMembers")
	}
	if strings.TrimSpace(groupPeersRaw) != "" {
		peers, err := parseGroupPeers(groupPeersRaw)
		if err != nil {
			return err
		}
		byID := map[uint64]groupSpec{}
		for _, g := range c.groups {
			byID[g.ID] = g
		}
		for g, servers := range peers {
			spec, ok := byID[g]
			if !ok {
				return fmt.Errorf("--raftGroupPeers names group %d, which --raftGroups does not list", g)
			}
			if err := local(servers, spec.Address, fmt.Sprintf("--raftGroupPeers group %d", g)); err != nil {
				return err
			}
		}
		c.groupPeers = peers
	}
	return nil
}

// seedFor is the member list a group is founded with on an empty data directory (nil: none).
func (c *config) seedFor(group groupSpec) []server {
	switch {
	case c.groupPeers != nil:
		return c.groupPeers[group.ID]
	case c.bootstrapMembers != nil:
		return c.bootstrapMembers
	case c.bootstrap:
		return []server{{ID: c.raftID, Address: group.Address}}
	}
	return nil
}
