package app_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

// TestPackageMemory measures the peak resident memory (VmHWM) of making and downloading the
// access package of 8 systems that each sent a 10 MiB CSV extract, on the emulators (the
// extracts live in Firestore, as in production), beside a floor and the previous design
// (everything opened and the ZIP built whole in memory, as staff's decision did before),
// measured in the same run and the same process, each after the heap is returned to the system
// and the peak is reset (/proc/self/clear_refs). It asserts memory, never time: the streamed
// steps stay within a bound above the floor. It is heavy (80 MiB through the emulator), so it
// runs only when PRIVACYLOKET_PACKAGE_MEMORY is set (docs/casework.md "Figures"):
//
//	PRIVACYLOKET_PACKAGE_MEMORY=1 scripts/test ./shared/app/ -run TestPackageMemory -v
func TestPackageMemory(t *testing.T) {
	if os.Getenv("PRIVACYLOKET_PACKAGE_MEMORY") == "" {
		t.Skip("set PRIVACYLOKET_PACKAGE_MEMORY=1 to measure (80 MiB through the emulator)")
	}
	if _, err := os.Stat("/proc/self/clear_refs"); err != nil {
		t.Skip("needs Linux's /proc/self/clear_refs to reset the peak")
	}
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Emulators, Casework: true, Profile: "de-alliantie", Now: amsterdam("2026-03-27 10:00")})
	c := submitConfirm(t, s, access("memory@tenant.test"))
	c = verify(t, s, c.Reference)
	if len(c.Searches) != 8 {
		t.Fatalf("%d systems searched, want 8", len(c.Searches))
	}
	extract := tenMiBCSV()
	for _, task := range c.Searches {
		l := app.TaskLink{Reference: c.Reference, Task: task.ID, Holder: task.Owners[0], Generation: c.LinkGeneration}
		if _, err := s.App.Casework.AnswerSearch(ctx, l, app.SearchAnswer{Result: "found", Extract: extract, ExtractAs: "export.csv"}); err != nil {
			t.Fatalf("%s: %v", task.ID, err)
		}
	}
	extract = nil

	floor := peak(t, func() {
		if _, err := s.App.Casework.StaffCase(ctx, c.Reference); err != nil {
			t.Fatal(err)
		}
	})
	before := peak(t, func() { wholeInMemory(t, s, c.Reference) })
	decide := peak(t, func() {
		staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted"})
	})
	var size int64
	download := peak(t, func() {
		d, err := s.App.Intake.OpenDownload(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		w := &countingWriter{}
		if err := d.Write(w); err != nil {
			t.Fatal(err)
		}
		size = w.n
	})
	mib := func(kb int64) string { return fmt.Sprintf("%.0f MiB", float64(kb)/1024) }
	t.Logf("peak resident memory, 8 systems × 10 MiB CSV extracts (ZIP of %.1f MiB):", float64(size)/(1<<20))
	t.Logf("  floor (the case read, the stack idle)   %s", mib(floor))
	t.Logf("  previous design: built whole at decide  %s", mib(before))
	t.Logf("  decide, the package planned and stored  %s", mib(decide))
	t.Logf("  download, streamed to the client        %s", mib(download))
	// Generous: the streamed steps hold a few buffers per extract and the overview's previews.
	const bound = 64 << 10 // KiB
	if decide > floor+bound || download > floor+bound {
		t.Errorf("the streamed steps peak at %s and %s, more than 64 MiB above the floor %s", mib(decide), mib(download), mib(floor))
	}
}

// peak runs f and returns the process's peak resident memory during it, in KiB, counted from a
// heap returned to the system.
func peak(t *testing.T, f func()) int64 {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak: %v", err)
	}
	f()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// wholeInMemory is what staff's decision did before the package was streamed: every extract
// read and opened whole, parsed, the ZIP built in memory and sealed whole.
func wholeInMemory(t *testing.T, s *testenv.Stack, ref string) {
	c, err := s.Store.Case(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	sealer := s.Deps.Sealer
	searches := &accessresult.Searches{Lang: "nl"}
	for _, task := range c.Searches {
		part := accessresult.SystemPart{Folder: task.System, Name: accessresult.Text{NL: task.System}, Result: "found"}
		for _, e := range task.Extracts {
			sealed, err := storetest.ReadChunks(s.Store.Extract(ctx, ref, e.Key))
			if err != nil {
				t.Fatal(err)
			}
			r, err := sealer.OpenReader(bytes.NewReader(sealed), ref+"#extract/"+e.Key)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(r); err != nil {
				t.Fatal(err)
			}
			// What was stored then: the owner's file as uploaded.
			part.Files = append(part.Files, accessresult.PartFile{Name: e.Name, Kind: e.Kind, Data: tenMiBCSV()})
		}
		searches.Systems = append(searches.Systems, part)
	}
	pkg, err := accessresult.BuildSearched("De Alliantie", nil, accessresult.Own{Reference: ref}, accessresult.Info{}, searches, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sealer.Seal(ref+"#access-result", pkg); err != nil {
		t.Fatal(err)
	}
	if _, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg))); err != nil {
		t.Fatal(err)
	}
}

// tenMiBCSV is an owner's export of payments: 10 MiB less a little, the most an extract holds.
func tenMiBCSV() []byte {
	var b bytes.Buffer
	b.WriteString("datum;bedrag;omschrijving;kenmerk\n")
	for i := 0; ; i++ {
		line := fmt.Sprintf("2026-%02d-%02d;%d,%02d;huur en servicekosten;KM-%08d\n", i%12+1, i%28+1, 600+i%300, i%100, i)
		if b.Len()+len(line) > accessresult.MaxExtractSize-1024 {
			return b.Bytes()
		}
		b.WriteString(line)
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
