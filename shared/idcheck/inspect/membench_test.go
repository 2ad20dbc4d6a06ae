package inspect

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// The memory benchmark for hostile uploads. Run it with
//
//	IDCHECK_MEMBENCH=1 go test ./shared/idcheck/inspect -run TestHostileUploadMemory -v -count=1
//
// Each class runs in a fresh child process (this test binary again), so the
// peak resident memory it reports (VmHWM, reset just before the inspection)
// belongs to that class alone. Classes and the floor, an ordinary 2 MP phone
// photo, are interleaved, and each figure is the median of the rounds. With
// IDCHECK_MEMBENCH_MODE=extract every class is inspected as an extract
// (InspectExtractContext): images are then refused unread.
func TestHostileUploadMemory(t *testing.T) {
	if os.Getenv("IDCHECK_MEMBENCH") == "" {
		t.Skip("set IDCHECK_MEMBENCH=1 to run the memory benchmark")
	}
	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("IDCHECK_MEMBENCH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	dir := t.TempDir()
	type class struct {
		name       string
		concurrent int
		data       []byte
	}
	classes := []class{
		{"floor: ordinary 2 MP JPEG photo", 1, afterSOI(encodeJPEG(t, noisy(1632, 1224)), exifAPP1(1, "x"))},
		{"progressive 4:4:4 JPEG claiming 6000x6600, EXIF 6", 1, craftJPEG(6000, 6600, 3, true, exifAPP1(6, "x"))},
		{"  the same, 3 at once", 3, craftJPEG(6000, 6600, 3, true, exifAPP1(6, "x"))},
		{"16-bit RGBA PNG 6000x6600", 1, craftPNG(t, 6000, 6600, 16, 6, 0, 0)},
		{"16-bit RGBA PNG 2800x2800 (fits)", 1, craftPNG(t, 2800, 2800, 16, 6, 0, 0)},
		{"CMYK progressive JPEG claiming 6000x6600", 1, craftJPEG(6000, 6600, 4, true)},
		{"CMYK JPEG 2400x1800 (fits)", 1, craftJPEG(2400, 1800, 4, false)},
		{"rotated 4:4:4 JPEG 4000x3000, EXIF 6 (fits)", 1, craftJPEG(4000, 3000, 3, false, exifAPP1(6, "x"))},
		{"  the same, 4 at once", 4, craftJPEG(4000, 3000, 3, false, exifAPP1(6, "x"))},
		{"grey JPEG 6000x6600 (fits)", 1, craftJPEG(6000, 6600, 1, false)},
		{"grey JPEG 6000x6600, EXIF 6 (fits, downscaled)", 1, craftJPEG(6000, 6600, 1, false, exifAPP1(6, "x"))},
		{"photo-like JPEG 7200x5500 (39.6 MP, fits)", 1, noisyJPEG(t, 7200, 5500, 70)},
		{"  the same, EXIF 6 (fits, downscaled)", 1, afterSOI(noisyJPEG(t, 7200, 5500, 70), exifAPP1(6, "x"))},
		{"progressive grey JPEG 3000x3000, 1000 empty scans", 1, manyScansJPEG(3000, 3000, 1000)},
		{"PDF, 10 pages x 80 images of 6000x6600", 1, imagesPDF(t, 10, 80)},
		{"PDF, content stream inflating to 1 GiB", 1, contentBombPDF(t, 1<<30)},
		{"PDF, 19 000 objects", 1, manyObjectsPDF(19_000)},
		{"PDF, 19 000 objects packed in an object stream", 1, packedObjectsPDF(t, 19_000)},
		{"PDF, metadata stream inflating to 500 MiB", 1, metadataBombPDF(t, 500<<20)},
		{"  the same, 2 at once", 2, metadataBombPDF(t, 500<<20)},
		{"PDF, 40 object streams of 15 MiB each", 1, objStmBombPDF(t, 40, 15<<20)},
		{"PDF, image 2000x2000 inflating to 1 GiB", 1, imageBombPDF(t, 2000, 2000, 1<<30)},
		{"PDF, JPEG image 30000x30000", 1, jpegPDF(craftJPEG(30000, 30000, 1, false), 30000, 30000)},
		{"PDF, embedded file inflating to 1 GiB", 1, embeddedFileBombPDF(t, 1<<30)},
		{"PDF, pdf.js bomb_giant.pdf (JBIG2, 3 x 10^10 px)", 1, readTestdata(t, "bomb_giant.pdf")},
		{"PDF, 18 000 dictionaries of 23 entries, 9 MiB", 1, bigDictsPDF()},
		{"PDF, 3 LZW images of 7000x5500", 1, lzwImagesPDF(t, 3, 7000, 5500)},
		{"PDF, tiny Flate streams hidden in one, 9 MiB", 1, tinyStreamsPDF(t)},
		{"PDF, 3.5 million empty arrays in an object stream", 1, objStmPDFWith(t, "/Foo 6 0 R", "", "["+strings.Repeat("[]", 3_500_000)+"]")},
		{"PDF, 500-page report, 60 lines a page", 1, reportPDF(t, idcheck.MaxExtractPages, 60)},
		{"PDF, 500-page report, 190 lines a page (8.4 MiB)", 1, reportPDF(t, idcheck.MaxExtractPages, 190)},
		{"  the same, 2 at once", 2, reportPDF(t, idcheck.MaxExtractPages, 190)},
		{"PDF, pdf.js autoprint.pdf with a file attached", 1, scriptAndAttachmentPDF(t)},
	}
	if only := os.Getenv("IDCHECK_MEMBENCH_ONLY"); only != "" {
		// Keep the floor, the classes whose names contain the value
		// and the variants ("  the same, ...") that follow them.
		kept := classes[:1]
		keep := false
		for _, c := range classes[1:] {
			if !strings.HasPrefix(c.name, "  ") {
				keep = strings.Contains(c.name, only)
			}
			if keep {
				kept = append(kept, c)
			}
		}
		classes = kept
	}
	for i := range classes {
		if len(classes[i].data) > idcheck.MaxSize {
			t.Fatalf("%s: fixture is %d bytes, over MaxSize", classes[i].name, len(classes[i].data))
		}
	}

	run := func(c class) childResult {
		path := filepath.Join(dir, "upload")
		if err := os.WriteFile(path, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestHostileUploadChild$", "-test.v")
		cmd.Env = append(os.Environ(), "IDCHECK_MEMBENCH_CHILD="+path, "IDCHECK_MEMBENCH_CONCURRENT="+strconv.Itoa(c.concurrent))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: child failed: %v\n%s", c.name, err, out)
		}
		for line := range strings.Lines(string(out)) {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "RESULT "); ok {
				var r childResult
				if err := json.Unmarshal([]byte(rest), &r); err != nil {
					t.Fatal(err)
				}
				return r
			}
		}
		t.Fatalf("%s: no result in\n%s", c.name, out)
		return childResult{}
	}

	results := make([][]childResult, len(classes))
	for range rounds {
		for i := 1; i < len(classes); i++ {
			results[0] = append(results[0], run(classes[0])) // the floor, interleaved
			results[i] = append(results[i], run(classes[i]))
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%-52s %9s %-26s %12s %14s\n", "class", "file", "verdict", "time (ms)", "peak +MiB")
	for i, c := range classes {
		rs := results[i]
		ms := median(rs, func(r childResult) float64 { return r.Millis })
		mib := median(rs, func(r childResult) float64 { return r.AddedMiB })
		fmt.Fprintf(&b, "%-52s %8dK %-26s %12.0f %14.1f\n", c.name, len(c.data)>>10, rs[0].Verdict, ms, mib)
	}
	fmt.Fprintf(&b, "(median of %d rounds; the floor ran %d times, interleaved; MemoryBudget %d MiB; mode %s)\n", rounds, len(results[0]), MemoryBudget>>20, cmp.Or(os.Getenv("IDCHECK_MEMBENCH_MODE"), "id copy"))
	t.Log(b.String())
}

type childResult struct {
	Verdict  string  `json:"verdict"`
	Millis   float64 `json:"ms"`
	AddedMiB float64 `json:"added_mib"`
}

func median(rs []childResult, f func(childResult) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// TestHostileUploadChild is the child process of TestHostileUploadMemory.
func TestHostileUploadChild(t *testing.T) {
	path := os.Getenv("IDCHECK_MEMBENCH_CHILD")
	if path == "" {
		t.Skip("run by TestHostileUploadMemory")
	}
	n, _ := strconv.Atoi(os.Getenv("IDCHECK_MEMBENCH_CONCURRENT"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inspect := InspectContext
	if os.Getenv("IDCHECK_MEMBENCH_MODE") == "extract" {
		inspect = InspectExtractContext
	}
	copies := make([][]byte, max(n, 1))
	for i := range copies {
		copies[i] = bytes.Clone(data) // each request holds its own body
	}
	runtime.GC()
	debug.FreeOSMemory()
	// Writing 5 to clear_refs resets the peak resident set to the current.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatal(err)
	}
	before := procStatusKiB(t, "VmRSS")

	verdicts := make([]string, len(copies))
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range copies {
		wg.Go(func() {
			doc, err := inspect(context.Background(), c)
			var rej *idcheck.Rejection
			switch {
			case errors.As(err, &rej):
				verdicts[i] = "refused " + rej.Code
			case errors.Is(err, idcheck.ErrBusy):
				verdicts[i] = "busy"
			case err != nil:
				verdicts[i] = "error"
			case doc.Kind == idcheck.KindPDF:
				verdicts[i] = fmt.Sprintf("accepted %d pages", doc.Pages)
			default:
				verdicts[i] = fmt.Sprintf("accepted %dx%d", doc.Width, doc.Height)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	peak := procStatusKiB(t, "VmHWM")

	verdict := verdicts[0]
	if len(verdicts) > 1 {
		counts := map[string]int{}
		for _, v := range verdicts {
			counts[strings.Fields(v)[0]]++
		}
		var parts []string
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range counts {
				if !yield(k) {
					return
				}
			}
		}) {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
		verdict = strings.Join(parts, ", ")
	}
	out, _ := json.Marshal(childResult{
		Verdict:  verdict,
		Millis:   float64(elapsed.Microseconds()) / 1000,
		AddedMiB: float64(peak-before) / 1024,
	})
	fmt.Printf("RESULT %s\n", out)
}

func procStatusKiB(t *testing.T, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kib
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// noisyJPEG is a w×h JPEG of noise over a gradient at the given quality:
// as costly to decode per pixel as a photo.
func noisyJPEG(tb testing.TB, w, h, quality int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, noisy(w, h), &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// readTestdata is a file from testdata/ (see testdata/README.md).
func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
