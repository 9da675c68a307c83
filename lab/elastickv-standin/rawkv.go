package main

import (
	"bytes"
	"context"
	"errors"

	"elastickv-standin/pb"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// kvService is RawKV on every listener: a key goes to the group its --shardRanges range names,
// whichever listener the request arrived on, as elastickv's coordinator routes it; RawGet may
// name a group outright with group_id.
type kvService struct {
	pb.UnimplementedRawKVServer
	groups map[uint64]*group
	ranges []shardRange
}

func (k *kvService) route(key []byte) (*group, error) {
	for _, r := range k.ranges {
		if bytes.Compare(key, r.start) >= 0 && (r.end == nil || bytes.Compare(key, r.end) < 0) {
			if g, ok := k.groups[r.group]; ok {
				return g, nil
			}
			return nil, status.Errorf(codes.FailedPrecondition, "key %q belongs to group %d, which this node does not run", key, r.group)
		}
	}
	return nil, status.Errorf(codes.FailedPrecondition, "no shard range covers key %q (see --shardRanges)", key)
}

func kvError(err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	}
	return status.Error(codes.Unavailable, err.Error())
}

func (k *kvService) RawPut(ctx context.Context, req *pb.RawPutRequest) (*pb.RawPutResponse, error) {
	if len(req.Key) == 0 {
		return nil, status.Error(codes.InvalidArgument, "key is required")
	}
	g, err := k.route(req.Key)
	if err != nil {
		return nil, err
	}
	idx, err := g.put(ctx, req.Key, req.Value)
	if err != nil {
		return &pb.RawPutResponse{}, kvError(err)
	}
	return &pb.RawPutResponse{CommitIndex: idx, Success: true}, nil
}

func (k *kvService) RawGet(ctx context.Context, req *pb.RawGetRequest) (*pb.RawGetResponse, error) {
	var g *group
	if req.GroupId != 0 {
		var ok bool
		if g, ok = k.groups[req.GroupId]; !ok {
			return nil, status.Errorf(codes.FailedPrecondition, "group_id %d: this node runs no such raft group (see --raftGroups)", req.GroupId)
		}
	} else {
		var err error
		if g, err = k.route(req.Key); err != nil {
			return nil, err
		}
	}
	v, ok, idx, err := g.get(ctx, req.Key)
	if err != nil {
		return nil, kvError(err)
	}
	return &pb.RawGetResponse{ReadAtIndex: idx, Value: v, Exists: ok}, nil
}
