package firestoredb

import (
	"fmt"
	"testing"
	"time"
)

func TestCounterSet(t *testing.T) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	var k counterSet
	if k.has("a", now) {
		t.Fatal("an empty set knows a counter")
	}
	k.add("a", now.Add(time.Hour), now)
	if !k.has("a", now) || !k.has("a", now.Add(59*time.Minute)) {
		t.Error("a counter added is not known within its window")
	}
	if k.has("a", now.Add(time.Hour)) {
		t.Error("a counter is known after its window ended")
	}
	// Full, it first forgets the counters whose windows ended.
	for i := range maxCounted - 1 {
		k.add(fmt.Sprint("old", i), now.Add(time.Minute), now)
	}
	later := now.Add(2 * time.Minute)
	k.add("new", later.Add(time.Hour), later)
	if !k.has("a", later) || !k.has("new", later) || len(k.m) != 2 {
		t.Errorf("after pruning: a %v, new %v, %d remembered; want both and 2", k.has("a", later), k.has("new", later), len(k.m))
	}
	// Full of live ones, it starts over rather than grow.
	for i := range maxCounted {
		k.add(fmt.Sprint("live", i), later.Add(time.Hour), later)
	}
	if len(k.m) > maxCounted {
		t.Errorf("%d remembered, more than %d", len(k.m), maxCounted)
	}
}
