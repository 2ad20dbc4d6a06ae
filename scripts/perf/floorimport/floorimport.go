// Package floorimport is the import floor that scripts/perf/coldstart compares every function
// with, beside the bare floor: a minimal Functions Framework function that only imports the
// Firestore and Pub/Sub client packages, as every Privacyloket function must, and builds no
// client. What a function costs above it is its own code and what that code imports; what it
// costs above the bare floor includes the cloud client libraries' package initialisation.
package floorimport

import (
	"net/http"

	"cloud.google.com/go/firestore"
	"cloud.google.com/go/pubsub/v2"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
)

// The clients' types are named so that the packages are linked and their inits run; no
// client is made.
var (
	_ *firestore.Client
	_ *pubsub.Client
)

func init() {
	functions.HTTP("FloorImport", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
}
