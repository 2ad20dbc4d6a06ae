package memstore_test

import (
	"testing"

	"github.com/privacyloket/privacyloket/shared/memstore"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

func TestTasksContract(t *testing.T) {
	storetest.RunTasks(t, func(*testing.T) storetest.Subject { return memstore.New() })
}
