package main

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// repoRoot is the checkout this test runs in (the test's directory is scripts/devserver).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// answers reports whether http://hostPort/path answers at all.
func answers(hostPort, path string) bool {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + hostPort + path)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

// eventually polls cond until it holds or the deadline passes.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// devEnv is the process environment without the variables scripts/dev defaults itself.
func devEnv(extra ...string) []string {
	drop := map[string]bool{"PUBLIC_BASE_URL": true, "SENDGRID_API_HOST": true, "FUNCTION_TARGET": true,
		"PORT": true, "MAILBOX_PORT": true, "GOOGLE_CLOUD_PROJECT": true, "STAFF_EMAILS": true}
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

func readState(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
			m[k] = v
		}
	}
	return m
}

// TestDevScript runs scripts/dev as a person does, sees it get ready with the mailbox, ticks
// it with scripts/tick, stops it with SIGINT or SIGTERM and checks that it left nothing
// running: once reusing the emulators from the environment, once starting its own.
func TestDevScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the whole dev stack")
	}
	fsHost, psHost := requireEmulators(t)
	root := repoRoot(t)
	cases := []struct {
		name   string
		reuse  bool
		signal syscall.Signal
	}{
		{name: "reuses answering emulators, stops on SIGINT", reuse: true, signal: syscall.SIGINT},
		{name: "starts and stops its own emulators, stops on SIGTERM", reuse: false, signal: syscall.SIGTERM},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			port, mailPort := freePort(t), freePort(t)
			state := filepath.Join(t.TempDir(), "env")
			env := devEnv("PORT="+port, "MAILBOX_PORT="+mailPort, "DEV_TICK_SECONDS=0",
				"GOOGLE_CLOUD_PROJECT="+testProject(t, "demo-devscript-"), "PRIVACYLOKET_DEV_STATE="+state)
			if !tc.reuse {
				env = append(env, "FIRESTORE_EMULATOR_HOST=", "PUBSUB_EMULATOR_HOST=")
			}
			cmd := exec.Command(filepath.Join(root, "scripts", "dev"))
			cmd.Dir = root
			cmd.Env = env
			// Its own group, so the test can clean up after a failure; the test itself only
			// ever signals the script, as a person's Ctrl-C or a supervisor would.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			pr, pw := io.Pipe()
			cmd.Stdout, cmd.Stderr = pw, pw
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait(); pw.Close() }()

			var mu sync.Mutex
			var lines []string
			ready := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(pr)
				sc.Buffer(make([]byte, 1<<20), 1<<20)
				for sc.Scan() {
					mu.Lock()
					lines = append(lines, sc.Text())
					mu.Unlock()
					if rest, ok := strings.CutPrefix(sc.Text(), "ready: "); ok {
						ready <- rest
					}
				}
			}()
			output := func() string {
				mu.Lock()
				defer mu.Unlock()
				return strings.Join(lines, "\n")
			}

			select {
			case base := <-ready:
				if got, want := base, "http://127.0.0.1:"+port; got != want {
					t.Errorf("ready: %s, want %s", got, want)
				}
			case err := <-exited:
				t.Fatalf("scripts/dev exited before ready (%v):\n%s", err, output())
			case <-time.After(4 * time.Minute):
				t.Fatalf("scripts/dev printed no ready line:\n%s", output())
			}
			if out := output(); !strings.Contains(out, "mailbox: http://127.0.0.1:"+mailPort+"/") ||
				!strings.Contains(out, "form: http://127.0.0.1:"+port+"/RequestForm") {
				t.Errorf("scripts/dev did not print the mailbox and form URLs:\n%s", out)
			}
			if !answers("127.0.0.1:"+mailPort, "/") {
				t.Error("the mailbox does not answer")
			}

			st := readState(t, state)
			var emulatorGroups []int
			for _, f := range strings.Fields(st["EMULATOR_PGIDS"]) {
				pgid, err := strconv.Atoi(f)
				if err != nil || pgid <= 1 {
					t.Fatalf("state EMULATOR_PGIDS = %q", st["EMULATOR_PGIDS"])
				}
				emulatorGroups = append(emulatorGroups, pgid)
				t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
			}
			if got, want := len(emulatorGroups), map[bool]int{true: 0, false: 2}[tc.reuse]; got != want {
				t.Errorf("scripts/dev started %d emulators, want %d", got, want)
			}
			if tc.reuse && (st["FIRESTORE_EMULATOR_HOST"] != fsHost || st["PUBSUB_EMULATOR_HOST"] != psHost) {
				t.Errorf("state %v does not name the reused emulators %s, %s", st, fsHost, psHost)
			}
			if !tc.reuse && (st["FIRESTORE_EMULATOR_HOST"] == fsHost || st["PUBSUB_EMULATOR_HOST"] == psHost) {
				t.Errorf("state %v names the environment's emulators, want its own", st)
			}

			tick := exec.Command(filepath.Join(root, "scripts", "tick"), "2030-01-02T03:04:05Z")
			tick.Env = append(devEnv("PRIVACYLOKET_DEV_STATE="+state), "PUBSUB_EMULATOR_HOST=")
			if out, err := tick.CombinedOutput(); err != nil || !strings.Contains(string(out), "published") {
				t.Errorf("scripts/tick: %v\n%s", err, out)
			}

			if err := cmd.Process.Signal(tc.signal); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("scripts/dev after %v: %v, want exit 0\n%s", tc.signal, err, output())
				}
			case <-time.After(time.Minute):
				t.Fatalf("scripts/dev did not stop after %v:\n%s", tc.signal, output())
			}

			stopped := map[string]string{"functions": "127.0.0.1:" + port, "mailbox": "127.0.0.1:" + mailPort}
			if !tc.reuse {
				stopped["Firestore emulator"] = st["FIRESTORE_EMULATOR_HOST"]
				stopped["Pub/Sub emulator"] = st["PUBSUB_EMULATOR_HOST"]
			}
			for what, host := range stopped {
				if !eventually(15*time.Second, func() bool { return !answers(host, "/") }) {
					t.Errorf("the %s at %s still answers after scripts/dev stopped", what, host)
				}
			}
			if tc.reuse && !answers(fsHost, "/") {
				t.Error("scripts/dev stopped a Firestore emulator it did not start")
			}
			if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("state file %s left behind (%v)", state, err)
			}
			// scripts/dev's own group (it and its server) and each emulator's group (launcher and
			// Java) must be empty: Kill with signal 0 fails once no process is left in a group.
			for _, pgid := range append([]int{cmd.Process.Pid}, emulatorGroups...) {
				if !eventually(15*time.Second, func() bool { return syscall.Kill(-pgid, 0) != nil }) {
					t.Errorf("processes of group %d remain after scripts/dev stopped", pgid)
				}
			}
		})
	}
}
