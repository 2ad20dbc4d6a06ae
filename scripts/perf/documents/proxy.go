package main

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"

	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// frame is one gRPC message, passed through undecoded.
type frame struct{ b []byte }

// rawCodec hands gRPC messages over as bytes, so the proxy forwards what it cannot know.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.(*frame).b, nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	f := v.(*frame)
	f.b = append(f.b[:0], data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// Counts are the billable document operations seen, by kind and by collection.
type Counts struct {
	Reads, Missing, EmptyQueries, Writes, Deletes, Aggregations int
	ByCollection                                                map[string][2]int // reads, writes+deletes
	RPCs                                                        map[string]int
}

func (c Counts) Sub(o Counts) Counts {
	d := Counts{Reads: c.Reads - o.Reads, Missing: c.Missing - o.Missing, EmptyQueries: c.EmptyQueries - o.EmptyQueries,
		Writes: c.Writes - o.Writes, Deletes: c.Deletes - o.Deletes, Aggregations: c.Aggregations - o.Aggregations,
		ByCollection: map[string][2]int{}, RPCs: map[string]int{}}
	for k, v := range c.ByCollection {
		w := o.ByCollection[k]
		if v != w {
			d.ByCollection[k] = [2]int{v[0] - w[0], v[1] - w[1]}
		}
	}
	for k, v := range c.RPCs {
		if n := v - o.RPCs[k]; n != 0 {
			d.RPCs[k] = n
		}
	}
	return d
}

// Billed is what Firestore bills as document reads: documents returned, a missing document
// looked up, and a query that returned nothing (each costs one read).
func (c Counts) Billed() (reads, writes int) {
	return c.Reads + c.Missing + c.EmptyQueries + c.Aggregations, c.Writes + c.Deletes
}

// proxy is a gRPC pass-through in front of the Firestore emulator that counts the documents
// each call reads and writes. The product reaches it through FIRESTORE_EMULATOR_HOST, so
// nothing in the product changes.
type proxy struct {
	mu      sync.Mutex
	c       Counts
	backend *grpc.ClientConn
	srv     *grpc.Server
	addr    string
}

func startProxy(backendAddr string) (*proxy, error) {
	conn, err := grpc.NewClient(backendAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{backend: conn, addr: l.Addr().String(), c: Counts{ByCollection: map[string][2]int{}, RPCs: map[string]int{}}}
	p.srv = grpc.NewServer(grpc.ForceServerCodec(rawCodec{}), grpc.UnknownServiceHandler(p.handle))
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

func (p *proxy) Close() {
	p.srv.Stop()
	_ = p.backend.Close()
}

func (p *proxy) Snapshot() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.c.Sub(Counts{})
}

// Ops is the number of calls seen so far, to tell when the product has gone quiet.
func (p *proxy) Ops() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, v := range p.c.RPCs {
		n += v
	}
	return n
}

func (p *proxy) handle(_ any, ss grpc.ServerStream) error {
	method, ok := grpc.MethodFromServerStream(ss)
	if !ok {
		return errors.New("no method")
	}
	md, _ := metadata.FromIncomingContext(ss.Context())
	md = md.Copy()
	for _, k := range []string{":authority", "content-type", "user-agent"} {
		delete(md, k)
	}
	ctx, cancel := context.WithCancel(metadata.NewOutgoingContext(ss.Context(), md))
	defer cancel()
	cs, err := p.backend.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, method, grpc.ForceCodec(rawCodec{}))
	if err != nil {
		return err
	}
	short := method[strings.LastIndex(method, "/")+1:]
	p.mu.Lock()
	p.c.RPCs[short]++
	p.mu.Unlock()

	upErr := make(chan error, 1)
	go func() {
		for {
			f := &frame{}
			if err := ss.RecvMsg(f); err != nil {
				if err == io.EOF {
					upErr <- cs.CloseSend()
				} else {
					upErr <- err
				}
				return
			}
			p.countRequest(short, f.b)
			if err := cs.SendMsg(f); err != nil {
				upErr <- err
				return
			}
		}
	}()
	first, docs := true, 0
	for {
		f := &frame{}
		err := cs.RecvMsg(f)
		if first {
			first = false
			if h, herr := cs.Header(); herr == nil {
				_ = ss.SendHeader(h)
			}
		}
		if err == io.EOF {
			if (short == "RunQuery" || short == "ListDocuments") && docs == 0 {
				p.mu.Lock()
				p.c.EmptyQueries++
				p.mu.Unlock()
			}
			ss.SetTrailer(cs.Trailer())
			return nil
		}
		if err != nil {
			ss.SetTrailer(cs.Trailer())
			return err
		}
		docs += p.countResponse(short, f.b)
		if err := ss.SendMsg(f); err != nil {
			return err
		}
	}
}

// collection turns projects/p/databases/d/documents/a/x/b/y into a/b.
func collection(name string) string {
	_, rest, ok := strings.Cut(name, "/documents/")
	if !ok {
		return "?"
	}
	parts := strings.Split(rest, "/")
	var cols []string
	for i := 0; i < len(parts); i += 2 {
		cols = append(cols, parts[i])
	}
	return strings.Join(cols, "/")
}

func (p *proxy) read(name string) {
	col := collection(name)
	v := p.c.ByCollection[col]
	v[0]++
	p.c.ByCollection[col] = v
	p.c.Reads++
}

func (p *proxy) countRequest(method string, b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var writes []*firestorepb.Write
	switch method {
	case "Commit":
		var r firestorepb.CommitRequest
		if proto.Unmarshal(b, &r) == nil {
			writes = r.Writes
		}
	case "BatchWrite":
		var r firestorepb.BatchWriteRequest
		if proto.Unmarshal(b, &r) == nil {
			writes = r.Writes
		}
	}
	for _, w := range writes {
		name := ""
		switch op := w.Operation.(type) {
		case *firestorepb.Write_Update:
			name = op.Update.GetName()
			p.c.Writes++
		case *firestorepb.Write_Delete:
			name = op.Delete
			p.c.Deletes++
		case *firestorepb.Write_Transform:
			name = op.Transform.GetDocument()
			p.c.Writes++
		}
		col := collection(name)
		v := p.c.ByCollection[col]
		v[1]++
		p.c.ByCollection[col] = v
	}
}

// countResponse counts what one response message returned and says how many documents.
func (p *proxy) countResponse(method string, b []byte) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch method {
	case "GetDocument":
		var d firestorepb.Document
		if proto.Unmarshal(b, &d) == nil {
			p.read(d.Name)
			return 1
		}
	case "BatchGetDocuments":
		var r firestorepb.BatchGetDocumentsResponse
		if proto.Unmarshal(b, &r) != nil {
			return 0
		}
		if d := r.GetFound(); d != nil {
			p.read(d.Name)
			return 1
		} else if r.GetMissing() != "" {
			p.c.Missing++
		}
	case "RunQuery":
		var r firestorepb.RunQueryResponse
		if proto.Unmarshal(b, &r) != nil {
			return 0
		}
		if d := r.GetDocument(); d != nil {
			p.read(d.Name)
			return 1
		}
	case "ListDocuments":
		var r firestorepb.ListDocumentsResponse
		if proto.Unmarshal(b, &r) != nil {
			return 0
		}
		for _, d := range r.Documents {
			p.read(d.Name)
		}
		return len(r.Documents)
	case "RunAggregationQuery":
		p.c.Aggregations++
	}
	return 0
}
