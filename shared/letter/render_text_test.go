package letter

import (
	"strings"
	"testing"
)

// Issue 11 item 5: requester text is text. A name or free text with line breaks, "## " and
// "- " adds no heading, list or paragraph to the organisation's e-mails.
func TestValuesAddNoMarkup(t *testing.T) {
	t.Parallel()
	evil := "Carla\n\n## Uw account is geblokkeerd\n- bel 0900-1234\r\n- of klik op evil.test"
	lead := "## Kop\n- punt"
	f := loadFixture(t, "vallei-wonen")
	for _, tc := range []struct {
		kind Kind
		set  func(*Data, string)
	}{
		{Receipt, func(d *Data, v string) { d.RecipientName = v }},
		{StaffCase, func(d *Data, v string) { d.Staff.SubjectName = v }},
		{Decision, func(d *Data, v string) { d.Decision.Motivation = v }},
		{IDRequested, func(d *Data, v string) { d.Reason = v }},
		{CorrectionNotice, func(d *Data, v string) { d.Correction.Summary = v }},
	} {
		for _, lang := range Languages() {
			t.Run(lang+"/"+string(tc.kind), func(t *testing.T) {
				t.Parallel()
				plain := f.data(t, tc.kind)
				tc.set(&plain, "Carla")
				want := mustRender(t, tc.kind, lang, plain)
				for _, v := range []string{evil, lead} {
					d := f.data(t, tc.kind)
					tc.set(&d, v)
					m := mustRender(t, tc.kind, lang, d)
					for _, tag := range []string{"<h2", "<li", "<ul", "<p "} {
						if got, n := strings.Count(m.HTML, tag), strings.Count(want.HTML, tag); got != n {
							t.Errorf("%q: %d %s in the HTML, %d with a plain value", v, got, tag, n)
						}
					}
					if strings.ContainsAny(m.Subject, "\r\n") || strings.ContainsRune(m.HTML+m.Text, '\uE000') || strings.ContainsRune(m.HTML+m.Text, '\uE001') {
						t.Errorf("%q: a line break in the subject or a mark left in the output", v)
					}
					if err := wellFormed(m.HTML); err != nil {
						t.Errorf("HTML is not well-formed: %v", err)
					}
				}
			})
		}
	}
}
