package web

import (
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want bool
	}{
		{"no browser headers (a script with the token)", nil, true},
		{"same-origin fetch metadata", map[string]string{"Sec-Fetch-Site": "same-origin"}, true},
		{"typed into the address bar", map[string]string{"Sec-Fetch-Site": "none"}, true},
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://example.com"}, false},
		{"same-site, other origin", map[string]string{"Sec-Fetch-Site": "same-site"}, false},
		{"own origin", map[string]string{"Origin": "http://example.com"}, true},
		{"other origin", map[string]string{"Origin": "https://evil.test"}, false},
		// A sandboxed frame or data: page posts with Origin: null; old browsers without fetch
		// metadata must not let it through.
		{"opaque origin without fetch metadata", map[string]string{"Origin": "null"}, false},
	} {
		r := httptest.NewRequest("POST", "http://example.com/RequestForm", nil)
		for k, v := range tc.hdr {
			r.Header.Set(k, v)
		}
		if got := SameOrigin(r); got != tc.want {
			t.Errorf("%s: SameOrigin = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestIsReference(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"PL-7K3M-Q9XD": true, "PL-0000-ZZZZ": true,
		"": false, "PL-7K3M-Q9X": false, "PL-7K3M-Q9XDD": false, "pl-7k3m-q9xd": false, "PL-7K3MQ-9XD": false,
		"PL-ILOU-0000": false, "XX-7K3M-Q9XD": false, "Bel 0900-FRAUDE": false, "PL-7K3M-Q9X<": false,
	} {
		if got := IsReference(s); got != want {
			t.Errorf("IsReference(%q) = %v, want %v", s, got, want)
		}
	}
}

// Pages are parsed on first use; every one of them must parse.
func TestEveryPageParses(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.pages) == 0 {
		t.Fatal("no pages")
	}
	if err := r.parseAll(); err != nil {
		t.Fatal(err)
	}
}

func TestBackLinkAfterARefusedPost(t *testing.T) {
	cases := []struct {
		target, body string
		code         int
		want         string
	}{
		{"/StaffCase", "token=abc&action=note", http.StatusBadRequest, "/StaffCase?token=abc"},
		{"/StaffCase?lang=en", "token=abc", http.StatusConflict, "/StaffCase?lang=en&token=abc"},
		{"/StaffDesk", "form_token=x&action=register", http.StatusBadRequest, "/StaffDesk"},
		{"/StaffDesk?lang=en", "form_token=x", http.StatusConflict, "/StaffDesk?lang=en"},
		{"/StaffDesk", "", http.StatusTooManyRequests, ""},
		{"/StaffCase", "action=note", http.StatusBadRequest, ""},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, c.target, strings.NewReader(c.body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		if got := backLink(r, c.code); got != c.want {
			t.Errorf("backLink(POST %s %q, %d) = %q, want %q", c.target, c.body, c.code, got, c.want)
		}
	}
}

// The language switch keeps the whole query (a letter to print, a token) as query parameters,
// not escaped into one: it once led to /StaffDesk?letterId%3dX%26view%3dletter&lang=en.
func TestLanguageSwitchKeepsTheQuery(t *testing.T) {
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r.Problem(w, httptest.NewRequest("GET", "/StaffDesk?view=letter&letterId=PL-A-B-receipt-1&lang=nl", nil), 500, "nl", "err.internal", nil)
	m := regexp.MustCompile(`class="lang"[^>]* href="([^"]*)"`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("no language switch:\n%s", w.Body.String())
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); u.Path != "" || q.Get("view") != "letter" || q.Get("letterId") != "PL-A-B-receipt-1" || q.Get("lang") != "en" || len(q) != 3 {
		t.Errorf("language switch %q, want ?letterId=PL-A-B-receipt-1&view=letter&lang=en", m[1])
	}
}
