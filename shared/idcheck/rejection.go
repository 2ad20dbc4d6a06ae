package idcheck

import (
	"net/http"

	"github.com/privacyloket/privacyloket/shared/i18n"
)

// Stable rejection codes. Callers and the staff screen key on these, so they
// never change once released; the wording in Message may.
const (
	CodeEmpty            = "empty"
	CodeTooLarge         = "too_large"
	CodeUnsupportedType  = "unsupported_type"
	CodeImageTooLarge    = "image_too_large"
	CodeImageTooSmall    = "image_too_small"
	CodeImageCorrupt     = "image_corrupt"
	CodePDFEncrypted     = "pdf_encrypted"
	CodePDFActiveContent = "pdf_active_content"
	CodePDFTooManyPages  = "pdf_too_many_pages"
	CodePDFCorrupt       = "pdf_corrupt"
)

// Codes lists every rejection code, so callers and tests can check that each
// one has a message and an HTTP status.
var Codes = []string{
	CodeEmpty, CodeTooLarge, CodeUnsupportedType,
	CodeImageTooLarge, CodeImageTooSmall, CodeImageCorrupt,
	CodePDFEncrypted, CodePDFActiveContent, CodePDFTooManyPages, CodePDFCorrupt,
}

// Rejection is the error for a refused upload. It carries only a code, never
// the file's contents or the internal cause, so it is safe to log and to show.
type Rejection struct{ Code string }

// Error implements error.
func (r *Rejection) Error() string { return "idcheck: upload refused: " + r.Code }

// HTTPStatus is the status a handler answers with: 413 for a file that is too
// big, 415 for every other refusal.
func (r *Rejection) HTTPStatus() int {
	if r.Code == CodeTooLarge {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusUnsupportedMediaType
}

// Message explains the refusal in plain language (B1) with what the tenant can
// do about it, from the catalogue (key "upload.reject." + Code). lang "en" (or
// "en-GB" etc.) gives English; anything else Dutch, because Dutch is the default
// language of the service.
func (r *Rejection) Message(lang string) string {
	lang = i18n.Match(lang)
	key := "upload.reject." + r.Code
	if r.Code == "" || !i18n.Has(key) {
		key = "upload.reject.unknown"
	}
	return i18n.Tf(lang, key, messageArgs[r.Code]...)
}

// messageArgs fill the numbers in the texts from the limits the checks use, so the two
// cannot disagree.
var messageArgs = map[string][]any{
	CodeTooLarge:        {MaxSize >> 20},
	CodeImageTooLarge:   {MaxPixels / 1_000_000},
	CodeImageTooSmall:   {MinShortSide, MinShortSide},
	CodePDFTooManyPages: {MaxPDFPages},
}
