package web

import (
	"net/http/httptest"
	"testing"
)

func TestClientAddr(t *testing.T) {
	t.Parallel()
	const peer = "198.51.100.9"
	cases := []struct {
		name string
		xff  []string // header lines, in order
		hops int
		want string
	}{
		{"no proxy: the header is ignored", []string{"203.0.113.7"}, 0, peer},
		{"no proxy, forged header", []string{"1.2.3.4, 203.0.113.7"}, 0, peer},
		{"Cloud Run direct", []string{"203.0.113.7"}, 1, "203.0.113.7"},
		{"Cloud Run direct, forged leading entry", []string{"1.2.3.4, 203.0.113.7"}, 1, "203.0.113.7"},
		{"load balancer", []string{"203.0.113.7, 34.120.0.1"}, 2, "203.0.113.7"},
		{"load balancer, forged leading entry", []string{"1.2.3.4,203.0.113.7,34.120.0.1"}, 2, "203.0.113.7"},
		{"load balancer, forged entries on several lines", []string{"1.2.3.4", "5.6.7.8, 203.0.113.7, 34.120.0.1"}, 2, "203.0.113.7"},
		{"load balancer, IPv6 client", []string{"2001:db8::1, 34.120.0.1"}, 2, "2001:db8::1"},
		{"entry with a port", []string{"[2001:db8::1]:5000, 34.120.0.1"}, 2, "2001:db8::1"},
		{"IPv4-mapped IPv6 is IPv4", []string{"::ffff:203.0.113.7"}, 1, "203.0.113.7"},
		{"too few entries: the peer, not the client's entry", []string{"34.120.0.1"}, 2, peer},
		{"no header", nil, 2, peer},
		{"the chosen entry is not an address", []string{"1.2.3.4, unknown, 34.120.0.1"}, 2, peer},
		{"the chosen entry is empty", []string{"1.2.3.4,, 34.120.0.1"}, 2, peer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/RequestForm", nil)
			r.RemoteAddr = peer + ":41234"
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientAddr(r, tc.hops); got != tc.want {
				t.Errorf("ClientAddr(%q, %d) = %q, want %q", tc.xff, tc.hops, got, tc.want)
			}
		})
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[2001:db8::5]:443"
	if got := ClientAddr(r, 0); got != "2001:db8::5" {
		t.Errorf("IPv6 peer: %q", got)
	}
}

func TestLimitKeyAddr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"2001:db8:1:2:a:b:c:d": "2001:db8:1:2::/64",
		"2001:db8:1:2::ffff":   "2001:db8:1:2::/64",
		"not an address":       "not an address",
	} {
		if got := LimitKeyAddr(in); got != want {
			t.Errorf("LimitKeyAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimitKeyEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"carla@example.nl":           "carla@example.nl",
		"Carla@Example.NL":           "carla@example.nl",
		" carla+1@example.nl ":       "carla@example.nl",
		"CARLA+spam+more@example.nl": "carla@example.nl",
		"+only@example.nl":           "+only@example.nl",
		"no-at-sign":                 "no-at-sign",
	} {
		if got := LimitKeyEmail(in); got != want {
			t.Errorf("LimitKeyEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
