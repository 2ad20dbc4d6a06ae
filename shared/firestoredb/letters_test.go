package firestoredb_test

import (
	"bytes"
	"context"
	"fmt"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A case's letters live in the case document: no document of their own, counted for the relay
// (unsettled) and the desk (toPost), and gone with the case's personal data.
var testLetterKey = []byte("firestoredb-letter-id-key-32-byt")

func TestCaseLettersLiveInTheCaseDocument(t *testing.T) {
	testenv.RequireFirestore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fs := testenv.Firestore(t, testenv.Project(t))
	s, err := firestoredb.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	const ref = "PL-IN-CASE"
	c := &request.Case{Reference: ref, Type: request.Access, Status: request.AwaitingConfirmation, Lang: "nl",
		Subject: request.Person{Name: "Carla", Email: "carla@tenant.test"}, SubmittedAt: t0, UpdatedAt: t0, RetainUntil: t0.AddDate(0, 0, 8)}
	mk := func(kind letter.Kind, to string) *outbox.Letter {
		return &outbox.Letter{ID: outbox.ID(testLetterKey, ref, kind, to, ""), Reference: ref, Kind: kind, Lang: "nl", To: to,
			Data: letter.Data{Reference: ref, RecipientName: "Carla"}, Status: outbox.Pending, CreatedAt: t0}
	}
	byMail, byPost := mk(letter.ConfirmEmail, "carla@tenant.test"), mk(letter.Receipt, "")
	if err := s.Submit(ctx, c, app.Change{Letters: []*outbox.Letter{byMail, byPost}}, nil); err != nil {
		t.Fatal(err)
	}
	doc := func() map[string]any {
		t.Helper()
		snap, err := fs.Collection("cases").Doc(ref).Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return snap.Data()
	}
	count := func(d map[string]any, field string) int64 { n, _ := d[field].(int64); return n }
	if n, err := fs.Collection("letters").Where("reference", "==", ref).Documents(ctx).GetAll(); err != nil || len(n) != 0 {
		t.Errorf("letter documents of the case: %d (%v), want none", len(n), err)
	}
	d := doc()
	if ls, _ := d["letters"].(map[string]any); len(ls) != 2 || count(d, "unsettled") != 2 {
		t.Errorf("case document: %d letters, unsettled %d; want 2 and 2", len(ls), count(d, "unsettled"))
	}

	// The case, its events and its letters come from one read (CaseParts) or with the write
	// (UpdateParts), the same as Letters lists them.
	listed, err := s.Letters(ctx, ref)
	if err != nil || len(listed) != 2 {
		t.Fatalf("letters: %v %v", listed, err)
	}
	if _, _, ls, err := s.CaseParts(ctx, ref); err != nil || !reflect.DeepEqual(ls, listed) {
		t.Errorf("CaseParts letters = %v (%v), want %v", ls, err, listed)
	}
	extra := mk(letter.StaffCase, "staff@corp.test")
	_, evs, ls, err := s.UpdateParts(ctx, ref, func(*request.Case) (app.Change, error) {
		return app.Change{Letters: []*outbox.Letter{extra}, Events: []request.Event{{At: t0, Actor: "staff", Action: "case_viewed"}}}, nil
	})
	if err != nil || len(ls) != 3 || len(evs) != 1 {
		t.Fatalf("UpdateParts: %d letters, %d events (%v), want 3 and 1", len(ls), len(evs), err)
	}
	if after, _ := s.Letters(ctx, ref); !reflect.DeepEqual(ls, after) {
		t.Errorf("UpdateParts letters = %v, Letters after = %v", ls, after)
	}
	if err := s.FinishLetter(ctx, extra.ID, outbox.Sent, t0, ""); err != nil { // (as if claimed)
		t.Fatal(err)
	}

	for _, l := range []*outbox.Letter{byMail, byPost} {
		if _, err := s.ClaimLetter(ctx, l.ID, t0, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FinishLetter(ctx, byMail.ID, outbox.Sent, t0, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishLetter(ctx, byPost.ID, outbox.ToPost, t0, ""); err != nil {
		t.Fatal(err)
	}
	if d := doc(); count(d, "unsettled") != 0 || count(d, "toPost") != 1 {
		t.Errorf("after sending one and sending one to post: unsettled %d, toPost %d; want 0 and 1", count(d, "unsettled"), count(d, "toPost"))
	}
	if ids, err := s.PendingLetters(ctx, t0.Add(time.Hour), t0.Add(time.Hour), 10); err != nil || len(ids) != 0 {
		t.Errorf("pending: %v %v, want none", ids, err)
	}
	if ls, err := s.LettersToPost(ctx, 10); err != nil || len(ls) != 1 || ls[0].ID != byPost.ID || ls[0].Reference != ref {
		t.Fatalf("letters to post: %v %v", ls, err)
	}
	if _, err := s.MarkPosted(ctx, byPost.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if d := doc(); count(d, "toPost") != 0 {
		t.Errorf("after posting: toPost %d, want 0", count(d, "toPost"))
	}

	// An expired request keeps a stub without its letters; a sender finishing late changes
	// nothing anyone reads.
	if err := s.DeleteCase(ctx, ref, true); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc()["letters"]; ok {
		t.Error("the stub still holds the letters")
	}
	if err := s.FinishLetter(ctx, byMail.ID, outbox.Sent, t0.Add(2*time.Hour), ""); err != nil {
		t.Errorf("late finish: %v", err)
	}
	if ls, err := s.Letters(ctx, ref); err != nil || len(ls) != 0 {
		t.Errorf("letters of the stub: %v %v, want none", ls, err)
	}
	if _, err := s.ClaimLetter(ctx, byMail.ID, t0.Add(3*time.Hour), t0.Add(4*time.Hour)); err != app.ErrNotFound {
		t.Errorf("claim after the stub: %v, want ErrNotFound", err)
	}
}

// A sealed copy or package that fits one chunk is kept in its head: one document to write and
// one to read; a larger one is split into chunks and read back whole.
func TestSmallBlobsInTheHead(t *testing.T) {
	testenv.RequireFirestore(t)
	ctx := context.Background()
	fs := testenv.Firestore(t, testenv.Project(t))
	s, err := firestoredb.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	expire := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		ref    string
		size   int
		chunks int
	}{{"PL-SMALL", 1000, 0}, {"PL-LARGE", 600 << 10, 2}} {
		sealed := make([]byte, tc.size)
		for i := range sealed {
			sealed[i] = byte(i * 7)
		}
		if err := s.PutAccessPackage(ctx, tc.ref, "k1", sealed, expire); err != nil {
			t.Fatal(err)
		}
		got, err := storetest.ReadChunks(s.AccessPackage(ctx, tc.ref, "k1"))
		if err != nil || !reflect.DeepEqual(got, sealed) {
			t.Errorf("%s: read back %d bytes (%v), want the %d written", tc.ref, len(got), err, len(sealed))
		}
		chunks, err := fs.CollectionGroup("chunks").Documents(ctx).GetAll()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range chunks {
			if c.Ref.Parent.Parent.ID != "" && strings.HasPrefix(c.Ref.Parent.Parent.ID, tc.ref) {
				n++
			}
		}
		if n != tc.chunks {
			t.Errorf("%s (%d bytes): %d chunk documents, want %d", tc.ref, tc.size, n, tc.chunks)
		}
		if err := s.DeleteAccessPackage(ctx, tc.ref, "k1"); err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.ReadChunks(s.AccessPackage(ctx, tc.ref, "k1")); err != app.ErrNotFound {
			t.Errorf("%s after delete: %v, want ErrNotFound", tc.ref, err)
		}
	}
}

// A case whose document grows past half of Firestore's 1 MiB says so on every change, for the
// alert to count (terraform/monitoring.tf, "case document large").
func TestLargeCaseDocumentIsLogged(t *testing.T) {
	testenv.RequireFirestore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fs := testenv.Firestore(t, testenv.Project(t))
	s, err := firestoredb.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&logs, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	const ref = "PL-LARGE"
	c := &request.Case{Reference: ref, Type: request.Access, Status: request.InProgress, Lang: "nl",
		Subject: request.Person{Name: "Carla", Email: "carla@tenant.test"}, SubmittedAt: t0, UpdatedAt: t0, RetainUntil: t0.AddDate(1, 0, 0)}
	if err := s.Submit(ctx, c, app.Change{}, nil); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 100<<10)
	for i := range 6 {
		l := &outbox.Letter{ID: outbox.ID(testLetterKey, ref, letter.StaffReminder, "staff@corp.test", fmt.Sprint(i)), Reference: ref,
			Kind: letter.StaffReminder, Lang: "nl", To: "staff@corp.test", Data: letter.Data{Reference: ref, Explanation: long},
			Status: outbox.Pending, CreatedAt: t0}
		if _, err := s.Update(ctx, ref, func(*request.Case) (app.Change, error) {
			return app.Change{Letters: []*outbox.Letter{l}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		large := strings.Contains(logs.String(), `"msg":"case document large"`)
		if want := (i+1)*100<<10 > 512<<10; large != want {
			t.Fatalf("after %d letters of 100 KiB: logged %v, want %v\n%s", i+1, large, want, logs.String())
		}
	}
	if !strings.Contains(logs.String(), `"reference":"PL-LARGE"`) {
		t.Errorf("the line does not name the case:\n%s", logs.String())
	}
}
