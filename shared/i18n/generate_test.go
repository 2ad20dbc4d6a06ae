package i18n

import (
	"bytes"
	"os"
	"testing"

	"github.com/privacyloket/privacyloket/shared/i18n/internal/catalogue"
)

// catalogue_gen.go is what the generator makes of locales/*.json today: a text edited in the
// JSON without go generate would otherwise never reach the product.
func TestGeneratedCatalogueIsCurrent(t *testing.T) {
	t.Parallel()
	want, err := catalogue.Generate(os.DirFS("."))
	if err != nil {
		t.Fatalf("locales/*.json do not compile: %v", err)
	}
	got, err := os.ReadFile("catalogue_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("catalogue_gen.go is stale: it does not match locales/*.json. Run: go generate ./shared/i18n")
	}
}

// The tables are sorted by key, as the binary search in Lookup needs, and Default comes first.
func TestTablesSorted(t *testing.T) {
	t.Parallel()
	if languages[0] != Default {
		t.Errorf("languages = %v, want %q first", languages, Default)
	}
	for _, lang := range languages {
		tab := tables(lang)
		if len(tab) == 0 {
			t.Errorf("%s: empty table", lang)
		}
		for i := 1; i < len(tab); i++ {
			if tab[i-1].key >= tab[i].key {
				t.Errorf("%s: %q comes before %q", lang, tab[i-1].key, tab[i].key)
			}
		}
	}
}
