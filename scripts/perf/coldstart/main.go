// Command coldstart measures how long each Privacyloket function takes from exec to its first
// answer, and how much memory it holds then, next to the floor: a minimal Functions Framework
// function built the same way (the buildpack's generated main). Runs are interleaved —
// product, floor, product, floor — so both see the same machine. It also prints the costliest
// package inits of RequestForm (GODEBUG=inittrace=1).
//
// It needs FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST (scripts/bench provides them); no
// function touches them before its first answer.
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/scripts/perf/internal/harness"
)

// allFunctions lists the deployed functions (functions.Definitions; that package cannot be
// imported here, its init starts the product). A name the build does not register is skipped.
const allFunctions = "RequestForm,ConfirmRequest,UploadID,RequestStatus,StaffCase,ThirdPartyResponse,DownloadResult,StaffDesk,SendMail,Tick"

func main() {
	n := flag.Int("n", 15, "runs of each function and of the floor, interleaved")
	fnList := flag.String("functions", allFunctions, "comma-separated function targets")
	rowsFile := flag.String("rows", "", "append the summary rows (TSV) to this file for scripts/bench")
	top := flag.Int("inittrace", 5, "how many of RequestForm's costliest package inits to print")
	flag.Parse()
	if err := run(*n, strings.Split(*fnList, ","), *rowsFile, *top); err != nil {
		fmt.Fprintf(os.Stderr, "coldstart: %v\n", err)
		os.Exit(1)
	}
}

type result struct {
	ms, rss, hwm harness.Sample
	statuses     map[int]int
}

func (r *result) add(x harness.Ready) {
	r.ms = append(r.ms, float64(x.Elapsed.Microseconds())/1000)
	r.rss = append(r.rss, float64(x.RSS)/(1<<20))
	r.hwm = append(r.hwm, float64(x.HWM)/(1<<20))
	r.statuses[x.Status]++
}

func run(n int, targets []string, rowsFile string, top int) error {
	// The intake floor tells what the cloud clients alone cost: it builds a Firestore and a
	// Pub/Sub client at init and nothing else.
	bins, cleanup, err := harness.Prepare("coldstart", "the product and the floor", harness.ProductPackage,
		harness.Module+"/scripts/perf/floor", harness.Module+"/scripts/perf/floorintake")
	if err != nil {
		return err
	}
	defer cleanup()
	product, floor, sdkFloor := bins[0], bins[1], bins[2]
	project := fmt.Sprintf("perf-cold-%d", time.Now().UnixNano())
	env := harness.Env(project)

	once := func(bin, target string) (harness.Ready, error) {
		in, err := harness.Start(bin, target, env)
		if err != nil {
			return harness.Ready{}, err
		}
		defer in.Stop()
		return in.WaitReady(30 * time.Second)
	}

	// Which targets this build registers: an unregistered one exits at start-up.
	var fns []string
	for _, t := range targets {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if _, err := once(product, t); err != nil {
			fmt.Printf("skipping %s: %v\n", t, firstLine(err))
			continue
		}
		fns = append(fns, t)
	}
	if len(fns) == 0 {
		return fmt.Errorf("no function started")
	}
	// One warm-up of the floor too: page cache, like the product's probe above.
	if _, err := once(floor, "Floor"); err != nil {
		return err
	}

	results := map[string]*result{}
	floorRes := &result{statuses: map[int]int{}}
	sdkRes := &result{statuses: map[int]int{}}
	for _, f := range fns {
		results[f] = &result{statuses: map[int]int{}}
	}
	for i := 0; i < n; i++ {
		for _, f := range fns {
			r, err := once(product, f)
			if err != nil {
				return err
			}
			results[f].add(r)
			r, err = once(floor, "Floor")
			if err != nil {
				return err
			}
			floorRes.add(r)
		}
	}
	// The floor with the cloud clients runs after the rest, not between them: its clients
	// connect to the emulators, whose work when it exits would fall on the next start measured.
	for i := 0; i < n; i++ {
		r, err := once(sdkFloor, "FloorIntake")
		if err != nil {
			return err
		}
		sdkRes.add(r)
	}

	fmt.Printf("\ncold start, exec to the first answer on GET / (%d runs each, interleaved with the floor's %d)\n", n, len(floorRes.ms))
	fmt.Println("| function | first answer | start-up ms, median (min–max) | ratio | VmRSS MiB | VmHWM MiB |")
	fmt.Println("|---|---|---|---|---|---|")
	fm := floorRes.ms.Median()
	line := func(name string, r *result) {
		codes := []string{}
		for c := range r.statuses {
			codes = append(codes, strconv.Itoa(c))
		}
		slices.Sort(codes)
		fmt.Printf("| %s | %s | %s | %.2f× | %s | %s |\n", name, strings.Join(codes, ","), harness.Spread(r.ms, "ms"),
			r.ms.Median()/fm, harness.Num(r.rss.Median()), harness.Num(r.hwm.Median()))
	}
	for _, f := range fns {
		line(f, results[f])
	}
	line("floor", floorRes)
	line("floor + Firestore and Pub/Sub clients", sdkRes)

	var rows []harness.Row
	main := fns[0]
	if slices.Contains(fns, "RequestForm") {
		main = "RequestForm"
	}
	m := results[main]
	rows = append(rows,
		harness.Row{Figure: "cold start of " + main + ", exec to first answer on GET /", Product: harness.Spread(m.ms, "ms"), Floor: harness.Spread(floorRes.ms, "ms"), Ratio: m.ms.Median() / fm},
		harness.Row{Figure: "resident memory (VmRSS) then, " + main, Product: harness.Num(m.rss.Median()) + " MiB", Floor: harness.Num(floorRes.rss.Median()) + " MiB", Ratio: m.rss.Median() / floorRes.rss.Median()},
	)
	slowest, fattest := fns[0], fns[0]
	for _, f := range fns {
		if results[f].ms.Median() > results[slowest].ms.Median() {
			slowest = f
		}
		if results[f].rss.Median() > results[fattest].rss.Median() {
			fattest = f
		}
	}
	rows = append(rows,
		harness.Row{Figure: "slowest cold start of all functions: " + slowest, Product: harness.Spread(results[slowest].ms, "ms"), Floor: harness.Num(fm) + " ms", Ratio: results[slowest].ms.Median() / fm},
		harness.Row{Figure: "largest VmRSS at first answer: " + fattest, Product: harness.Num(results[fattest].rss.Median()) + " MiB", Floor: harness.Num(floorRes.rss.Median()) + " MiB", Ratio: results[fattest].rss.Median() / floorRes.rss.Median()},
	)
	rows = append(rows, harness.Row{Figure: "for scale: the floor plus a Firestore and a Pub/Sub client built at init (scripts/perf/floorintake)",
		Product: harness.Spread(sdkRes.ms, "ms") + ", " + harness.Num(sdkRes.rss.Median()) + " MiB", Floor: harness.Num(fm) + " ms, " + harness.Num(floorRes.rss.Median()) + " MiB", Ratio: sdkRes.ms.Median() / fm})
	fmt.Println()
	harness.PrintRows(os.Stdout, rows)
	if err := harness.AppendRows(rowsFile, rows); err != nil {
		return err
	}

	if top > 0 {
		return initTrace(product, main, env, top)
	}
	return nil
}

var initLine = regexp.MustCompile(`^init (\S+) @[\d.]+ ms, ([\d.]+) ms clock, (\d+) bytes, (\d+) allocs`)

type pkgInit struct {
	pkg           string
	ms            float64
	bytes, allocs int64
}

// initTrace starts target once with GODEBUG=inittrace=1 and prints its costliest package inits.
func initTrace(bin, target string, env map[string]string, top int) error {
	in, err := harness.Start(bin, target, env, "GODEBUG=inittrace=1")
	if err != nil {
		return err
	}
	_, err = in.WaitReady(30 * time.Second)
	in.Stop()
	if err != nil {
		return err
	}
	var inits []pkgInit
	var totalMs float64
	var totalBytes int64
	sc := bufio.NewScanner(strings.NewReader(in.Logs()))
	for sc.Scan() {
		m := initLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		ms, _ := strconv.ParseFloat(m[2], 64)
		b, _ := strconv.ParseInt(m[3], 10, 64)
		a, _ := strconv.ParseInt(m[4], 10, 64)
		inits = append(inits, pkgInit{m[1], ms, b, a})
		totalMs += ms
		totalBytes += b
	}
	slices.SortFunc(inits, func(a, b pkgInit) int { return cmp.Compare(b.ms, a.ms) })
	fmt.Printf("\n%s: package inits (GODEBUG=inittrace=1), %d packages, %.1f ms, %.1f MB in all; the costliest:\n", target, len(inits), totalMs, float64(totalBytes)/1e6)
	fmt.Println("| package | ms clock | bytes | allocs |")
	fmt.Println("|---|---|---|---|")
	for i, p := range inits {
		if i == top {
			break
		}
		fmt.Printf("| %s | %.1f | %d | %d |\n", p.pkg, p.ms, p.bytes, p.allocs)
	}
	return nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
