// Package floorintake is the intake floor that scripts/perf/intake compares POST /RequestForm
// with: an HTTP function, built like a product function, that decodes the same JSON body and
// does the least a stored, announced submission needs — one Firestore transaction that reads and
// writes one document, then one Pub/Sub publish that it waits for — and answers 201.
//
// It reads GOOGLE_CLOUD_PROJECT and the emulator variables at start-up, like the product.
package floorintake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"cloud.google.com/go/firestore"
	"cloud.google.com/go/pubsub/v2"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Topic is where the floor publishes; the harness creates it.
const Topic = "floor-mail"

func init() {
	ctx := context.Background()
	project := os.Getenv("GOOGLE_CLOUD_PROJECT")
	fs, err := firestore.NewClient(ctx, project)
	if err != nil {
		fmt.Fprintf(os.Stderr, "floorintake: firestore: %v\n", err)
		os.Exit(1)
	}
	ps, err := pubsub.NewClient(ctx, project)
	if err != nil {
		fmt.Fprintf(os.Stderr, "floorintake: pubsub: %v\n", err)
		os.Exit(1)
	}
	pub := ps.Publisher(Topic)
	// The least an acknowledged publish costs: sent at once, not held for a batch (the
	// client's default holds each message up to 10 ms, DefaultPublishSettings.DelayThreshold).
	pub.PublishSettings.CountThreshold = 1
	f := &floor{fs: fs, pub: pub}
	functions.HTTP("FloorIntake", f.serve)
}

type floor struct {
	fs  *firestore.Client
	pub *pubsub.Publisher
}

type submission struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (f *floor) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		_, _ = w.Write([]byte("ok\n"))
		return
	}
	var sub submission
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&sub); err != nil || sub.Email == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	ref := hex.EncodeToString(b[:])
	doc := f.fs.Collection("cases").Doc(ref)
	err := f.fs.RunTransaction(r.Context(), func(_ context.Context, tx *firestore.Transaction) error {
		if _, err := tx.Get(doc); err == nil {
			return fmt.Errorf("reference %s taken", ref)
		} else if status.Code(err) != codes.NotFound {
			return err
		}
		return tx.Create(doc, map[string]any{"type": sub.Type, "name": sub.Name, "email": sub.Email, "status": "awaiting_confirmation"})
	})
	if err != nil {
		http.Error(w, "store: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if _, err := f.pub.Publish(r.Context(), &pubsub.Message{Data: []byte(ref)}).Get(r.Context()); err != nil {
		http.Error(w, "publish: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]string{"reference": ref, "status": "awaiting_confirmation"})
}
