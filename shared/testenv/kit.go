package testenv

import (
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/logging"
	"github.com/privacyloket/privacyloket/shared/web"
)

// Kit is function f's Kit on this stack, as fnkit.Start builds it when deployed but from the
// stack's dependencies: with exactly what f gets (ForFunction), so a page that needs what its
// function lacks fails here as it would in production.
func (s *Stack) Kit(t testing.TB, f fnlist.Function, o fnkit.Options) *fnkit.Kit {
	t.Helper()
	return s.KitFrom(t, f, s.Deps, o)
}

// KitFrom is Kit built from d (the stack's dependencies, some replaced) instead.
func (s *Stack) KitFrom(t testing.TB, f fnlist.Function, d app.Deps, o fnkit.Options) *fnkit.Kit {
	t.Helper()
	svc, err := app.New(ForFunction(f, d))
	if err != nil {
		t.Fatal(err)
	}
	log := logging.New(s.Logs, s.Project)
	var r *web.Renderer
	if f.Topic == "" {
		if r, err = web.NewRenderer(log, svc.Profile().Organisation.Name); err != nil {
			t.Fatal(err)
		}
		r.SetContact(web.ContactOf(svc.Profile().Organisation))
	}
	k, err := fnkit.NewKit(f, svc, r, log, o)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// ForFunction drops from d what the deployed function f does not get: the Sealer without the
// ID key, the Mailer without the SendGrid key (fnlist.Function.Secrets), the inspectors (of
// ID copies and of extracts) unless it inspects uploads.
func ForFunction(f fnlist.Function, d app.Deps) app.Deps {
	if !f.Needs(fnlist.SecretIDEncryptionKey) {
		d.Sealer = nil
	}
	if !f.Needs(fnlist.SecretSendGridKey) {
		d.Mailer = nil
	}
	if !f.InspectsUploads {
		d.Inspect, d.InspectExtract = nil, nil
	}
	return d
}
