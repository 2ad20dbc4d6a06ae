// Command devserver is the local server behind scripts/dev: it serves every Privacyloket
// function on one port through the Functions Framework, wires the Pub/Sub emulator's topics
// to it with push subscriptions, optionally runs the local mailbox (shared/devmailbox) and
// publishes a tick now and then, as Cloud Scheduler does in production.
//
// It imports every function's package (functions.go) and starts them all in one process, each
// from the environment as when deployed (fnkit.StartAll); a bad environment stops it with one
// line per function.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	cfg, err := loadConfig(os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "devserver: %v\n", err)
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "devserver: %v\n", err)
		os.Exit(1)
	}
}
