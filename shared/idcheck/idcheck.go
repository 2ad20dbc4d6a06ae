// Package idcheck holds what the product knows about an uploaded copy of an identity document
// without opening it: the kinds accepted (Detect names one from its first bytes), the
// sanitised Document, the stable reasons for a refusal (Rejection) and its sealing at rest with
// AES-256-GCM bound to the case reference (Sealer) (docs/rules.md §2). Opening, judging and
// sanitising a file is shared/idcheck/inspect's, which only the functions that take uploads
// link: it brings the PDF library and the image codecs.
package idcheck

import (
	"bytes"
	"errors"
)

// Limits on what an upload may be; inspect enforces them, and the refusals name them.
const (
	// MaxSize is the largest upload accepted, in bytes.
	MaxSize = 10 << 20
	// MaxPixels bounds width*height before an image is decoded, so a small
	// file that declares huge dimensions cannot exhaust memory.
	MaxPixels = 40_000_000
	// MinShortSide is the smallest short side, in pixels, of a readable copy.
	MinShortSide = 200
	// MaxPDFPages is the most pages an ID copy can reasonably need.
	MaxPDFPages = 10
	// MaxExtractPages is the most pages of a PDF extract, a system's export of what it holds
	// on one person (docs/contract.md §3 "Search tasks"): a long report, within MaxSize.
	MaxExtractPages = 500
)

// ErrBusy is returned instead of a verdict when this instance is already
// inspecting as much as its memory budget allows and no room came free in
// time. The upload was not judged: the caller answers 503 with Retry-After
// and the tenant sends it again.
var ErrBusy = errors.New("idcheck: too many uploads are being checked right now, try again shortly")

// Kind is the media type Inspect detected from the content.
type Kind string

// The accepted kinds.
const (
	KindJPEG Kind = "image/jpeg"
	KindPNG  Kind = "image/png"
	KindPDF  Kind = "application/pdf"
)

// Document is an accepted, sanitised upload. Data never aliases the input.
// Width and Height are in pixels for images (after applying the EXIF
// orientation and any scaling down) and zero for PDFs; Pages is 1 for images.
// Removed lists, sorted, the kinds of active content taken out of a PDF extract
// (RemovedScripts …); an ID copy is refused instead, so its list is empty.
type Document struct {
	Kind    Kind
	Data    []byte
	Pages   int
	Width   int
	Height  int
	Removed []string
}

// The kinds of active content removed from a PDF extract, as the package's manifest names
// them. They never change once released.
const (
	RemovedScripts     = "scripts"     // JavaScript: document scripts, script actions, form calculations
	RemovedForms       = "forms"       // XML forms (XFA), and actions that submit or import form data
	RemovedAttachments = "attachments" // embedded files and file attachment comments
	RemovedMedia       = "media"       // sound, movies, 3D and rich media
	RemovedActions     = "actions"     // starting programs, opening other files, actions run on opening or on events
	RemovedLinks       = "links"       // links to addresses other than http, https, mailto and tel
)

var (
	sigJPEG = []byte{0xFF, 0xD8, 0xFF}
	sigPNG  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
	sigPDF  = []byte("%PDF-")
)

// Detect names the kind of data from its leading magic bytes only. File names
// and declared Content-Types are never consulted: both are chosen by the
// uploader. It reports false for anything that is not JPEG, PNG or PDF.
func Detect(data []byte) (Kind, bool) {
	switch {
	case bytes.HasPrefix(data, sigJPEG):
		return KindJPEG, true
	case bytes.HasPrefix(data, sigPNG):
		return KindPNG, true
	case bytes.HasPrefix(data, sigPDF):
		return KindPDF, true
	}
	return "", false
}
