package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The answer assembled (docs/contract.md §3 "Search tasks", issue 21 item 6): an access package
// of a searched case holds a folder per system with its extracts, MANIFEST.csv and
// overzicht.html, and its README names each system's retention and recipients and the
// consultation log.

// buildsFromSearches reports whether a decide may build a package from the search extracts, so
// StaffAct reads the case before its transaction: a grant where the profile has a register.
func (s *Casework) buildsFromSearches(in StaffInput) bool {
	return in.Outcome != request.Refused && len(s.d.Profile.Systems) > 0
}

// searchesRelax drops the requirement of staff's own result file from a searched case: the
// owners' extracts are the answer, the file an optional addition.
func searchesRelax(c *request.Case, errs []request.FieldError) []request.FieldError {
	if len(c.Searches) == 0 {
		return errs
	}
	return slices.DeleteFunc(errs, func(e request.FieldError) bool { return e.Field == "resultFile" && e.Code == "required" })
}

// consultationPurpose is the purpose of a staff view unless staff record another.
var consultationPurpose = accessresult.Text{NL: "behandeling van uw verzoek", EN: "handling your request"}

// searchedPackage is what c's search tasks add to its access package: each extract by where it
// is stored, with its header (its files and the start of its table for the overview), which is
// all of it that is read now; nil for a case that was not searched.
func (s *Casework) searchedPackage(ctx context.Context, c *request.Case, events []request.Event) (*accessresult.Searches, error) {
	if len(c.Searches) == 0 {
		return nil, nil
	}
	text := func(t policy.Text) accessresult.Text { return accessresult.Text{NL: t.NL, EN: t.EN} }
	out := &accessresult.Searches{Lang: c.Lang}
	if c.ThirdParty != nil && c.ThirdParty.Mask {
		out.Masked = accessresult.Text{NL: "gegevens van een ander (bescherming van de rechten van anderen)", EN: "another person's data (protection of the rights of others)"}
	}
	for i := range c.Searches {
		t := &c.Searches[i]
		if t.Phase != request.PhaseSearch || t.State == request.TaskCancelled {
			continue
		}
		part := accessresult.SystemPart{Folder: t.System, Name: accessresult.Text{NL: t.Name, EN: t.Name}, Result: string(t.Result), AnsweredAt: t.AnsweredAt}
		if sys, ok := s.d.Profile.System(t.System); ok && t.Name == "" {
			part.Name, part.Department, part.Holds = text(sys.Name), text(sys.Department), text(sys.Holds)
			part.Retention, part.LegalGround = text(sys.Retention), text(sys.LegalGround)
			for _, r := range sys.Recipients {
				part.Recipients = append(part.Recipients, text(r.Text))
			}
		}
		switch t.State {
		case request.TaskWaived:
			part.Result, part.Reason = "waived", t.Reason
		case request.TaskOpen:
			part.Result = "open"
		}
		for _, e := range t.Extracts {
			h, err := s.extractHeader(ctx, c.Reference, e.Key)
			if err != nil {
				return nil, err
			}
			part.Files = append(part.Files, accessresult.PartFile{Name: e.Name, Kind: e.Kind, Key: e.Key, Header: h, Removed: e.Removed})
		}
		out.Systems = append(out.Systems, part)
	}
	for _, e := range events {
		if e.Action == request.ActCaseViewed || e.Action == request.ActIDCopyViewed {
			out.Consultations = append(out.Consultations, accessresult.Consultation{At: e.At, Purpose: consultationPurpose})
		}
	}
	return out, nil
}

// extractHeader reads the header of one stored extract, and no more of it.
func (s *Casework) extractHeader(ctx context.Context, ref, key string) (*accessresult.ExtractHeader, error) {
	rc, err := s.extractOpener(ctx, ref)(key)
	if err != nil {
		return nil, fmt.Errorf("open extract of %s: %w", ref, err)
	}
	defer rc.Close()
	h, err := accessresult.ReadExtractHeader(rc)
	if err != nil {
		return nil, fmt.Errorf("read extract of %s: %w", ref, err)
	}
	return h, nil
}

// storePackage makes the plan of c's access package (accessresult.NewPlan: the files made now,
// and where each extract goes) and stores it sealed in segments, under a key of this attempt's
// own; DownloadResult streams the package from it (download.go).
func (s *Casework) storePackage(ctx context.Context, c *request.Case, events []request.Event, res *accessresult.Result,
	own accessresult.Own, info accessresult.Info, p *prepared, now time.Time) error {
	searched, err := s.searchedPackage(ctx, c, events)
	if err != nil {
		return err
	}
	plan, err := accessresult.NewPlan(s.d.Profile.Organisation.Name, res, own, info, searched, now)
	if err != nil {
		return fmt.Errorf("build access package: %w", err)
	}
	sealed, err := s.sealInto(resultAAD(c.Reference), func(w io.Writer) error {
		_, err := plan.WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("seal access package: %w", err)
	}
	p.key, p.expires = rand.Text(), s.resultExpiry(now)
	if _, to := c.Recipient(); to == "" {
		p.expires = paperResultExpiry(now)
	}
	if err := s.d.Blobs.PutAccessPackage(ctx, c.Reference, p.key, sealed, p.expires); err != nil {
		return fmt.Errorf("store access package: %w", err)
	}
	p.stored, p.size, p.extracts = true, int(plan.Size()), countExtracts(c)
	return nil
}

// countExtracts counts the extracts of c's tasks.
func countExtracts(c *request.Case) int {
	n := 0
	for _, t := range c.Searches {
		n += len(t.Extracts)
	}
	return n
}

// searchesUnchanged refuses a decision whose package was built before an owner added an extract
// (the package would lack it): 409 searches_changed, and staff decide again.
func searchesUnchanged(c *request.Case, pre *prepared) error {
	if pre == nil || !pre.stored || countExtracts(c) == pre.extracts {
		return nil
	}
	return &NotAllowedError{Reason: "searches_changed"}
}
