package web

import (
	"net/url"
	"slices"
)

// Posted is a refused action as the browser sent it, for its form to show it again as it was.
type Posted struct {
	Action string
	Values url.Values
	// Files are the file fields that carried a file: a page cannot give a browser one back.
	Files []string
}

// Keep fills the form of the refused action in with what was posted, so that staff correct
// what was refused instead of entering everything again, and names the refusal at that form's
// fields alone (another form with a field of the same name stays as offered). The
// confirmation of an action that cannot be undone is asked again; a file is chosen again (the
// field says so).
func (p *StaffPage) Keep(lang string, in Posted) {
	for _, a := range p.forms() {
		if a.Name == in.Action {
			a.keep(lang, in)
		}
	}
	p.refuse(in.Action, p.refusals)
}

// forms are the page's forms in the order the page shows them: the team's, the actions', the
// checklist's.
func (p *StaffPage) forms() []*ActionView {
	var out []*ActionView
	add := func(a *ActionView) {
		if a != nil {
			out = append(out, a)
		}
	}
	add(p.Team.Assign)
	add(p.Team.Note)
	for i := range p.Actions {
		add(&p.Actions[i])
	}
	add(p.Checklist.Waive)
	add(p.Checklist.Add)
	return out
}

// refuse shows errs at their fields: of the form of action, the one posted, or with action ""
// of the first form that has the field; and lists them for the summary in the page's order.
func (p *StaffPage) refuse(action string, errs []FieldError) {
	p.refusals, p.Errors = errs, nil
	forms := p.forms()
	var order []anchor
	for _, a := range forms {
		a.clearErrors()
		order = append(order, a.anchors()...)
	}
	for _, e := range errs {
		link := ErrorLink{Label: e.Field, Message: e.Message}
		for _, a := range forms {
			if action != "" && a.Name != action {
				continue
			}
			if x, ok := a.refuse(e); ok {
				link = ErrorLink{Href: x.href, Label: x.label, Message: e.Message}
				break
			}
		}
		p.Errors = append(p.Errors, link)
	}
	place := func(href string) int {
		if i := slices.IndexFunc(order, func(x anchor) bool { return x.href == href }); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(p.Errors, func(a, b ErrorLink) int { return place(a.Href) - place(b.Href) })
}

// anchor is one input of a form for the error summary: where it is, its name and its label.
type anchor struct{ href, name, label string }

// anchors are the form's inputs that a refusal can name, in the order the page shows them.
func (a *ActionView) anchors() []anchor {
	var out []anchor
	for _, f := range a.Fields {
		if f.Named != nil {
			for _, in := range f.Named.Addresses {
				out = append(out, anchor{"#" + in.ID, in.Name, in.Label})
			}
		}
		out = append(out, anchor{"#" + a.Name + "-" + f.Name, f.Name, f.Label})
	}
	return out
}

// clearErrors shows the form as offered: no field refused.
func (a *ActionView) clearErrors() {
	for i := range a.Fields {
		a.Fields[i].Error = ""
		if n := a.Fields[i].Named; n != nil {
			for j := range n.Addresses {
				n.Addresses[j].Error = ""
			}
		}
	}
}

// refuse shows e at the form's input it names, and reports where that is; false when the form
// has no such input.
func (a *ActionView) refuse(e FieldError) (anchor, bool) {
	for i := range a.Fields {
		f := &a.Fields[i]
		if f.Named != nil {
			for j := range f.Named.Addresses {
				if in := &f.Named.Addresses[j]; in.Name == e.Field {
					in.Error = e.Message
					return anchor{"#" + in.ID, in.Name, in.Label}, true
				}
			}
		}
		if f.Name == e.Field {
			f.Error = e.Message
			return anchor{"#" + a.Name + "-" + f.Name, f.Name, f.Label}, true
		}
	}
	return anchor{}, false
}

// keep fills the form's fields in with what in posted.
func (a *ActionView) keep(lang string, in Posted) {
	for j := range a.Fields {
		f := &a.Fields[j]
		switch v := in.Values.Get(f.Name); {
		case f.Kind == "file":
			if slices.Contains(in.Files, f.Name) {
				f.Hint = T(lang, "staff.file.again")
			}
		case f.Kind == "checkbox":
			if v == "true" || v == "on" {
				f.Value = "true"
			} else {
				f.Value = ""
			}
		case f.Named != nil:
			f.Value = f.Named.keep(in.Values)
		default:
			f.Value = v
		}
	}
}
