// Package freeport finds a TCP port on 127.0.0.1 for a test server.
//
// A port the kernel hands out for 127.0.0.1:0 comes from the ephemeral range, the same range
// every outgoing connection and every emulator's helper listener draws from (the Firestore
// emulator opens three). Between the moment a test learns such a port and the moment its
// server binds it, another process may take it. Ports below the ephemeral range are handed out
// only on request, so a port found free there stays free unless another test picks it too.
package freeport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// lowest is the first port tried; below it live well-known services.
const lowest = 10000

// Port returns a port on 127.0.0.1 below the ephemeral range that nothing listens on now.
func Port() (int, error) {
	top := ephemeralStart()
	for range 200 {
		p := lowest + rand.IntN(top-lowest)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue
		}
		l.Close()
		return p, nil
	}
	return 0, fmt.Errorf("freeport: no free port on 127.0.0.1 between %d and %d", lowest, top)
}

// ephemeralStart returns the first port of the kernel's ephemeral range (32768 when unknown).
func ephemeralStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= lowest+1000 {
		return 32768
	}
	return n
}
