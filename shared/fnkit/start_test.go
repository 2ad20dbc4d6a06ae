package fnkit_test

import (
	"context"
	"encoding/base64"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// refuseAll stands in for the inspector: start-up needs one for RequestForm, and never calls it.
func refuseAll(context.Context, []byte) (*idcheck.Document, error) {
	return nil, &idcheck.Rejection{Code: idcheck.CodeUnsupportedType}
}

// docs/contract.md §2: a missing or malformed variable stops the function at start-up with one
// line naming it. Cloud Logging makes an entry of every line on stderr, so a second line would
// be a second, context-free entry.
func TestStartUpErrorIsOneLineNamingEveryVariable(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	prof := t.TempDir() + "/profile.json"
	if err := os.WriteFile(prof, []byte(`{"organisation":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		names []string
	}{
		{"missing and malformed", map[string]string{"GOOGLE_CLOUD_PROJECT": "", "PUBLIC_BASE_URL": "", "TRUSTED_PROXY_HOPS": "two", "ALLOW_TICK_NOW": "yes"},
			[]string{"GOOGLE_CLOUD_PROJECT", "PUBLIC_BASE_URL", "TRUSTED_PROXY_HOPS", "ALLOW_TICK_NOW"}},
		{"invalid profile", map[string]string{"ORG_PROFILE": prof}, []string{"ORG_PROFILE", "organisation.name"}},
		// A profile with placeholders does not start unless ALLOW_PLACEHOLDER_PROFILE (docs/contract.md
		// §2, issue 23 item 16): the error names each placeholder.
		{"placeholder profile", map[string]string{"LINK_SIGNING_KEY": key}, []string{"ORG_PROFILE", "ALLOW_PLACEHOLDER_PROFILE",
			"organisation.senderEmail (privacyloket@valleiwonen.example)", "organisation.postalAddress (Postbus 0000, 0000 XX Voorbeeldplaats)",
			"organisation.phone (000 000 0000)", "organisation.privacyOfficerPhone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := map[string]string{"GOOGLE_CLOUD_PROJECT": "demo-startup", "PUBLIC_BASE_URL": "https://loket.example",
				"LINK_SIGNING_KEY": key, "ID_ENCRYPTION_KEY": key, "PSEUDONYM_KEY": key,
				"TRUSTED_PROXY_HOPS": "1", "ALLOW_TICK_NOW": "false", "ORG_PROFILE": "vallei-wonen"}
			for k, v := range tc.env {
				base[k] = v
			}
			for k, v := range base {
				t.Setenv(k, v)
			}
			_, err := fnkit.Start(context.Background(), fnlist.RequestForm, fnkit.Inspector(refuseAll, refuseAll))
			if err == nil {
				t.Fatal("Start accepted a bad environment")
			}
			msg := err.Error()
			if strings.ContainsAny(msg, "\r\n") {
				t.Errorf("start-up error spans lines:\n%s", msg)
			}
			for _, n := range tc.names {
				if !strings.Contains(msg, n) {
					t.Errorf("start-up error does not name %s: %s", n, msg)
				}
			}
		})
	}
}

// noMail stands in for the SendGrid client's constructor.
func noMail(key, host string) (app.Mailer, error) { return mailer{}, nil }

type mailer struct{}

func (mailer) Send(context.Context, app.Mail) error { return nil }

// with is what each function's package registers it with.
func with(f fnlist.Function) []fnkit.Option {
	var o []fnkit.Option
	if f.InspectsUploads {
		o = append(o, fnkit.Inspector(refuseAll, refuseAll))
	}
	if f.Needs(fnlist.SecretSendGridKey) {
		o = append(o, fnkit.Mailer(noMail))
	}
	return o
}

// startEnv sets what every function reads, and only the secrets in secrets.
func startEnv(t *testing.T, secrets []string) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	t.Setenv("GOOGLE_CLOUD_PROJECT", "demo-startup")
	t.Setenv("PUBLIC_BASE_URL", "https://loket.example")
	t.Setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1") // made on first use: never here
	t.Setenv("PUBSUB_EMULATOR_HOST", "127.0.0.1:1")
	t.Setenv("ALLOW_PLACEHOLDER_PROFILE", "true") // the shipped profile holds placeholders
	for _, s := range []string{fnlist.SecretLinkSigningKey, fnlist.SecretIDEncryptionKey, fnlist.SecretSendGridKey, fnlist.SecretPseudonymKey} {
		t.Setenv(s, "")
	}
	for _, s := range secrets {
		t.Setenv(s, key)
	}
}

// Each function starts with exactly its own secrets, and builds only what it uses: a Sealer
// where it gets the ID key, a mail client where it gets the SendGrid key, the inspector where
// it inspects uploads, the page renderer where it serves pages.
func TestStartBuildsWhatTheFunctionUses(t *testing.T) {
	for _, f := range fnlist.All {
		t.Run(f.Name, func(t *testing.T) {
			startEnv(t, f.Secrets)
			k, err := fnkit.Start(context.Background(), f, with(f)...)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what     string
				has, use bool
			}{
				{"a Sealer", k.App.Equipped().Sealer, f.Needs(fnlist.SecretIDEncryptionKey)},
				{"a mail client", k.App.Equipped().Mailer, f.Needs(fnlist.SecretSendGridKey)},
				{"the inspector", k.App.Equipped().Inspector, f.InspectsUploads},
				{"the extract inspector", k.App.Equipped().ExtractInspector, f.InspectsUploads},
				{"the page renderer", k.Web != nil, f.Topic == ""},
			} {
				if c.has != c.use {
					t.Errorf("%s has %s: %t, want %t", f.Name, c.what, c.has, c.use)
				}
			}
			// One secret fewer, and start-up names it.
			for _, missing := range f.Secrets {
				startEnv(t, slices.DeleteFunc(slices.Clone(f.Secrets), func(s string) bool { return s == missing }))
				if _, err := fnkit.Start(context.Background(), f, with(f)...); err == nil || !strings.Contains(err.Error(), missing) {
					t.Errorf("without %s: %v, want an error naming it", missing, err)
				}
			}
		})
	}
}

// What a function's package registers it with must match the list: an inspector exactly where
// it inspects uploads, a mail client exactly where it gets the SendGrid key.
func TestStartRefusesARegistrationTheListDoesNotSay(t *testing.T) {
	startEnv(t, []string{fnlist.SecretLinkSigningKey, fnlist.SecretIDEncryptionKey, fnlist.SecretSendGridKey})
	for _, tc := range []struct {
		f    fnlist.Function
		with []fnkit.Option
		want string
	}{
		{fnlist.RequestForm, nil, "InspectsUploads"},
		{fnlist.SearchTask, []fnkit.Option{fnkit.Inspector(refuseAll, nil)}, "InspectsUploads"},
		{fnlist.ConfirmRequest, []fnkit.Option{fnkit.Inspector(refuseAll, refuseAll)}, "InspectsUploads"},
		{fnlist.SendMail, nil, fnlist.SecretSendGridKey},
		{fnlist.Tick, []fnkit.Option{fnkit.Mailer(noMail)}, fnlist.SecretSendGridKey},
	} {
		if _, err := fnkit.Start(context.Background(), tc.f, tc.with...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.f.Name, err, tc.want)
		}
	}
}
