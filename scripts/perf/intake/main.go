// Command intake measures POST /RequestForm — a JSON access request with a distinct e-mail
// address each time — against RequestForm built like the buildpack and running on the
// emulators, next to the intake floor (scripts/perf/floorintake: one Firestore transaction that
// reads and writes one document plus one acknowledged publish, behind the same framework).
// Sequential requests alternate product, floor, product, floor; then 8 clients hammer each in
// turn for a fixed time. Everything stays on loopback and every loop is bounded.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/scripts/perf/internal/harness"
	"github.com/privacyloket/privacyloket/shared/fnlist"
)

// floorTopic is floorintake.Topic (importing that package would run its init here).
const floorTopic = "floor-mail"

type options struct {
	n, clients, rounds int
	duration           time.Duration
	perIP, perEmail    string
	proxyHops          string
	rows               string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 200, "sequential requests to each, interleaved")
	flag.IntVar(&o.clients, "clients", 8, "concurrent clients for the throughput figure")
	flag.DurationVar(&o.duration, "duration", 4*time.Second, "length of one throughput phase")
	flag.IntVar(&o.rounds, "rounds", 2, "throughput phases of each (product, floor, floor, product ...), after an unmeasured one of each")
	flag.StringVar(&o.perIP, "rate-limit-per-ip", "0", "RATE_LIMIT_PER_IP for RequestForm (0: off); every request carries its own X-Forwarded-For address, which RequestForm believes with -proxy-hops 1")
	flag.StringVar(&o.proxyHops, "proxy-hops", "1", "TRUSTED_PROXY_HOPS for RequestForm: 1 gives every request its own address and a new counter; 0 gives all 127.0.0.1, so every request after the first counts on an existing one")
	flag.StringVar(&o.perEmail, "rate-limit-per-email", "1000000", "RATE_LIMIT_PER_EMAIL for RequestForm (0: off)")
	flag.StringVar(&o.rows, "rows", "", "append the summary rows (TSV) to this file for scripts/bench")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "intake: %v\n", err)
		os.Exit(1)
	}
}

// target is one function under load.
type target struct {
	name   string
	in     *harness.Instance
	client *http.Client
	seq    atomic.Int64
	run    string
}

func newTarget(name string, in *harness.Instance, clients int) *target {
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2}
	return &target{name: name, in: in, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}, run: strconv.FormatInt(time.Now().UnixNano(), 36)}
}

// post submits one access request with a fresh address and a fresh client IP and returns how
// long the answer took.
func (t *target) post(ctx context.Context) (time.Duration, error) {
	i := t.seq.Add(1)
	body, _ := json.Marshal(map[string]any{
		"type": "access", "name": "Perf Test", "email": fmt.Sprintf("perf-%s-%d@example.test", t.run, i),
		"birthDate": "1980-01-01", "signature": "Perf Test", "declaration": true, "lang": "nl",
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.in.URL+"/", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255))
	start := time.Now()
	res, err := t.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", t.name, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(start)
	if res.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("%s answered %d: %.300s", t.name, res.StatusCode, b)
	}
	return d, nil
}

func run(o options) error {
	bins, cleanup, err := harness.Prepare("intake", "RequestForm and the intake floor like the buildpack",
		harness.Package(fnlist.RequestForm), harness.Module+"/scripts/perf/floorintake")
	if err != nil {
		return err
	}
	defer cleanup()
	product, floorBin := bins[0], bins[1]

	ctx := context.Background()
	stamp := time.Now().UnixNano()
	pProject, fProject := fmt.Sprintf("perf-intake-%d", stamp), fmt.Sprintf("perf-floor-%d", stamp)
	for _, tp := range [][2]string{{pProject, "mail"}, {pProject, "ticks"}, {fProject, floorTopic}} {
		if err := createTopic(ctx, tp[0], tp[1]); err != nil {
			return err
		}
	}
	defer func() {
		for _, p := range []string{pProject, fProject} {
			_ = harness.ResetProject(context.Background(), p)
		}
		_ = deleteTopics(context.Background(), pProject, "mail", "ticks")
		_ = deleteTopics(context.Background(), fProject, floorTopic)
	}()

	pin, err := harness.Start(product, "RequestForm", harness.Env(pProject),
		"RATE_LIMIT_PER_IP="+o.perIP, "RATE_LIMIT_PER_EMAIL="+o.perEmail, "TRUSTED_PROXY_HOPS="+o.proxyHops)
	if err != nil {
		return err
	}
	defer pin.Stop()
	fin, err := harness.Start(floorBin, "FloorIntake", harness.Env(fProject))
	if err != nil {
		return err
	}
	defer fin.Stop()
	for _, in := range []*harness.Instance{pin, fin} {
		if _, err := in.WaitReady(30 * time.Second); err != nil {
			return err
		}
	}
	p, f := newTarget("RequestForm", pin, o.clients), newTarget("floor", fin, o.clients)

	// Warm-up: connections to the emulators, the first transaction, the publisher.
	for range 20 {
		for _, t := range []*target{p, f} {
			if _, err := t.post(ctx); err != nil {
				return err
			}
		}
	}

	var pSeq, fSeq harness.Sample
	for range o.n {
		d, err := p.post(ctx)
		if err != nil {
			return err
		}
		pSeq = append(pSeq, ms(d))
		d, err = f.post(ctx)
		if err != nil {
			return err
		}
		fSeq = append(fSeq, ms(d))
	}
	fmt.Printf("\nsequential POSTs, %d each, interleaved (ms):\n", o.n)
	fmt.Println("| | p50 | p90 | p99 | min | max |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, s := range []struct {
		name string
		s    harness.Sample
	}{{"RequestForm", pSeq}, {"floor", fSeq}} {
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", s.name, harness.Num(s.s.Median()), harness.Num(s.s.Quantile(0.9)),
			harness.Num(s.s.Quantile(0.99)), harness.Num(s.s.Quantile(0)), harness.Num(s.s.Quantile(1)))
	}

	// Warm-up under load as well, unmeasured: the emulators compile their hot paths (JIT) in
	// the first seconds of concurrent work, which would otherwise fall on the first phase.
	for _, t := range []*target{p, f} {
		if _, _, err := load(ctx, t, o.clients, o.duration); err != nil {
			return err
		}
	}
	var pRate, fRate, pLat, fLat harness.Sample
	for i := range o.rounds {
		order := []*target{p, f}
		if i%2 == 1 {
			order = []*target{f, p} // product, floor, floor, product ...: drift falls on both
		}
		for _, t := range order {
			rate, lat, err := load(ctx, t, o.clients, o.duration)
			if err != nil {
				return err
			}
			if t == p {
				pRate, pLat = append(pRate, rate), append(pLat, lat...)
			} else {
				fRate, fLat = append(fRate, rate), append(fLat, lat...)
			}
		}
	}
	fmt.Printf("\n%d clients, %d phases of %s each, alternating:\n", o.clients, o.rounds, o.duration)
	fmt.Println("| | req/s per phase | p50 ms | p90 ms |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| RequestForm | %v | %s | %s |\n", rates(pRate), harness.Num(pLat.Median()), harness.Num(pLat.Quantile(0.9)))
	fmt.Printf("| floor | %v | %s | %s |\n", rates(fRate), harness.Num(fLat.Median()), harness.Num(fLat.Quantile(0.9)))

	limits := fmt.Sprintf("RATE_LIMIT_PER_IP=%s, RATE_LIMIT_PER_EMAIL=%s", o.perIP, o.perEmail)
	rows := []harness.Row{
		{Figure: "intake p50, sequential POST /RequestForm on the emulators (" + limits + ")",
			Product: harness.Num(pSeq.Median()) + " ms (p90 " + harness.Num(pSeq.Quantile(0.9)) + ")",
			Floor:   harness.Num(fSeq.Median()) + " ms (p90 " + harness.Num(fSeq.Quantile(0.9)) + "), one transaction + one acknowledged publish",
			Ratio:   pSeq.Median() / fSeq.Median()},
		{Figure: fmt.Sprintf("intake throughput, %d clients (ratio: floor ÷ product)", o.clients),
			Product: harness.Num(pRate.Median()) + " req/s (" + rates(pRate) + ")",
			Floor:   harness.Num(fRate.Median()) + " req/s (" + rates(fRate) + ")",
			Ratio:   fRate.Median() / pRate.Median()},
	}
	fmt.Println()
	harness.PrintRows(os.Stdout, rows)
	return harness.AppendRows(o.rows, rows)
}

// load runs clients goroutines posting to t for d and returns the completed requests per
// second and every latency.
func load(ctx context.Context, t *target, clients int, d time.Duration) (float64, harness.Sample, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var lat harness.Sample
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				dur, err := t.post(ctx)
				mu.Lock()
				if err != nil {
					if ctx.Err() == nil && firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				lat = append(lat, ms(dur))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return 0, nil, firstErr
	}
	if len(lat) == 0 {
		return 0, nil, fmt.Errorf("%s: no request completed within %s with %d clients", t.name, d, clients)
	}
	return float64(len(lat)) / elapsed.Seconds(), lat, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func rates(s harness.Sample) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ", "
		}
		out += harness.Num(v)
	}
	return out
}

func createTopic(ctx context.Context, project, topic string) error {
	c, err := pubsub.NewClient(ctx, project)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: "projects/" + project + "/topics/" + topic})
	if err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	return nil
}

func deleteTopics(ctx context.Context, project string, topics ...string) error {
	c, err := pubsub.NewClient(ctx, project)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, t := range topics {
		_ = c.TopicAdminClient.DeleteTopic(ctx, &pubsubpb.DeleteTopicRequest{Topic: "projects/" + project + "/topics/" + t})
	}
	return nil
}
