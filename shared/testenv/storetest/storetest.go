// Package storetest is the contract every implementation of the app's stores passes: the
// Firestore adapter on the emulator (shared/firestoredb's tests) and the in-memory store
// (shared/memstore's tests). A use-case test that passes on one therefore means the same on the
// other. It is test support: only _test files import it.
package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Stores is one implementation of every store port of app.Deps but the sessions (those have
// a contract of their own, RunSessions).
type Stores interface {
	app.CaseStore
	app.OutboxStore
	app.BlobStore
	app.DeskStore
	app.TaskStore
}

// Subject is the Stores under contract, with a view of what the ports do not show: the TTL the
// store gave a case's events (a test against Firestore reads the case document).
type Subject interface {
	Stores
	// EventsExpireAt lists the TTL (expireAt) of the case's events, in the order of Events.
	EventsExpireAt(ctx context.Context, ref string) ([]time.Time, error)
}

// Run runs the contract against fresh stores from newStores, one per subtest.
func Run(t *testing.T, newStores func(t *testing.T) Subject) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Subject)
	}{
		{"SubmitStoresCaseLettersAndEvents", submitStores},
		{"SubmitRefusesATakenReference", submitExists},
		{"SubmitCountsRateLimits", rateLimits},
		{"ConcurrentSubmitsKeepTheLimit", concurrentLimits},
		{"CountWithoutACase", countLimits},
		{"ConcurrentCountsKeepTheLimit", concurrentCounts},
		{"InstantsComeBackInUTCToTheMicrosecond", instants},
		{"Update", update},
		{"UpdateErrorWritesNothing", updateError},
		{"ConcurrentUpdatesBothApply", concurrentUpdates},
		{"CaseParts", caseParts},
		{"UpdateParts", updateParts},
		{"ConcurrentUpdatePartsSeeWhatCommitted", concurrentUpdateParts},
		{"LetterLeases", letterLeases},
		{"OneWinnerPerLetterClaim", oneClaimWinner},
		{"ClaimCaseLetters", claimCaseLetters},
		{"OneWinnerPerCaseClaim", oneCaseClaimWinner},
		{"LettersOfNoCase", lettersOfNoCase},
		{"PendingLetters", pendingLetters},
		{"DueCases", dueCases},
		{"DeleteCase", deleteCase},
		{"Blobs", blobs},
		{"PartsLiveAsLongAsTheirCase", retention},
		{"AccessPackagesPerAttempt", accessPackages},
		{"OpenCases", openCases},
		{"CasesReceived", casesReceived},
		{"LettersToPost", lettersToPost},
		{"OneWinnerPerMarkPosted", oneMarkPostedWinner},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStores(t))
		})
	}
}

var ctx = context.Background()

// t0 is a whole microsecond in UTC, as the stores hand instants back.
var t0 = time.Date(2026, 3, 27, 9, 0, 0, 123456000, time.UTC)

func fullCase(ref string) *request.Case {
	return &request.Case{
		Reference: ref, Type: request.Access, Status: request.InProgress, Lang: "nl",
		Subject: request.Person{Name: "Carla Contract", Email: "carla@tenant.test", BirthDate: civil.Date{Year: 1980, Month: 5, Day: 17},
			Phone: "0612345678", Address: "Dorpsstraat 1"},
		Relation: "tenant", Details: "Alles", Proposed: "Jansen", Motivation: "Omdat", Reason: "Onjuist", TransferTo: "nieuw@corp.test",
		Representative: &request.Representative{Name: "Rob Rep", Email: "rob@rep.test", Capacity: "lawyer"},
		Signature:      "Carla Contract", SubmittedAt: t0, ConfirmedAt: t0.Add(time.Hour),
		Received: civil.Date{Year: 2026, Month: 3, Day: 27}, DueDate: civil.Date{Year: 2026, Month: 4, Day: 24},
		Extended: true, SuspendedDays: 3, ClockStopped: true,
		Identity: request.Identity{CopyRequired: true, CopyHeld: true, CopyUploaded: t0.Add(2 * time.Hour), CopyKind: "image/jpeg",
			RequestedAt: t0.Add(time.Hour), CheckedBy: "staff@corp.test", CheckedAt: t0.Add(3 * time.Hour), DocumentType: "passport", Outcome: "verified"},
		ThirdParty: &request.ThirdParty{Name: "Derde", Email: "derde@x.test", Address: "Buurweg 2, 1234 AB Dorp", AskedAt: t0.Add(4 * time.Hour),
			ObjectionDue: civil.Date{Year: 2026, Month: 4, Day: 10}, Answer: "agree", Comment: "ok", AnsweredAt: t0.Add(5 * time.Hour), Mask: true},
		Decision: &request.Decision{Outcome: "granted", Motivation: "m", Ground: "g", Evidence: "e", Fee: "12,50", FeeBasis: "further_copy", Recipients: []string{"a@b.test"},
			RecipientsNote: "n", DecidedBy: "staff@corp.test", DecidedAt: t0.Add(6 * time.Hour)},
		Result:    &request.Result{StoredAt: t0.Add(7 * time.Hour), ExpiresAt: t0.Add(30 * 24 * time.Hour), Size: 42, Downloads: 1, Key: "k1"},
		ClosedAt:  t0.Add(8 * time.Hour),
		UpdatedAt: t0.Add(8 * time.Hour), NextActionAt: t0.Add(24 * time.Hour), RetainUntil: t0.AddDate(1, 0, 0),
		LinkGeneration: 2, TickFailures: 1, Handler: "anna@corp.test",
		Approval: &request.Approval{Draft: request.Decision{Outcome: "refused", Motivation: "drie keer deze maand", Ground: "excessive", DecidedBy: "staff@corp.test", DecidedAt: t0.Add(6 * time.Hour)},
			From: "in_progress", DraftedAt: t0.Add(6 * time.Hour), TransferConfirmed: true, ResultKey: "k2", ResultSize: 7, ResultExpires: t0.Add(48 * time.Hour), ResultExtracts: 1},
	}
}

// newCase is a small fresh case.
func newCase(ref string) *request.Case {
	return &request.Case{Reference: ref, Type: request.Access, Status: request.AwaitingConfirmation, Lang: "nl",
		Subject: request.Person{Name: "Carla", Email: "carla@tenant.test"}, SubmittedAt: t0, UpdatedAt: t0,
		NextActionAt: t0.Add(24 * time.Hour), RetainUntil: t0.AddDate(0, 0, 8)}
}

func newLetter(ref string, kind letter.Kind, created time.Time) *outbox.Letter {
	return &outbox.Letter{
		ID: outbox.ID(testLetterKey, ref, kind, "carla@tenant.test", ""), Reference: ref, Kind: kind, Lang: "nl", To: "carla@tenant.test",
		Data:    letter.Data{Reference: ref, RecipientName: "Carla", RequestType: "access", DueDate: civil.Date{Year: 2026, Month: 4, Day: 24}},
		Links:   []outbox.Link{{Key: "confirm", Function: "ConfirmRequest", Claims: linktoken.Claims{Purpose: linktoken.Confirm, Reference: ref, Expires: 99}}},
		DueDate: civil.Date{Year: 2026, Month: 4, Day: 24}, Status: outbox.Pending, CreatedAt: created, RetainUntil: t0.AddDate(0, 0, 8),
	}
}

func submit(t *testing.T, s Stores, c *request.Case, letters ...*outbox.Letter) {
	t.Helper()
	ch := app.Change{Letters: letters, Events: []request.Event{{At: c.SubmittedAt, Actor: "requester", Action: "submitted", Detail: "access"}}}
	if err := s.Submit(ctx, c, ch, nil); err != nil {
		t.Fatalf("Submit(%s): %v", c.Reference, err)
	}
}

func mustCase(t *testing.T, s Stores, ref string) *request.Case {
	t.Helper()
	c, err := s.Case(ctx, ref)
	if err != nil {
		t.Fatalf("Case(%s): %v", ref, err)
	}
	return c
}

func mustLetters(t *testing.T, s Stores, ref string) []*outbox.Letter {
	t.Helper()
	ls, err := s.Letters(ctx, ref)
	if err != nil {
		t.Fatalf("Letters(%s): %v", ref, err)
	}
	return ls
}

// oneWinner runs try n times at once and wants exactly one to succeed and every other to fail
// with lost.
func oneWinner(t *testing.T, n int, what string, lost error, try func() error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() { errs <- try() })
	}
	wg.Wait()
	close(errs)
	won := 0
	for err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, lost):
		default:
			t.Errorf("concurrent %s: %v, want nil or %v", what, err, lost)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent %s calls won, want exactly 1", won, n, what)
	}
}

// testLetterKey keys the letter ids the contract makes (outbox.ID).
var testLetterKey = []byte("storetest-letter-id-key-32-bytes")
