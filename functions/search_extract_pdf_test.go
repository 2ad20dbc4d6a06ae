package functions_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/idcheck/inspect"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A system owner's PDF extract with a script and an attachment, through SearchTask on the
// emulators (docs/contract.md §3 "Search tasks"): accepted, with both removed and named on the
// extract's record, and the file in the requester's package is one an ID copy's inspection
// accepts. An image is no extract.
func TestSearchTaskPDFExtractSanitised(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Casework: true})
	resp, b := e.postJSON(t, "/RequestForm", with(valid(), "email", "pdf@tenant.test"))
	if resp.StatusCode != 201 {
		t.Fatalf("submit: %d %s", resp.StatusCode, b)
	}
	var created struct{ Reference string }
	json.Unmarshal([]byte(b), &created)
	ref := created.Reference
	conf := e.Mail.Await(t, "confirm_email", "pdf@tenant.test", ref)
	e.do(t, "POST", "/ConfirmRequest", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tokenOf(conf.Link("ConfirmRequest"))}}.Encode()), asJSON)
	stok := tokenOf(e.Mail.Await(t, "staff_case", "staff@corp.test", ref).Link("StaffCase"))
	staff := func(v url.Values) (int, string) {
		v.Set("token", stok)
		resp, b := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), asJSON)
		return resp.StatusCode, b
	}
	if code, b := staff(url.Values{"action": {"verify_identity"}, "method": {"known_data"}}); code != 200 {
		t.Fatalf("verify: %d %s", code, b)
	}
	tok := tokenOf(e.Mail.Await(t, "search_task", "huuradministratie@valleiwonen.example", ref).Link("SearchTask"))

	pdf := scriptedPDF()
	if _, err := inspect.InspectContext(context.Background(), pdf); err == nil {
		t.Fatal("the fixture passes as an ID copy: it holds no active content")
	}
	ct, body := taskPost(t, map[string]string{"token": tok, "result": "found"}, "scan.jpg", jpegWithExif(t))
	if resp, b := e.do(t, "POST", "/SearchTask", ct, body, asJSON); resp.StatusCode != 400 || !strings.Contains(b, "extract") {
		t.Errorf("a JPEG as extract: %d %s, want 400 naming extract", resp.StatusCode, b)
	}
	ct, body = taskPost(t, map[string]string{"token": tok, "result": "found"}, "huurdossier.pdf", pdf)
	if resp, b := e.do(t, "POST", "/SearchTask", ct, body, asJSON); resp.StatusCode != 200 || !strings.Contains(b, "huurdossier.pdf") {
		t.Fatalf("PDF extract with a script: %d %s, want 200", resp.StatusCode, b)
	}
	// The extract's record, read back from Firestore, names what was removed.
	c, err := e.Store.Case(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	var removed []string
	for _, task := range c.Searches {
		for _, x := range task.Extracts {
			if x.Kind == "pdf" {
				removed = x.Removed
			}
		}
	}
	if want := []string{idcheck.RemovedAttachments, idcheck.RemovedScripts}; !slices.Equal(removed, want) {
		t.Errorf("the extract's record: removed %q, want %q", removed, want)
	}

	// The other systems have nothing to add; the grant builds the package from the extract.
	for _, system := range []string{"dossiers-overlast", "dossiers-huurschuld", "website", "privacyloket"} {
		if code, b := staff(url.Values{"action": {"waive_search"}, "system": {system}, "reason": {"Niet van toepassing."}}); code != 200 {
			t.Fatalf("waive %s: %d %s", system, code, b)
		}
	}
	if code, b := staff(url.Values{"action": {"decide"}, "outcome": {"granted"}}); code != 200 {
		t.Fatalf("decide: %d %s", code, b)
	}
	link := e.Mail.Await(t, "result_ready", "pdf@tenant.test", ref).Link("DownloadResult")
	resp, pkg := e.do(t, "POST", "/DownloadResult", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tokenOf(link)}}.Encode()), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("download: %d", resp.StatusCode)
	}
	zr, err := zip.NewReader(strings.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for _, f := range zr.File {
		if f.Name == "MANIFEST.csv" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			manifest, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.Contains(string(manifest), "uit de PDF verwijderd voor de veiligheid: bijlagen, scripts") {
				t.Errorf("the manifest does not say what was taken out of the PDF:\n%s", manifest)
			}
		}
		if strings.HasPrefix(f.Name, "huuradministratie/") && strings.HasSuffix(f.Name, ".pdf") {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			got, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if got == nil {
		t.Fatal("the package holds no PDF for huuradministratie")
	}
	for _, banned := range []string{"JavaScript", "app.alert", "EmbeddedFile", "payload.exe"} {
		if bytes.Contains(got, []byte(banned)) {
			t.Errorf("the packaged extract still holds %q", banned)
		}
	}
	if doc, err := inspect.InspectContext(context.Background(), got); err != nil || doc.Pages != 2 {
		t.Errorf("the packaged extract inspected as an ID copy: %v, %v; want accepted, 2 pages", doc, err)
	}
}

// scriptedPDF is a two-page report with a script that runs on opening, a link that runs a
// script and an attached program.
func scriptedPDF() []byte {
	content := "BT /F1 12 Tf 72 720 Td (Huurdossier: betalingen 2025) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert('hallo')) >> " +
			"/Names << /EmbeddedFiles << /Names [(payload.exe) 7 0 R] >> >> >>",
		"<< /Type /Pages /Kids [5 0 R 6 0 R] /Count 2 >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> " +
			"/Annots [<< /Type /Annot /Subtype /Link /Rect [72 700 300 730] /A << /S /JavaScript /JS (app.alert(1)) >> >>] >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
		"<< /Type /Filespec /F (payload.exe) /EF << /F 8 0 R >> >>",
		"<< /Type /EmbeddedFile /Length 10 >>\nstream\nMZ payload\nendstream",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
