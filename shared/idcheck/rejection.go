package idcheck

import (
	"fmt"
	"net/http"
	"strings"
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

func reject(code string) *Rejection { return &Rejection{Code: code} }

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
// do about it. lang "en" (or "en-GB" etc.) gives English; anything else Dutch,
// because Dutch is the default language of the service.
func (r *Rejection) Message(lang string) string {
	m, ok := messages[r.Code]
	if !ok {
		m = messages[""]
	}
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return m.en
	}
	return m.nl
}

type message struct{ nl, en string }

var messages = map[string]message{
	CodeEmpty: {
		nl: "Het bestand is leeg. Kies het bestand opnieuw en stuur het nog een keer.",
		en: "The file is empty. Please choose the file again and send it once more.",
	},
	CodeTooLarge: {
		nl: fmt.Sprintf("Het bestand is groter dan %d MB. Maak de foto of scan kleiner, bijvoorbeeld met een lagere kwaliteit, en stuur het opnieuw.", MaxSize>>20),
		en: fmt.Sprintf("The file is larger than %d MB. Please make the photo or scan smaller, for example with a lower quality setting, and send it again.", MaxSize>>20),
	},
	CodeUnsupportedType: {
		nl: "Dit bestand is geen JPEG, PNG of PDF. Stuur uw afgeschermde kopie als foto (JPEG of PNG) of als PDF. Maakt uw telefoon HEIC-foto's? Maak dan een schermafbeelding van de foto en stuur die.",
		en: "This file is not a JPEG, PNG or PDF. Please send your masked copy as a photo (JPEG or PNG) or as a PDF. Does your phone save HEIC photos? Then take a screenshot of the photo and send that.",
	},
	CodeImageTooLarge: {
		nl: fmt.Sprintf("De afbeelding is te groot (meer dan %d megapixel). Verklein de foto of maak hem met een lagere resolutie, en stuur hem opnieuw.", MaxPixels/1_000_000),
		en: fmt.Sprintf("The image is too large (more than %d megapixels). Please make the photo smaller or take it at a lower resolution, and send it again.", MaxPixels/1_000_000),
	},
	CodeImageTooSmall: {
		nl: fmt.Sprintf("De afbeelding is te klein om te lezen. Maak een scherpe foto of scan van minimaal %d bij %d pixels en stuur die opnieuw.", MinShortSide, MinShortSide),
		en: fmt.Sprintf("The image is too small to read. Please take a sharp photo or scan of at least %d by %d pixels and send it again.", MinShortSide, MinShortSide),
	},
	CodeImageCorrupt: {
		nl: "De afbeelding is beschadigd of niet helemaal verstuurd. Controleer of u de foto op uw eigen apparaat kunt openen, en stuur hem opnieuw.",
		en: "The image is damaged or was not sent completely. Please check that the photo opens on your own device, and send it again.",
	},
	CodePDFEncrypted: {
		nl: "De PDF is beveiligd met een wachtwoord of versleuteld. Wij kunnen hem niet openen. Stuur een PDF zonder wachtwoord of een foto van uw afgeschermde kopie.",
		en: "The PDF is protected with a password or encrypted, so we cannot open it. Please send a PDF without a password, or a photo of your masked copy.",
	},
	CodePDFActiveContent: {
		nl: "De PDF bevat onderdelen die wij voor uw veiligheid niet aannemen, zoals scripts, bijlagen of verborgen bestanden. Sla het document opnieuw op via 'Afdrukken naar PDF', of stuur een foto van uw afgeschermde kopie.",
		en: "The PDF contains parts we do not accept for safety reasons, such as scripts, attachments or hidden files. Please save the document again using 'Print to PDF', or send a photo of your masked copy.",
	},
	CodePDFTooManyPages: {
		nl: fmt.Sprintf("De PDF heeft meer dan %d pagina's. Stuur alleen de pagina's van uw identiteitsbewijs (meestal 1 of 2).", MaxPDFPages),
		en: fmt.Sprintf("The PDF has more than %d pages. Please send only the pages of your identity document (usually 1 or 2).", MaxPDFPages),
	},
	CodePDFCorrupt: {
		nl: "De PDF is beschadigd of wij kunnen hem niet lezen. Sla het document opnieuw op als PDF, of stuur een foto van uw afgeschermde kopie.",
		en: "The PDF is damaged or we cannot read it. Please save the document again as a PDF, or send a photo of your masked copy.",
	},
	"": {
		nl: "Wij kunnen dit bestand niet aannemen. Stuur uw afgeschermde kopie als foto (JPEG of PNG) of als PDF.",
		en: "We cannot accept this file. Please send your masked copy as a photo (JPEG or PNG) or as a PDF.",
	},
}
