package terraform_test

import (
	"testing"
)

// Cloud Armor limits POSTs to /RequestForm and /UploadID by path. A URL map whose default sends
// every other path (/requestform, /x, a bare IP's Host) to a function lets a client post to that
// function under a path the rule does not match, around the limit. Only the functions' own
// paths may reach a function; anything else is redirected.
func TestOnlyTheFunctionsPathsReachAFunction(t *testing.T) {
	t.Parallel()
	m, errs := load(".")
	if m == nil {
		t.Fatal(errs)
	}
	maps := m.byType["google_compute_url_map"]
	if len(maps) == 0 {
		t.Fatal("no google_compute_url_map")
	}
	for _, b := range maps {
		if attr(b.body, "default_service") != nil {
			t.Errorf("%s: default_service sends unknown paths and hosts to a backend; redirect them (default_url_redirect)", b.addr)
		}
		for _, pm := range blocks(b.body, "path_matcher") {
			if attr(pm, "default_service") != nil {
				t.Errorf("%s: path_matcher default_service sends unknown paths to a backend; redirect them (default_url_redirect)", b.addr)
			}
			if block1(pm, "default_url_redirect") == nil {
				t.Errorf("%s: path_matcher needs a default_url_redirect", b.addr)
			}
		}
	}
}
