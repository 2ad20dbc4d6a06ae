// Command coldstart measures how long each Privacyloket function takes from exec to its first
// answer, and how much memory it holds then, next to two floors built the same way (the
// buildpack's generated main) and measured in the same run:
//   - the bare floor (scripts/perf/floor), the smallest Functions Framework function, which
//     the goal for time is set against (a function within 1.3× of it);
//   - the import floor (scripts/perf/floorimport), which also imports the Firestore and Pub/Sub
//     client packages that every function needs, building no client: the goal for memory is
//     set against it (within 3 MiB, 6 MiB for the functions that inspect uploads).
//
// Each function is built from its own package, as Terraform builds it. Runs are interleaved —
// function, bare floor, import floor, next function … — so all see the same machine. It also
// prints the costliest package inits of the largest function (GODEBUG=inittrace=1).
//
// It needs FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST (scripts/bench provides them); no
// function touches them before its first answer.
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/scripts/perf/internal/harness"
	"github.com/privacyloket/privacyloket/shared/fnlist"
)

// Goals of issue 20 for every function's first answer.
const (
	timeGoal      = 1.3 // × the bare floor's time
	memGoal       = 3.0 // MiB above the import floor
	memGoalUpload = 6.0 // MiB above the import floor, for a function that inspects uploads
)

func main() {
	n := flag.Int("n", 15, "runs of each function and of the floors, interleaved")
	var all []string
	for _, f := range fnlist.All {
		all = append(all, f.Name)
	}
	fnList := flag.String("functions", strings.Join(all, ","), "comma-separated function names (fnlist.All)")
	rowsFile := flag.String("rows", "", "append the summary rows (TSV) to this file for scripts/bench")
	top := flag.Int("inittrace", 5, "how many of the largest function's costliest package inits to print")
	flag.Parse()
	var fns []fnlist.Function
	for _, name := range strings.Split(*fnList, ",") {
		f, ok := fnlist.Named(strings.TrimSpace(name))
		if !ok {
			fmt.Fprintf(os.Stderr, "coldstart: no function %q in fnlist.All\n", name)
			os.Exit(2)
		}
		fns = append(fns, f)
	}
	if err := run(*n, fns, *rowsFile, *top); err != nil {
		fmt.Fprintf(os.Stderr, "coldstart: %v\n", err)
		os.Exit(1)
	}
}

type result struct {
	ms, rss, hwm harness.Sample
	statuses     map[int]int
}

func newResult() *result { return &result{statuses: map[int]int{}} }

func (r *result) add(x harness.Ready) {
	r.ms = append(r.ms, float64(x.Elapsed.Microseconds())/1000)
	r.rss = append(r.rss, float64(x.RSS)/(1<<20))
	r.hwm = append(r.hwm, float64(x.HWM)/(1<<20))
	r.statuses[x.Status]++
}

func (r *result) codes() string {
	var codes []string
	for c := range r.statuses {
		codes = append(codes, strconv.Itoa(c))
	}
	slices.Sort(codes)
	return strings.Join(codes, ",")
}

// bin is one binary to start, under the name it registers.
type bin struct{ path, target string }

func run(n int, fns []fnlist.Function, rowsFile string, top int) error {
	pkgs := []string{harness.Module + "/scripts/perf/floor", harness.Module + "/scripts/perf/floorimport"}
	for _, f := range fns {
		pkgs = append(pkgs, harness.Package(f))
	}
	paths, cleanup, err := harness.Prepare("coldstart", fmt.Sprintf("%d functions and the two floors like the buildpack", len(fns)), pkgs...)
	if err != nil {
		return err
	}
	defer cleanup()
	bare, imports := bin{paths[0], "Floor"}, bin{paths[1], "FloorImport"}
	product := map[string]bin{}
	for i, f := range fns {
		product[f.Name] = bin{paths[2+i], f.Name}
	}
	env := harness.Env(fmt.Sprintf("perf-cold-%d", time.Now().UnixNano()))

	once := func(b bin) (harness.Ready, error) {
		in, err := harness.Start(b.path, b.target, env)
		if err != nil {
			return harness.Ready{}, err
		}
		defer in.Stop()
		return in.WaitReady(30 * time.Second)
	}
	// One unmeasured start of each: page cache.
	for _, b := range append([]bin{bare, imports}, mapValues(product)...) {
		if _, err := once(b); err != nil {
			return err
		}
	}

	results := map[string]*result{}
	for _, f := range fns {
		results[f.Name] = newResult()
	}
	bareRes, importRes := newResult(), newResult()
	for i := 0; i < n; i++ {
		for _, f := range fns {
			for _, m := range []struct {
				b bin
				r *result
			}{{product[f.Name], results[f.Name]}, {bare, bareRes}, {imports, importRes}} {
				x, err := once(m.b)
				if err != nil {
					return err
				}
				m.r.add(x)
			}
		}
	}

	bt, it, im := bareRes.ms.Median(), importRes.ms.Median(), importRes.rss.Median()
	fmt.Printf("\ncold start, exec to the first answer on GET / (%d runs of each function, interleaved with %d of each floor)\n", n, len(bareRes.ms))
	fmt.Printf("goals: time ≤ %.1f× the bare floor (%.1f ms); VmRSS ≤ the import floor + %.0f MiB (%.1f MiB), + %.0f MiB for the functions that inspect uploads (%.1f MiB)\n",
		timeGoal, timeGoal*bt, memGoal, im+memGoal, memGoalUpload, im+memGoalUpload)
	fmt.Println("| function | first answer | start-up ms, median (min–max) | × bare | × import floor | VmRSS MiB | − import floor | goal met | VmHWM MiB |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	line := func(name string, r *result, goal string) {
		fmt.Printf("| %s | %s | %s | %.2f× | %.2f× | %s | %+.1f | %s | %s |\n", name, r.codes(), harness.Spread(r.ms, "ms"),
			r.ms.Median()/bt, r.ms.Median()/it, harness.Num(r.rss.Median()), r.rss.Median()-im, goal, harness.Num(r.hwm.Median()))
	}
	var rows []harness.Row
	met := 0
	for _, f := range fns {
		r := results[f.Name]
		limit := memGoal
		if f.InspectsUploads {
			limit = memGoalUpload
		}
		okTime, okMem := r.ms.Median() <= timeGoal*bt, r.rss.Median()-im <= limit
		goal := "yes"
		switch {
		case !okTime && !okMem:
			goal = "no: time, memory"
		case !okTime:
			goal = "no: time"
		case !okMem:
			goal = "no: memory"
		default:
			met++
		}
		line(f.Name, r, goal)
		rows = append(rows, harness.Row{Figure: fmt.Sprintf("%s: cold start; VmRSS at first answer (floor: bare time; import floor + %.0f MiB)", f.Name, limit),
			Product: harness.Spread(r.ms, "ms") + "; " + harness.Num(r.rss.Median()) + " MiB",
			Floor:   harness.Num(bt) + " ms; " + harness.Num(im+limit) + " MiB", Ratio: r.ms.Median() / bt})
	}
	line("bare floor (scripts/perf/floor)", bareRes, "")
	line("import floor (scripts/perf/floorimport)", importRes, "")
	fmt.Printf("\n%d of %d functions meet both goals.\n\n", met, len(fns))
	rows = append(rows, harness.Row{Figure: "for scale: the import floor, Firestore and Pub/Sub imported, no client (scripts/perf/floorimport)",
		Product: harness.Spread(importRes.ms, "ms") + ", " + harness.Num(im) + " MiB", Floor: harness.Num(bt) + " ms, " + harness.Num(bareRes.rss.Median()) + " MiB", Ratio: it / bt})
	harness.PrintRows(os.Stdout, rows)
	if err := harness.AppendRows(rowsFile, rows); err != nil {
		return err
	}

	if top > 0 {
		fattest := fns[0]
		for _, f := range fns {
			if results[f.Name].rss.Median() > results[fattest.Name].rss.Median() {
				fattest = f
			}
		}
		return initTrace(product[fattest.Name], env, top)
	}
	return nil
}

func mapValues(m map[string]bin) []bin {
	var out []bin
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

var initLine = regexp.MustCompile(`^init (\S+) @[\d.]+ ms, ([\d.]+) ms clock, (\d+) bytes, (\d+) allocs`)

type pkgInit struct {
	pkg           string
	ms            float64
	bytes, allocs int64
}

// initTrace starts b once with GODEBUG=inittrace=1 and prints its costliest package inits.
func initTrace(b bin, env map[string]string, top int) error {
	in, err := harness.Start(b.path, b.target, env, "GODEBUG=inittrace=1")
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
		by, _ := strconv.ParseInt(m[3], 10, 64)
		a, _ := strconv.ParseInt(m[4], 10, 64)
		inits = append(inits, pkgInit{m[1], ms, by, a})
		totalMs += ms
		totalBytes += by
	}
	slices.SortFunc(inits, func(a, b pkgInit) int { return cmp.Compare(b.ms, a.ms) })
	fmt.Printf("\n%s: package inits (GODEBUG=inittrace=1), %d packages, %.1f ms, %.1f MB in all; the costliest:\n", b.target, len(inits), totalMs, float64(totalBytes)/1e6)
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
