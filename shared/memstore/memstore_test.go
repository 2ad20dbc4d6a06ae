package memstore_test

import (
	"testing"

	"github.com/privacyloket/privacyloket/shared/memstore"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(*testing.T) storetest.Subject { return memstore.New() })
}
