// Package harness is what the performance harnesses share: a build like Google's Go buildpack
// (scripts/buildpack), starting a built function the way the platform does, the environment every
// function needs, and the statistics and table rows they print.
package harness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/privacyloket/privacyloket/scripts/buildpack"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/testenv/freeport"
)

// Module is the product's module path.
const Module = "github.com/privacyloket/privacyloket"

// Package is the package that registers function f, which Terraform builds it from
// (GOOGLE_FUNCTION_SOURCE).
func Package(f fnlist.Function) string { return Module + "/" + f.Source() }

// DevServer is scripts/dev's server: every function in one process, at /<Name>.
const DevServer = Module + "/scripts/devserver"

// Build compiles pkg (an import path inside the module at root) like the buildpack
// (scripts/buildpack) into dir and returns the binary's path.
func Build(root, pkg, dir string) (string, error) {
	bin := filepath.Join(dir, pkg[strings.LastIndex(pkg, "/")+1:])
	if err := buildpack.Build(root, pkg, bin); err != nil {
		return "", err
	}
	return bin, nil
}

// BuildCommand compiles the main package pkg of the module at root with go build into dir and
// returns the binary's path.
func BuildCommand(root, pkg, dir string) (string, error) {
	bin := filepath.Join(dir, pkg[strings.LastIndex(pkg, "/")+1:])
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin, nil
}

// Env is the environment a function instance gets: what scripts/dev and Terraform set, with
// the emulators of this run and keys made for it. SendGrid and the metadata server point at a
// closed port, so nothing leaves the machine.
func Env(project string) map[string]string {
	closed := "127.0.0.1:" + strconv.Itoa(FreePort())
	return map[string]string{
		"GOOGLE_CLOUD_PROJECT":      project,
		"FIRESTORE_EMULATOR_HOST":   os.Getenv("FIRESTORE_EMULATOR_HOST"),
		"PUBSUB_EMULATOR_HOST":      os.Getenv("PUBSUB_EMULATOR_HOST"),
		"GCE_METADATA_HOST":         closed,
		"ORG_PROFILE":               "vallei-wonen",
		"STAFF_EMAILS":              "staff@localhost.test",
		"SENDGRID_API_KEY":          "SG.perf-dummy",
		"SENDGRID_API_HOST":         "http://" + closed,
		"LINK_SIGNING_KEY":          RandomKey(),
		"ID_ENCRYPTION_KEY":         RandomKey(),
		"PSEUDONYM_KEY":             RandomKey(),
		"ALLOW_TICK_NOW":            "true",
		"ALLOW_PLACEHOLDER_PROFILE": "true",
		// As terraform/main.tf sets it for every function (TestEnvFollowsTerraform).
		"GOGC":   "200",
		"PATH":   os.Getenv("PATH"),
		"HOME":   os.Getenv("HOME"),
		"TMPDIR": os.TempDir(),
	}
}

// RandomKey returns 32 random bytes in base64, like scripts/lib.sh.
func RandomKey() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// FreePort returns a TCP port on 127.0.0.1 below the ephemeral range that nothing listens on
// at the moment.
func FreePort() int {
	p, err := freeport.Port()
	if err != nil {
		panic(err)
	}
	return p
}

// Instance is one running function process.
type Instance struct {
	Target string
	URL    string // http://127.0.0.1:PORT
	cmd    *exec.Cmd
	exited chan error
	logs   *syncBuffer
	start  time.Time
}

// Start runs bin as the platform runs the function target: FUNCTION_TARGET and a free PORT on
// top of env. An empty target serves every function at /<Name>, as scripts/dev does. Extra
// environment entries (NAME=value) come last and win.
func Start(bin, target string, env map[string]string, extra ...string) (*Instance, error) {
	port := FreePort()
	cmd := exec.Command(bin)
	cmd.Env = []string{"PORT=" + strconv.Itoa(port)}
	if target != "" {
		cmd.Env = append(cmd.Env, "FUNCTION_TARGET="+target)
	}
	for k, v := range env {
		if k == "PUBLIC_BASE_URL" {
			continue
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PUBLIC_BASE_URL=http://127.0.0.1:"+strconv.Itoa(port))
	cmd.Env = append(cmd.Env, extra...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	in := &Instance{Target: target, URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, exited: make(chan error, 1), logs: logs}
	in.start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { in.exited <- cmd.Wait() }()
	return in, nil
}

// Ready is what an instance looked like when it first answered.
type Ready struct {
	Elapsed time.Duration // exec to the end of the first answer
	Status  int
	RSS     int64 // VmRSS, bytes
	HWM     int64 // VmHWM, bytes
}

// WaitReady polls GET / until the instance answers (any status: an event function answers a
// plain GET with 400 and does nothing), then reads its memory from /proc at once.
func (in *Instance) WaitReady(timeout time.Duration) (Ready, error) {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: timeout}
	deadline := in.start.Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-in.exited:
			in.exited <- err
			return Ready{}, fmt.Errorf("%s exited before answering (%v):\n%s", in.Target, err, in.logs.String())
		default:
		}
		res, err := client.Get(in.URL + "/")
		if err != nil {
			time.Sleep(time.Millisecond)
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		r := Ready{Elapsed: time.Since(in.start), Status: res.StatusCode}
		r.RSS, r.HWM = memory(in.cmd.Process.Pid)
		return r, nil
	}
	return Ready{}, fmt.Errorf("%s did not answer within %s:\n%s", in.Target, timeout, in.logs.String())
}

// Stop kills the instance and waits for it.
func (in *Instance) Stop() {
	_ = in.cmd.Process.Signal(syscall.SIGKILL)
	err := <-in.exited
	in.exited <- err
}

// Pid is the instance's process id.
func (in *Instance) Pid() int { return in.cmd.Process.Pid }

// Logs is what the instance printed so far.
func (in *Instance) Logs() string { return in.logs.String() }

// memory reads VmRSS and VmHWM of pid, in bytes.
func memory(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v * 1024
		case "VmHWM:":
			hwm = v * 1024
		}
	}
	return rss, hwm
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 { // keep the head only: a busy function logs every request
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Sample is a set of measurements of one figure.
type Sample []float64

// Sorted returns a sorted copy.
func (s Sample) Sorted() Sample {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// Quantile returns the q-quantile (nearest rank on the sorted values), 0 for no values.
func (s Sample) Quantile(q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	c := s.Sorted()
	if q <= 0 {
		return c[0]
	}
	if q >= 1 {
		return c[len(c)-1]
	}
	// The median of an even count is the mean of the middle two.
	pos := q * float64(len(c)-1)
	lo := int(pos)
	frac := pos - float64(lo)
	if lo+1 >= len(c) {
		return c[lo]
	}
	return c[lo] + frac*(c[lo+1]-c[lo])
}

// Median is Quantile(0.5).
func (s Sample) Median() float64 { return s.Quantile(0.5) }

// Row is one line of the side-by-side table that scripts/bench prints.
type Row struct {
	Figure, Product, Floor string
	Ratio                  float64
}

// AppendRows appends rows to path as tab-separated lines (figure, product, floor, ratio), the
// form scripts/bench reads; an empty path appends nothing.
func AppendRows(path string, rows []Row) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	for _, r := range rows {
		fmt.Fprintf(f, "%s\t%s\t%s\t%.2f×\n", r.Figure, r.Product, r.Floor, r.Ratio)
	}
	return f.Close()
}

// PrintRows prints rows as a Markdown table.
func PrintRows(w io.Writer, rows []Row) {
	fmt.Fprintln(w, "| figure | Privacyloket | floor (same run) | ratio |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %.2f× |\n", r.Figure, r.Product, r.Floor, r.Ratio)
	}
}

// Spread formats a sample of milliseconds as "median (min–max)".
func Spread(s Sample, unit string) string {
	return fmt.Sprintf("%s %s (%s–%s)", num(s.Median()), unit, num(s.Quantile(0)), num(s.Quantile(1)))
}

func num(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// Num formats a figure with one decimal below 100.
func Num(v float64) string { return num(v) }

// ResetProject deletes every document of project in the Firestore emulator.
func ResetProject(ctx context.Context, project string) error {
	host := os.Getenv("FIRESTORE_EMULATOR_HOST")
	if host == "" {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, "http://"+host+"/emulator/v1/projects/"+project+"/databases/(default)/documents", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	return nil
}

// NeedEmulators fails unless both emulator variables are set.
func NeedEmulators() error {
	if os.Getenv("FIRESTORE_EMULATOR_HOST") == "" || os.Getenv("PUBSUB_EMULATOR_HOST") == "" {
		return fmt.Errorf("FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST must name running emulators (scripts/bench starts them)")
	}
	return nil
}

// Prepare checks that the emulators run, then builds each package like the buildpack (Build)
// into a fresh temporary folder, and returns the binaries in the order of pkgs. what says what
// is built, for the progress line; cleanup removes the folder. DevServer, a command, is built
// as it is (BuildCommand).
func Prepare(name, what string, pkgs ...string) (bins []string, cleanup func(), err error) {
	if err := NeedEmulators(); err != nil {
		return nil, nil, err
	}
	root, err := Root()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "perf-"+name)
	if err != nil {
		return nil, nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	fmt.Printf("building %s ...\n", what)
	for _, pkg := range pkgs {
		build := Build
		if pkg == DevServer {
			build = BuildCommand
		}
		bin, err := build(root, pkg, dir)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		bins = append(bins, bin)
	}
	return bins, cleanup, nil
}

// Root finds the module root from the working directory.
func Root() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run inside the module")
	}
	return filepath.Dir(mod), nil
}
