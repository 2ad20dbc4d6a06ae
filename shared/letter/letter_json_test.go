package letter

import (
	"encoding/json"
	"testing"

	"cloud.google.com/go/civil"
	"github.com/google/go-cmp/cmp"
)

// The outbox stores Data as JSON: a zero date must survive the round trip.
func TestDataJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, d := range []Data{
		{Reference: "PL-1"},
		{Reference: "PL-2", DueDate: civil.Date{Year: 2026, Month: 4, Day: 24}, ThirdParty: &ThirdPartyInfo{ObjectionDays: 14}},
	} {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var got Data
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if diff := cmp.Diff(d, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}
