package app_test

import (
	"net/url"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A requester who wrote in English reads English pages: the links in their letters open the
// pages with lang=en (docs/contract.md §3: pages are Dutch unless lang=en).
func TestLinksOpenPagesInTheLettersLanguage(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend})
		for _, lang := range []string{"en", "nl"} {
			sub := access(lang + "@tenant.test")
			sub.Lang = lang
			c, err := s.App.Intake.Submit(ctx, sub, app.Client{IP: "192.0.2.1"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := s.Mail.Await(t, "confirm_email", sub.Email, c.Reference)
			u, err := url.Parse(m.Link("ConfirmRequest"))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"en": "en", "nl": ""}[lang]
			if got := u.Query().Get("lang"); got != want || u.Query().Get("token") == "" {
				t.Errorf("%s letter links to %s: lang %q, want %q, and a token", lang, u, got, want)
			}
		}
	})
}
