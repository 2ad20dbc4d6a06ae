package memstore_test

import (
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/memstore"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

func TestSessionsContract(t *testing.T) {
	t.Parallel()
	storetest.RunSessions(t, func(*testing.T) app.SessionStore { return memstore.NewSessions() })
}
