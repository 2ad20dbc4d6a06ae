// Command gen compiles profiles/*.json into profiles_gen.go. Run it from shared/policy, as go
// generate does (with the build tag that leaves the old profiles_gen.go out of the build):
//
//	go generate ./shared/policy
package main

import (
	"fmt"
	"os"

	"github.com/privacyloket/privacyloket/shared/policy/internal/codegen"
)

func main() {
	src, err := codegen.Generate(os.DirFS("."))
	if err != nil {
		fmt.Fprintln(os.Stderr, "policy gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(codegen.File, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "policy gen:", err)
		os.Exit(1)
	}
}
