package inspect

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"image/png"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// heavy is the budget of the tests that inspect large images, apart from
// the process's own so that they neither starve the other tests nor get
// ErrBusy on a loaded machine.
var heavy = func() *budget {
	b := newBudget(MemoryBudget, 10*time.Minute)
	b.pdfTime = 10 * time.Minute // judged by content, however busy the test machine
	return b
}()

// TestInspectHostileImages: small files that claim images too costly to
// decode are refused from their header, before any pixel memory exists;
// the ones that fit are decoded, converted and scaled within the budget.
func TestInspectHostileImages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		want string // rejection code; "" means accepted
		// for accepted images: the size of the sanitised copy
		width, height int
	}{
		// The probe from the security review: 226 KiB, 39.6 MP, four
		// bytes of coefficients per sample on top of the image.
		{name: "progressive 4:4:4 jpeg claiming 6000x6600, rotated", data: craftJPEG(6000, 6600, 3, true, exifAPP1(6, "x")), want: idcheck.CodeImageTooLarge},
		{name: "progressive grey jpeg claiming 6000x6600", data: craftJPEG(6000, 6600, 1, true), want: idcheck.CodeImageTooLarge},
		{name: "cmyk jpeg claiming 6000x6600", data: craftJPEG(6000, 6600, 4, false), want: idcheck.CodeImageTooLarge},
		{name: "cmyk progressive jpeg claiming 6000x6600", data: craftJPEG(6000, 6600, 4, true), want: idcheck.CodeImageTooLarge},
		// 8 bytes per pixel: 300 MiB for 300 KiB of file. Only the header
		// and a few rows are real: refusing must not need the rest.
		{name: "16-bit png claiming 6000x6600", data: craftPNG(t, 6000, 6600, 16, 6, 0, 10), want: idcheck.CodeImageTooLarge},
		{name: "16-bit grey png, interlaced, claiming 6000x6600", data: craftPNG(t, 6000, 6600, 16, 0, 1, 0), want: idcheck.CodeImageTooLarge},

		{name: "cmyk jpeg that fits", data: craftJPEG(2400, 1800, 4, false), width: 2400, height: 1800},
		{name: "progressive jpeg that fits", data: craftJPEG(2000, 1500, 3, true), width: 2000, height: 1500},
		{name: "16-bit png that fits", data: craftPNG(t, 1200, 900, 16, 6, 0, 0), width: 1200, height: 900},
		{name: "rotated 12 MP jpeg", data: craftJPEG(4000, 3000, 3, false, exifAPP1(6, "x")), width: 3000, height: 4000},
		// Above TargetPixels a copy that is rotated anyway is scaled down.
		{name: "rotated 20 MP grey jpeg", data: craftJPEG(5000, 4000, 1, false, exifAPP1(8, "x")), width: 3577, height: 4472},
		{name: "rotated 40 MP grey jpeg", data: craftJPEG(6000, 6600, 1, false, exifAPP1(6, "x")), width: 4195, height: 3813},
		{name: "40 MP grey jpeg", data: craftJPEG(6000, 6600, 1, false), width: 6000, height: 6600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := heavy.inspect(context.Background(), tt.data)
			if got := rejectionCode(t, err); got != tt.want {
				t.Fatalf("Inspect() code = %q, want %q", got, tt.want)
			}
			if tt.want != "" {
				return
			}
			if doc.Width != tt.width || doc.Height != tt.height {
				t.Errorf("size = %dx%d, want %dx%d", doc.Width, doc.Height, tt.width, tt.height)
			}
			if doc.Kind == idcheck.KindPNG {
				// 16 bits per channel are halved: an ID copy needs 8.
				if got := doc.Data[24]; got != 8 {
					t.Errorf("sanitised PNG has bit depth %d, want 8", got)
				}
				if _, err := png.Decode(bytes.NewReader(doc.Data)); err != nil {
					t.Errorf("sanitised PNG does not decode: %v", err)
				}
			} else if _, err := jpeg.Decode(bytes.NewReader(doc.Data)); err != nil {
				t.Errorf("sanitised JPEG does not decode: %v", err)
			}
		})
	}
}

// TestPlanCoversAllocations checks the cost model against the decoders: the
// bytes an inspection allocates in total (an upper bound of what it holds
// at its peak) stay within what its plan reserved.
func TestPlanCoversAllocations(t *testing.T) {
	for name, data := range map[string][]byte{
		"progressive 4:4:4 jpeg": craftJPEG(2000, 1500, 3, true),
		"progressive cmyk jpeg":  craftJPEG(1500, 1200, 4, true),
		"rotated 4:4:4 jpeg":     craftJPEG(4000, 3000, 3, false, exifAPP1(6, "x")),
		"40 MP grey jpeg":        craftJPEG(6000, 6600, 1, false),
		"16-bit rgba png":        craftPNG(t, 2000, 2000, 16, 6, 0, 0),
		"interlaced rgb png":     craftPNG(t, 2000, 1500, 8, 2, 1, 0),
		// A transparent grey turns a 1-byte grey image into 4-byte NRGBA.
		"grey png with tRNS":   afterIHDR(craftPNG(t, 3000, 3000, 8, 0, 0, 0), pngChunk("tRNS", []byte{0, 0})),
		"grey16 png with tRNS": afterIHDR(craftPNG(t, 2000, 2000, 16, 0, 0, 0), pngChunk("tRNS", []byte{0, 0})),
		"noisy photo":          encodeJPEG(t, noisy(1632, 1224)),
		// Adobe transform 0: three components decoded as RGB, then
		// converted to an RGBA image.
		"adobe rgb jpeg": afterSOI(craftJPEG(2000, 1500, 3, false), jpegSegment(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x00"))),
	} {
		kind, _ := idcheck.Detect(data)
		plan, rej := planImage(kind, data, MemoryBudget)
		if rej != nil {
			t.Fatalf("%s: refused: %v", name, rej)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := inspectImage(plan, data); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		runtime.ReadMemStats(&after)
		if got := int64(after.TotalAlloc - before.TotalAlloc); got > plan.cost {
			t.Errorf("%s: allocated %d MiB, plan reserved %d MiB", name, got>>20, plan.cost>>20)
		}
	}
}

// TestBombsRefusedBeforeDecoding: a refusal from the header allocates
// next to nothing, however large the image claims to be.
func TestBombsRefusedBeforeDecoding(t *testing.T) {
	for name, data := range map[string][]byte{
		"progressive 4:4:4 jpeg": craftJPEG(6000, 6600, 3, true, exifAPP1(6, "x")),
		"cmyk jpeg":              craftJPEG(6000, 6600, 4, true),
		"16-bit png":             craftPNG(t, 6000, 6600, 16, 6, 0, 10),
		"1000 scans":             manyScansJPEG(3000, 3000, 1000),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Inspect(data)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%s: refusing it allocated %d KiB", name, got>>10)
		}
	}
}

// TestBudgetBusy: when the instance's budget is taken, an inspection waits
// at most its wait (or its context) and then says busy, without judging.
func TestBudgetBusy(t *testing.T) {
	t.Parallel()
	b := newBudget(64<<20, 50*time.Millisecond)
	photo := encodeJPEG(t, quadrants(400, 300))
	release, err := b.acquire(context.Background(), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.inspect(context.Background(), photo); !errors.Is(err, idcheck.ErrBusy) {
		t.Errorf("inspect() while the budget is taken = %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&budget{sem: b.sem, size: b.size, wait: time.Hour}).inspect(ctx, photo); !errors.Is(err, idcheck.ErrBusy) {
		t.Errorf("inspect() with a cancelled context = %v, want ErrBusy", err)
	}
	// Refusals from the header need no room at all.
	if _, err := b.inspect(context.Background(), craftJPEG(6000, 6600, 3, true)); rejectionCode(t, err) != idcheck.CodeImageTooLarge {
		t.Errorf("inspect() of a bomb while busy = %v, want %s", err, idcheck.CodeImageTooLarge)
	}
	release()
	if _, err := b.inspect(context.Background(), photo); err != nil {
		t.Errorf("inspect() after release = %v", err)
	}

	// A waiter gets in as soon as room comes free.
	release, _ = b.acquire(context.Background(), 64<<20)
	slow := newBudget(64<<20, time.Minute)
	slow.sem = b.sem
	waiting := make(chan struct{})
	slow.waiting = func() { close(waiting) }
	done := make(chan error)
	go func() {
		_, err := slow.inspect(context.Background(), photo)
		done <- err
	}()
	<-waiting // the inspection waits for room: free it
	release()
	if err := <-done; err != nil {
		t.Errorf("waiting inspect() = %v, want success", err)
	}
}

// TestInspectConcurrentBombs is the review's probe: three bombs at once
// are all refused.
func TestInspectConcurrentBombs(t *testing.T) {
	t.Parallel()
	bomb := craftJPEG(6000, 6600, 3, true, exifAPP1(6, "x"))
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() { _, errs[i] = Inspect(bytes.Clone(bomb)) })
	}
	wg.Wait()
	for _, err := range errs {
		if got := rejectionCode(t, err); got != idcheck.CodeImageTooLarge {
			t.Errorf("Inspect() code = %q, want %q", got, idcheck.CodeImageTooLarge)
		}
	}
}

// TestInspectHostilePDFs: a file padded with objects is refused before
// pdfcpu parses it. (Streams that decode to too much: TestInspectPDFStreamBombs.)
func TestInspectHostilePDFs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"25 000 objects", manyObjectsPDF(25_000), idcheck.CodePDFCorrupt},
		{"15 000 objects", manyObjectsPDF(15_000), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := heavy.inspect(context.Background(), tt.data)
			if got := rejectionCode(t, err); got != tt.want {
				t.Fatalf("Inspect() code = %q, want %q", got, tt.want)
			}
			if doc != nil && len(doc.Data) > 2*len(tt.data)+64<<10 {
				t.Errorf("sanitised copy is %d bytes for %d in", len(doc.Data), len(tt.data))
			}
		})
	}
}

// TestInspectRefusesManyScans: each progressive scan makes the decoder walk
// every block again, so a 40 KiB file of a thousand empty scans would keep
// a core busy for seconds. It is refused from its markers.
func TestInspectRefusesManyScans(t *testing.T) {
	t.Parallel()
	few := manyScansJPEG(1000, 800, 20)
	if _, err := Inspect(few); err != nil {
		t.Errorf("Inspect(20 scans) = %v, want accepted", err)
	}
	many := manyScansJPEG(3000, 3000, 1000)
	if got := rejectionCode(t, second(Inspect(many))); got != idcheck.CodeImageCorrupt {
		t.Errorf("Inspect(1000 scans) code = %q, want %q", got, idcheck.CodeImageCorrupt)
	}
	// Stray bytes between segments, which the decoder skips, do not
	// hide scans from the count.
	hidden := bytes.ReplaceAll(many, []byte{0xFF, 0xDA}, []byte{0x42, 0xFF, 0xDA})
	if got := rejectionCode(t, second(Inspect(hidden))); got != idcheck.CodeImageCorrupt {
		t.Errorf("Inspect(1000 scans behind stray bytes) code = %q, want %q", got, idcheck.CodeImageCorrupt)
	}
}

// TestInspectPDFTakesTooLong: pdfcpu stops when a PDF's time is up, and
// the file is refused. 18 000 dictionaries of 23 entries each (9 MiB) took
// pdfcpu 0.16 3.6 s; the memory budget refuses them first, so this budget
// has room for them.
func TestInspectPDFTakesTooLong(t *testing.T) {
	t.Parallel()
	pdf := bigDictsPDF()
	if len(pdf) > idcheck.MaxSize {
		t.Fatalf("fixture is %d bytes", len(pdf))
	}
	if _, err := newBudget(MemoryBudget, time.Minute).inspect(context.Background(), pdf); rejectionCode(t, err) != idcheck.CodePDFCorrupt {
		t.Errorf("Inspect() = %v, want %s from its cost", err, idcheck.CodePDFCorrupt)
	}
	b := newBudget(1<<40, time.Minute)
	b.pdfTime = 300 * time.Millisecond
	start := time.Now()
	_, err := b.inspect(context.Background(), pdf)
	if got := rejectionCode(t, err); got != idcheck.CodePDFCorrupt {
		t.Errorf("Inspect() code = %q, want %q", got, idcheck.CodePDFCorrupt)
	}
	// Without the limit: 3.6 s, and 10 times that with -race.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing took %v", d)
	}

	// A caller that gives up gets ErrBusy: the file was not judged.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	b.pdfTime = time.Minute
	if _, err := b.inspect(ctx, pdf); !errors.Is(err, idcheck.ErrBusy) {
		t.Errorf("Inspect() with a context that ends = %v, want ErrBusy", err)
	}
}

func second[T any](_ T, err error) error { return err }
