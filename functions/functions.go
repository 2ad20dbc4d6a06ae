// Package functions registers every Privacyloket function with the Functions Framework, and
// does nothing else: its init builds the handlers from the environment once per instance and
// registers them. Deployed, the buildpack builds this package (GOOGLE_FUNCTION_SOURCE) and
// FUNCTION_TARGET picks one function. The handlers themselves live in functions/handlers,
// which tests and scripts/devserver import without registering anything.
package functions

import (
	"context"
	"fmt"
	"os"

	// The buildpack recognises a declarative function source by this import; handlers.Register
	// calls it.
	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/functions/handlers"
)

func init() {
	h, err := handlers.FromEnv(context.Background())
	if err != nil {
		// One line naming every bad variable, then a loud failure: the platform shows the
		// instance as failed instead of answering requests half-configured.
		fmt.Fprintf(os.Stderr, "privacyloket: start-up failed: %v\n", err)
		os.Exit(1)
	}
	h.Register()
}
