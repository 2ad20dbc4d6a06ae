// Command gen compiles locales/*.json into catalogue_gen.go. Run it from shared/i18n, as
// go generate does:
//
//	go generate ./shared/i18n
package main

import (
	"fmt"
	"os"

	"github.com/privacyloket/privacyloket/shared/i18n/internal/catalogue"
)

func main() {
	src, err := catalogue.Generate(os.DirFS("."))
	if err != nil {
		fmt.Fprintln(os.Stderr, "i18n gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("catalogue_gen.go", src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "i18n gen:", err)
		os.Exit(1)
	}
}
