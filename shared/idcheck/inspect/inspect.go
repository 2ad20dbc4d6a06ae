// Package inspect decides by content whether an uploaded copy of an identity document is
// acceptable and sanitises it: images re-encoded without metadata, PDFs rewritten without
// metadata and refused when they carry active content (docs/rules.md §2). A system owner's PDF
// extract (docs/contract.md §3 "Search tasks") goes through the same checks and bounds, but may
// be longer and has its active content removed rather than refused. It holds the PDF library
// and the image codecs, so only the functions that take uploads import it; the rest of the
// product knows uploads through shared/idcheck.
package inspect

import (
	"context"
	"time"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// Limits of the inspection itself, beside idcheck's limits on what an upload may be.
const (
	// TargetPixels is the size a larger image is scaled down to when it
	// must be copied anyway (rotated, or converted from CMYK or 16 bits):
	// plenty to read an ID document, and the copy stays within budget.
	TargetPixels = 16_000_000

	// MemoryBudget bounds the memory that all inspections running at once
	// in one process may hold, as worked out from each file's header
	// before decoding. Go's collector may let the heap reach about twice
	// what is live, so the process grows by at most about 2×MemoryBudget
	// for inspections, whatever the uploads claim to be.
	MemoryBudget = 128 << 20
	// MaxWait is how long an inspection waits for room in the budget
	// before giving up with idcheck.ErrBusy.
	MaxWait = time.Second
)

// maxPDFTime bounds the time a PDF's inspection takes, waiting for room in
// the budget not counted: the stream pre-scan, then pdfcpu reading,
// validating, writing and reading again. Ordinary ID copies take tens of
// milliseconds; a file made of tens of thousands of large dictionaries
// took pdfcpu 0.16 3.6 s. Beyond it the file is refused as unreadable.
const maxPDFTime = 1800 * time.Millisecond

// instance is this process's budget: a function instance serves many
// requests at once, and they share its memory.
var instance = newBudget(MemoryBudget, MaxWait)

// Inspect is InspectContext without a deadline of its own.
func Inspect(data []byte) (*idcheck.Document, error) {
	return InspectContext(context.Background(), data)
}

// InspectContext checks an upload and returns its sanitised form, or a
// *Rejection (use errors.As) saying why it is refused, or ErrBusy (use
// errors.Is) when this instance is inspecting as much as its memory budget
// allows and no room came free within MaxWait or before ctx ended (or ctx
// ended while a PDF was being read: it was not judged). Images
// are decoded and re-encoded, which drops metadata and anything appended
// to them (and scaled down to TargetPixels when they must be rotated or
// converted); PDFs are parsed, refused when encrypted, active or too long,
// rewritten without metadata, and the rewritten file is checked again.
//
// The cost of an upload is worked out from its header before anything is
// decoded: what cannot fit MemoryBudget is refused at once, whatever size
// it claims. For a PDF that means decoding every stream into nothing first,
// within limits per stream and in total, and weighing its object syntax; a
// PDF that pdfcpu cannot read within 1.8 s is refused as unreadable. Call
// it only after the cheap checks (origin, rate limit, body size), since
// decoding is the expensive part of a request.
func InspectContext(ctx context.Context, data []byte) (*idcheck.Document, error) {
	return instance.inspect(ctx, data)
}

// InspectExtractContext checks a system owner's PDF extract as InspectContext checks an ID
// copy, within the same budget, stream bounds, object limits and time, with two differences:
// up to idcheck.MaxExtractPages pages, and active content (scripts, attachments, XML forms,
// media, launch and remote actions, unsafe links, actions run on opening or on events) is
// removed from the parsed document instead of refused. Document.Removed names what was
// removed. The rewritten file must then pass the ID copy's final check unchanged, so what
// survives is what an ID copy may hold. What removal cannot make safe is still refused: an
// encrypted, damaged, oversized or bombed file, another format hidden in the object syntax or
// appended, and an XML form whose pages are only a placeholder for it. An image is not an
// extract: refused as idcheck.CodeUnsupportedType before it is decoded.
func InspectExtractContext(ctx context.Context, data []byte) (*idcheck.Document, error) {
	return instance.inspectAs(ctx, data, modeExtract)
}

// mode is what an inspection accepts: an ID copy, or an extract.
type mode struct {
	maxPages int
	// removeActive takes active content out of the parsed document rather than refusing it.
	// The rewritten file is judged as strictly in either mode.
	removeActive bool
	pdfOnly      bool
}

var (
	modeIDCopy  = mode{maxPages: idcheck.MaxPDFPages}
	modeExtract = mode{maxPages: idcheck.MaxExtractPages, removeActive: true, pdfOnly: true}
)

func (b *budget) inspect(ctx context.Context, data []byte) (*idcheck.Document, error) {
	return b.inspectAs(ctx, data, modeIDCopy)
}

func (b *budget) inspectAs(ctx context.Context, data []byte, m mode) (*idcheck.Document, error) {
	if len(data) == 0 {
		return nil, reject(idcheck.CodeEmpty)
	}
	if len(data) > idcheck.MaxSize {
		return nil, reject(idcheck.CodeTooLarge)
	}
	kind, ok := idcheck.Detect(data)
	if !ok || m.pdfOnly && kind != idcheck.KindPDF {
		return nil, reject(idcheck.CodeUnsupportedType)
	}
	if kind == idcheck.KindPDF {
		start := time.Now()
		// The raw bytes first: what they show needs no parsing.
		if code := scanPDFSyntax(data, m.removeActive); code != "" {
			return nil, reject(code)
		}
		objs, packed := pdfObjectCount(data)
		if objs > maxPDFObjects {
			// Parsing costs about a KiB per object: refused unparsed.
			return nil, reject(idcheck.CodePDFCorrupt)
		}
		if packed {
			objs += maxPDFObjects // as many as pdfcpu's limits let it unpack
		}
		// Every stream is decoded, into nothing, before any PDF library
		// sees the file: what they may inflate is bounded and charged.
		streams, code := scanPDFStreams(data)
		if code != "" {
			return nil, reject(code)
		}
		cost := pdfCost(len(data), objs) + streams.charge()
		if cost > b.size {
			// More than the whole budget: it could never be
			// inspected, however long it waited.
			return nil, reject(idcheck.CodePDFCorrupt)
		}
		checked := time.Since(start)
		release, err := b.acquire(ctx, cost)
		if err != nil {
			return nil, err
		}
		defer release()
		// The rewritten copy holds what object streams held, unpacked.
		maxOut := 2*len(data) + 64<<10 + int(streams.held) + 64*objs
		// pdfcpu gets what is left of maxPDFTime after the checks
		// above (time spent waiting for the budget not counted).
		c, cancel := context.WithTimeout(ctx, b.pdfTime-checked)
		defer cancel()
		doc, err := inspectPDF(c, data, maxOut, m)
		if err != nil && c.Err() != nil {
			if ctx.Err() != nil {
				return nil, idcheck.ErrBusy // the caller gave up: not judged
			}
			// Longer than any ID copy takes: a file made to keep
			// the instance busy, or one it cannot read in time.
			return nil, reject(idcheck.CodePDFCorrupt)
		}
		return doc, err
	}
	plan, rej := planImage(kind, data, b.size)
	if rej != nil {
		return nil, rej
	}
	if plan.cost > b.size {
		return nil, reject(idcheck.CodeImageTooLarge)
	}
	release, err := b.acquire(ctx, plan.cost)
	if err != nil {
		return nil, err
	}
	defer release()
	return inspectImage(plan, data)
}

// reject is the refusal with code.
func reject(code string) *idcheck.Rejection { return &idcheck.Rejection{Code: code} }

// The signatures of the kinds that idcheck.Detect knows, for the checks that look for an
// image where none belongs.
var (
	sigJPEG = []byte{0xFF, 0xD8, 0xFF}
	sigPNG  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
)
