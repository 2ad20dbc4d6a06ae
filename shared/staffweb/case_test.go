package staffweb

import (
	"slices"
	"testing"
)

// Recipients come as the decide form's ticked boxes (one each) and its box of other addresses
// (one per line, or several apart by commas or spaces); a line without "@" is the name of an
// organisation of the register and is kept whole, in its own case, and so is such a name with
// an address ("Name <address>").
func TestSplitListKeepsNamesWhole(t *testing.T) {
	t.Parallel()
	got := splitList([]string{"privacy@woningnet.example", "Gemeente Hilversum", " A@x.nl, b@y.nl c@z.nl\r\nAannemer Bouw, afdeling Onderhoud;d@w.nl\n\n",
		"Aannemer Bouw <Info@Bouw.example>\n"})
	want := []string{"privacy@woningnet.example", "Gemeente Hilversum", "a@x.nl", "b@y.nl", "c@z.nl", "Aannemer Bouw, afdeling Onderhoud", "d@w.nl",
		"Aannemer Bouw <Info@Bouw.example>"}
	if !slices.Equal(got, want) {
		t.Errorf("splitList = %q, want %q", got, want)
	}
}
