package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/privacyloket/privacyloket/shared/request"
)

// ClientAddr is the caller's IP address, for per-address rate limits. hops is
// TRUSTED_PROXY_HOPS: how many proxies in front of the functions append to X-Forwarded-For.
// The client address is the entry hops places from the right (1 = the rightmost). Everything
// to the left of the proxies' own entries was written by the client and is never used.
//
// The value per deployment:
//   - 0: nothing in front appends to the header, e.g. scripts/dev. The header is ignored; the
//     address is the connection's peer.
//   - 1: the function is reached directly at its Cloud Run / Cloud Functions URL (Terraform
//     without a domain, ingress ALLOW_ALL). Google's front end appends the address it received
//     the connection from; the peer is a Google-internal address.
//   - 2: behind Google's external Application Load Balancer (Terraform with a domain, ingress
//     ALLOW_INTERNAL_AND_GCLB). The load balancer appends "<client-ip>,<load-balancer-ip>", so
//     the client is 2 from the right.
//   - Each further proxy in front that appends (a CDN, a corporate proxy) adds 1.
//
// With 2, the functions must be reachable only through the load balancer: a caller who reaches
// the function's own URL directly controls the entry 2 from the right. A value too high for
// the deployment is just as wrong (the client chooses the address); a value too low puts every
// client in the load balancer's bucket.
//
// With too few entries, or an entry that is not an IP address, the answer is the peer address,
// never another entry.
func ClientAddr(r *http.Request, hops int) string {
	if hops > 0 {
		var entries []string
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for e := range strings.SplitSeq(v, ",") {
				entries = append(entries, strings.TrimSpace(e))
			}
		}
		if len(entries) >= hops {
			if a, ok := parseAddr(entries[len(entries)-hops]); ok {
				return a.String()
			}
		}
	}
	return peerAddr(r)
}

// peerAddr is the host of the connection's peer.
func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, ok := parseAddr(host); ok {
		return a.String()
	}
	return host
}

// parseAddr reads "203.0.113.7", "2001:db8::1", "[2001:db8::1]:443" or "203.0.113.7:443".
func parseAddr(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

// LimitKeyAddr is the part of a client address that a per-address limit counts: an IPv4
// address as is, an IPv6 address as its /64 network, since one subscriber commonly holds a
// whole /64 and could otherwise use a fresh address per request. Anything else as given.
func LimitKeyAddr(addr string) string {
	a, ok := parseAddr(addr)
	if !ok {
		return addr
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// LimitKeyEmail is request.LimitKeyEmail, the form of an address a per-address limit counts.
func LimitKeyEmail(email string) string { return request.LimitKeyEmail(email) }
