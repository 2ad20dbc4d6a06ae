package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// TaskLink is a verified task link as the use cases need it (linktoken purpose search).
type TaskLink struct {
	Reference, Task, Holder string
	Generation              int
}

// TaskLinkOf is the TaskLink of verified claims.
func TaskLinkOf(c linktoken.Claims) TaskLink {
	return TaskLink{Reference: c.Reference, Task: c.Scope, Holder: c.Subject, Generation: c.Generation}
}

// SearchTaskView is what an owner's task page shows (docs/contract.md §3): the reference, the
// type, what to look for and the due date; never an ID copy. A case that is decided or closed,
// or a task that needs no answer any more, shows only its reference and that (Closed).
type SearchTaskView struct {
	Reference  string
	Type       request.Type
	SystemName string
	Holds      string
	Phase      request.SearchPhase
	DueDate    civil.Date
	// Closed: no answer is needed (the case is decided or closed, or the task was waived or
	// cancelled). Then nothing below is filled in.
	Closed bool
	// What to look for: name, birth date, address; for rectification and erasure the request's
	// own words too.
	Name, Address string
	BirthDate     civil.Date
	Words         string
	// Results are the answers this task takes; Answered the one given (with its extracts).
	Results  []request.SearchResult
	Task     request.SearchTask
	Answered bool
	// MoreExtracts: the answer was "found" and another extract may still be added.
	MoreExtracts bool
	// Reported is, on a carry-out task, what the system's owner reported in the search: what it
	// holds, and for an erasure what must be kept and until when.
	Reported *request.SearchTask
}

// SearchAnswer is an owner's answer as posted: one extract file per POST.
type SearchAnswer struct {
	Result     request.SearchResult
	Note       string
	KeepGround request.Ground
	KeptUntil  string // YYYY-MM-DD
	Backups    string
	Extract    []byte
	ExtractAs  string // the file's name as uploaded, for the package
}

// SearchTaskPage loads the task of link l for its owner.
func (s *Casework) SearchTaskPage(ctx context.Context, l TaskLink) (*SearchTaskView, error) {
	c, err := s.d.Cases.Case(ctx, l.Reference)
	if err != nil {
		return nil, err
	}
	t := c.Search(l.Task)
	if err := s.taskHolder(c, t, l.Holder, l.Generation); err != nil {
		return nil, err
	}
	return s.taskView(c, t), nil
}

func (s *Casework) taskView(c *request.Case, t *request.SearchTask) *SearchTaskView {
	v := &SearchTaskView{Reference: c.Reference, Type: c.Type, SystemName: s.systemName(t, staffLang), Phase: t.Phase, DueDate: t.DueDate}
	if !taskLive(c, t) || t.State == request.TaskWaived || t.State == request.TaskCancelled {
		v.Closed = true
		return v
	}
	if sys, ok := s.d.Profile.System(t.System); ok {
		v.Holds = sys.Holds.In(staffLang)
	}
	v.Name, v.BirthDate, v.Address = c.Subject.Name, c.Subject.BirthDate, c.Subject.Address
	switch c.Type {
	case request.Rectification:
		v.Words = c.Proposed
	case request.Erasure:
		v.Words = c.Details
	}
	v.Results = request.SearchResults(c.Type, t.Phase)
	v.Task = *t
	v.Answered = t.State == request.TaskAnswered
	v.MoreExtracts = v.Answered && t.Result == request.ResultFound && len(t.Extracts) < request.MaxExtracts
	if t.Phase == request.PhaseCarryOut {
		if r := c.Search(t.System); r != nil && r.Phase == request.PhaseSearch {
			v.Reported = r
		}
	}
	return v
}

// validateAnswer names every invalid field of an answer to a task of phase p on a case of type t.
func validateAnswer(t request.Type, p request.SearchPhase, a SearchAnswer) []request.FieldError {
	var errs []request.FieldError
	add := func(f, code string) { errs = append(errs, request.FieldError{Field: f, Code: code}) }
	if a.Result == "" {
		add("result", "required")
	} else if !request.ValidSearchResult(t, p, a.Result) {
		add("result", "invalid")
	}
	if len(a.Note) > 5000 {
		add("note", "too_long")
	}
	needFile := p == request.PhaseSearch && a.Result == request.ResultFound
	switch {
	case needFile && len(a.Extract) == 0:
		add("extract", "required")
	case !needFile && len(a.Extract) > 0:
		add("extract", "invalid")
	}
	if a.Result == request.ResultHeld && strings.TrimSpace(a.Note) == "" {
		add("note", "required")
	}
	if p == request.PhaseCarryOut && a.Result == request.ResultNotPossible && strings.TrimSpace(a.Note) == "" {
		add("note", "required")
	}
	if t == request.Erasure && p == request.PhaseSearch && a.Result == request.ResultHeld {
		switch {
		case a.KeepGround == "" && a.KeptUntil != "":
			add("keepGround", "required")
		case a.KeepGround != "" && a.KeepGround != request.KeepLegalObligation && a.KeepGround != request.KeepLegalClaims:
			add("keepGround", "invalid")
		}
		if a.KeepGround != "" {
			if d, err := civil.ParseDate(a.KeptUntil); err != nil || !d.IsValid() {
				add("keptUntil", "date")
			}
		}
	} else if a.KeepGround != "" || a.KeptUntil != "" {
		add("keepGround", "invalid")
	}
	if t == request.Erasure && p == request.PhaseCarryOut && a.Result == request.ResultDone &&
		a.Backups != request.BackupsIncluded && a.Backups != request.BackupsNotApplicable {
		add("backups", "required")
	}
	return errs
}

// extractKind tells a PDF from JSON or CSV by content.
func extractKind(b []byte) string {
	if bytes.HasPrefix(b, []byte("%PDF-")) {
		return "pdf"
	}
	return ""
}

// AnswerSearch records an owner's answer to the task of link l. An extract is checked by
// content (JSON and CSV as a result file, a PDF as an ID upload with active content removed),
// sealed and stored before the case changes, and removed again if the answer is refused. A task
// already answered takes one more extract of a "found" answer (up to request.MaxExtracts) and
// nothing else: a second answer is a *NotAllowedError "search_answered". A case that needs no
// answer any more is "search_closed".
func (s *Casework) AnswerSearch(ctx context.Context, l TaskLink, a SearchAnswer) (*SearchTaskView, error) {
	a.Note = strings.TrimSpace(a.Note)
	cur, err := s.d.Cases.Case(ctx, l.Reference)
	if err != nil {
		return nil, err
	}
	t := cur.Search(l.Task)
	if err := s.taskHolder(cur, t, l.Holder, l.Generation); err != nil {
		return nil, err
	}
	if errs := validateAnswer(cur.Type, t.Phase, a); len(errs) > 0 {
		return nil, &ValidationError{Fields: errs}
	}
	if err := answerable(cur, t, a); err != nil {
		return nil, err
	}
	now := s.d.Clock()
	var ex *request.Extract
	if len(a.Extract) > 0 {
		// Uploads are limited per task link, not per client address (docs/contract.md §2): an
		// owner behind the organisation's proxy shares an address with colleagues. The count
		// comes before the file is opened, whatever the outcome.
		limit := Limit{Key: "task-" + s.pseudonym(l.Reference+"|"+l.Task+"|"+strings.ToLower(l.Holder)), Max: extractsPerHour, Window: time.Hour}
		if err := s.d.Cases.Count(ctx, []Limit{limit}, now); err != nil {
			return nil, err
		}
		if ex, err = s.storeExtract(ctx, cur, a, now); err != nil {
			return nil, err
		}
	}
	var view *SearchTaskView
	var letters []*outbox.Letter
	c, err := s.update(ctx, l.Reference, func(c *request.Case) (Change, error) {
		letters = nil
		t := c.Search(l.Task)
		if err := s.taskHolder(c, t, l.Holder, l.Generation); err != nil {
			return Change{}, err
		}
		if err := answerable(c, t, a); err != nil {
			return Change{}, err
		}
		detail := t.ID + " " + string(a.Result)
		if ex != nil {
			t.Extracts = append(t.Extracts, *ex)
			detail += " " + ex.Name
		}
		if t.State == request.TaskOpen {
			t.State, t.Result, t.AnsweredAt, t.AnsweredBy, t.Note = request.TaskAnswered, a.Result, now, strings.ToLower(l.Holder), a.Note
			t.Backups = a.Backups
			if a.KeepGround != "" { // a carry-out task keeps what its search reported
				t.KeepGround = a.KeepGround
				t.KeptUntil, _ = civil.ParseDate(a.KeptUntil)
			}
		}
		if t.Phase == request.PhaseCarryOut {
			letters = s.carryOutDone(c, now)
		}
		c.UpdatedAt = now
		c.NextActionAt = s.nextAction(c, now)
		view = s.taskView(c, t)
		return Change{Letters: letters, Events: []request.Event{{At: now, Actor: "system_owner", Action: ActSearchAnswered, Detail: detail}}}, nil
	})
	if err != nil {
		if ex != nil {
			s.dropExtract(ctx, l.Reference, ex.Key)
		}
		return nil, err
	}
	s.d.Logger.InfoContext(ctx, "search task answered", "reference", c.Reference, "system", l.Task, "result", string(a.Result))
	s.publish(ctx, letters)
	return view, nil
}

// extractsPerHour bounds the extracts one task link may send (and have inspected) per hour:
// twice what a task holds, so a few refused files never lock an owner out.
const extractsPerHour = 2 * request.MaxExtracts

// ActSearchAnswered records an owner's answer (or one more extract) in the case's timeline.
const ActSearchAnswered request.Action = "search_answered"

// answerable says whether task t of c takes answer a now.
func answerable(c *request.Case, t *request.SearchTask, a SearchAnswer) error {
	switch {
	case t.State == request.TaskWaived || t.State == request.TaskCancelled || !taskLive(c, t):
		return &NotAllowedError{Reason: "search_closed"}
	case t.State == request.TaskOpen:
		return nil
	case t.Result == request.ResultFound && a.Result == request.ResultFound && len(a.Extract) > 0:
		if len(t.Extracts) >= request.MaxExtracts {
			return &NotAllowedError{Reason: "too_many_extracts"}
		}
		return nil
	}
	return &NotAllowedError{Reason: "search_answered"}
}

// taskLive reports whether c's case still takes answers to t: a search while the case is open,
// a carry-out task while its decided case waits for it.
func taskLive(c *request.Case, t *request.SearchTask) bool {
	if t.Phase == request.PhaseCarryOut {
		return c.Status == request.Decided
	}
	return c.Status.Open()
}

// storeExtract checks one extract by content, writes it in the package's form (JSON and CSV
// as the package gives them, in the requester's language; a PDF with its active content
// removed) and stores it sealed in segments, so that the package is later streamed from it
// and copied, never parsed again. A refusal names the field extract and stores nothing.
func (s *Casework) storeExtract(ctx context.Context, c *request.Case, a SearchAnswer, now time.Time) (*request.Extract, error) {
	if s.d.Sealer == nil {
		return nil, errors.New("app: an extract needs a Sealer")
	}
	refuse := func(code string) error {
		return &ValidationError{Fields: []request.FieldError{{Field: "extract", Code: code}}}
	}
	var prep *accessresult.PreparedExtract
	var removed []string // active content taken out of a PDF
	switch kind := extractKind(a.Extract); {
	case kind == "pdf" && c.Type != request.Access:
		// Portability delivers machine-readable data only (JSON and CSV).
		return nil, refuse("result_file")
	case kind == "pdf":
		if s.d.InspectExtract == nil {
			return nil, ErrNoInspector
		}
		doc, err := s.d.InspectExtract(ctx, a.Extract)
		var rej *idcheck.Rejection
		switch {
		case errors.As(err, &rej):
			// Said to the owner about their extract, not as about an ID copy.
			return nil, refuse(extractRefusal(rej.Code))
		case err != nil:
			return nil, fmt.Errorf("extract for %s: %w", c.Reference, err)
		}
		if doc.Kind != idcheck.KindPDF {
			return nil, refuse("result_file")
		}
		prep, removed = accessresult.PreparePDF(doc.Data), doc.Removed
	default:
		// A portability answer gives each system's data as JSON and as CSV (GDPR 20).
		var err error
		err = readTable(ctx, func() (err error) {
			prep, err = accessresult.PrepareExtract(a.Extract, c.Lang, c.Type == request.Portability)
			return err
		})
		switch {
		case errors.Is(err, accessresult.ErrTooManyCells):
			return nil, refuse("too_many_cells")
		case errors.Is(err, accessresult.ErrTooLarge):
			return nil, refuse("too_long")
		case errors.Is(err, idcheck.ErrBusy):
			return nil, err
		case err != nil:
			return nil, refuse("result_file")
		}
	}
	key := rand.Text()
	sealed, err := s.sealInto(extractAAD(c.Reference, key), func(w io.Writer) error {
		_, err := prep.WriteTo(w)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("seal extract: %w", err)
	}
	// The TTL is a safety net: the app deletes extracts with the package or when the case ends.
	expire := deadline.StartOfDay(c.DueDate.AddDays(100))
	if err := s.d.Tasks.PutExtract(ctx, c.Reference, key, sealed, expire); err != nil {
		return nil, fmt.Errorf("store extract: %w", err)
	}
	return &request.Extract{Key: key, Name: extractName(a.ExtractAs, prep.Kind()), Kind: prep.Kind(), Size: int(prep.Size()), At: now, Removed: removed}, nil
}

// extractRefusal is the field code of an extract the inspector refused for code.
func extractRefusal(code string) string {
	if c, ok := extractRefusals[code]; ok {
		return c
	}
	return "result_file"
}

// extractRefusals are the inspector's refusals an owner can act on, with what they are told.
var extractRefusals = map[string]string{
	idcheck.CodeTooLarge:         "too_long",
	idcheck.CodePDFEncrypted:     "extract_pdf_encrypted",
	idcheck.CodePDFTooManyPages:  "extract_pdf_too_many_pages",
	idcheck.CodePDFCorrupt:       "extract_pdf_corrupt",
	idcheck.CodePDFActiveContent: "extract_pdf_active_content",
}

// extractAAD binds a sealed extract to its case and key, apart from ID copies and packages.
func extractAAD(ref, key string) string { return ref + "#extract/" + key }

func (s *Casework) dropExtract(ctx context.Context, ref, key string) {
	// One extract: DeleteExtracts would take the case's others too, so overwrite it empty and
	// let its short TTL remove it.
	if err := s.d.Tasks.PutExtract(ctx, ref, key, nil, s.d.Clock()); err != nil {
		s.d.Logger.ErrorContext(ctx, "remove orphan extract failed; its TTL removes it", "reference", ref, "error", err)
	}
}

// extractName is a safe file name for the package: the uploaded name's letters, digits, dots,
// dashes and underscores, with the extension of what the file is.
func extractName(uploaded, kind string) string {
	base := uploaded
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteRune('_')
		}
		if b.Len() >= 60 {
			break
		}
	}
	name := b.String()
	if name == "" {
		name = "extract"
	}
	return name + "." + kind
}
