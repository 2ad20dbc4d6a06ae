// Package floor is the smallest Functions Framework function there is: the cold-start floor
// that scripts/perf/coldstart compares every Privacyloket function with. It is built exactly
// like a product function (the buildpack's generated main, FUNCTION_TARGET=Floor) and does
// nothing but answer.
package floor

import (
	"net/http"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
)

func init() {
	functions.HTTP("Floor", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
}
