package deadline

import "cloud.google.com/go/civil"

// InternalDate is a case's internal target date (docs/rules.md §3): margin working days before
// due, counted on the undisputed holidays (as GDPR periods are), never before received. A zero
// due date (the clock has not started) gives the zero date.
func (c *Calendar) InternalDate(due, received civil.Date, margin int) civil.Date {
	if due.IsZero() {
		return civil.Date{}
	}
	d := due
	for n := margin; n > 0; n-- {
		d = d.AddDays(-1)
		for !c.IsGDPRWorkingDay(d) {
			d = d.AddDays(-1)
		}
	}
	if !received.IsZero() && d.Before(received) {
		return received
	}
	return d
}

// AddGDPRWorkingDays moves n working days forward from d (d itself not counted), on the
// undisputed holidays: a search task's own term (docs/contract.md §3).
func (c *Calendar) AddGDPRWorkingDays(d civil.Date, n int) civil.Date {
	for ; n > 0; n-- {
		d = d.AddDays(1)
		for !c.IsGDPRWorkingDay(d) {
			d = d.AddDays(1)
		}
	}
	return d
}
