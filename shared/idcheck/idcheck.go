// Package idcheck decides by content whether an uploaded copy of an identity
// document is acceptable, sanitises it (images re-encoded without metadata,
// PDFs rewritten without metadata and refused when they carry active content)
// and seals it with AES-256-GCM bound to the case reference (RULES.md §2).
package idcheck

import (
	"bytes"
)

// Limits on what Inspect accepts.
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
)

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
// orientation) and zero for PDFs; Pages is 1 for images.
type Document struct {
	Kind   Kind
	Data   []byte
	Pages  int
	Width  int
	Height int
}

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

// Inspect checks an upload and returns its sanitised form, or a *Rejection
// (use errors.As) saying why it is refused. Images are decoded and re-encoded,
// which drops metadata and anything appended to them; PDFs are parsed,
// refused when encrypted, active or too long, and rewritten without metadata.
// Inspect never returns any other error type.
func Inspect(data []byte) (*Document, error) {
	if len(data) == 0 {
		return nil, reject(CodeEmpty)
	}
	if len(data) > MaxSize {
		return nil, reject(CodeTooLarge)
	}
	kind, ok := Detect(data)
	if !ok {
		return nil, reject(CodeUnsupportedType)
	}
	switch kind {
	case KindJPEG, KindPNG:
		return inspectImage(kind, data)
	default:
		return inspectPDF(data)
	}
}
