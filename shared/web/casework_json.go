package web

import "github.com/privacyloket/privacyloket/shared/app"

// addCasework adds the internal date and the search checklist to a staff member's case JSON
// (docs/contract.md §3 "Search tasks").
func addCasework(out map[string]any, v *app.StaffView) {
	cw := v.Casework
	if !cw.InternalDate.IsZero() {
		out["internalDate"] = cw.InternalDate.String()
	}
}
