// Command duedate prints the due date the product would set for a request (docs/contract.md §6):
//
//	go run ./scripts/duedate --profile vallei-wonen --type access --received 2026-03-27 [--extended] [--suspended N]
//
// It prints YYYY-MM-DD. --suspended N adds the N calendar days the clock stood still to the
// end of the term before a GDPR end rolls off a weekend or holiday; with --extended it gives
// the extended date moved by those days (docs/rules.md §3). When the date lies in a year
// without decree-day data, a note on stderr says so. Bad flags give a usage message on stderr
// and exit status 2.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses: 2 for a usage error, 1 when valid input has no answer (e.g. a complaint in a
// profile without a complaint term, or --extended for a complaint).
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("duedate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profile := fs.String("profile", "vallei-wonen", "policy profile: "+strings.Join(policy.Names(), ", ")+", or a path to a profile JSON file")
	typ := fs.String("type", "", "request type: "+strings.Join(policy.RequestTypes(), ", "))
	received := fs.String("received", "", "date the request was received, YYYY-MM-DD (Europe/Amsterdam)")
	extended := fs.Bool("extended", false, "print the latest due date an extension may set (GDPR 12(3))")
	suspended := fs.Int("suspended", 0, "calendar days the clock was suspended while awaiting identity (added to the end of the term)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: duedate --type TYPE --received YYYY-MM-DD [--profile NAME|PATH] [--extended] [--suspended N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "duedate: "+format+"\n", a...)
		fs.Usage()
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usage("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var problems []string
	if *typ == "" {
		problems = append(problems, "--type is required")
	} else if !slices.Contains(policy.RequestTypes(), *typ) {
		problems = append(problems, fmt.Sprintf("--type %q is not one of %s", *typ, strings.Join(policy.RequestTypes(), ", ")))
	}
	day, err := civil.ParseDate(*received)
	if *received == "" {
		problems = append(problems, "--received is required")
	} else if err != nil {
		problems = append(problems, fmt.Sprintf("--received %q is not a date YYYY-MM-DD", *received))
	}
	if *suspended < 0 {
		problems = append(problems, "--suspended must not be negative")
	}
	if len(problems) > 0 {
		return usage("%s", strings.Join(problems, "; "))
	}
	p, err := policy.Load(*profile)
	if err != nil {
		return usage("--profile: %v", err)
	}

	cal := deadline.NewCalendar()
	compute := cal.Due
	if *extended {
		compute = cal.ExtendedDue
	}
	due, err := compute(p, request.Type(*typ), day, *suspended)
	if err != nil {
		fmt.Fprintf(stderr, "duedate: %v\n", err)
		return exitFail
	}
	fmt.Fprintln(stdout, due)
	if !cal.HasDecreeData(due.Year) {
		fmt.Fprintf(stderr, "duedate: note: no decree-day data for %d (shared/deadline/decree_days.json); counted with the statutory holidays only\n", due.Year)
	}
	return exitOK
}
