package handlers

import (
	"context"
	"encoding/base64"
	"os"
	"strings"
	"testing"
)

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
				"FUNCTION_TARGET": NameRequestForm, "LINK_SIGNING_KEY": key, "ID_ENCRYPTION_KEY": key,
				"TRUSTED_PROXY_HOPS": "1", "ALLOW_TICK_NOW": "false", "ORG_PROFILE": "vallei-wonen"}
			for k, v := range tc.env {
				base[k] = v
			}
			for k, v := range base {
				t.Setenv(k, v)
			}
			_, err := FromEnv(context.Background())
			if err == nil {
				t.Fatal("FromEnv accepted a bad environment")
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
