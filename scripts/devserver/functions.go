package main

// The functions the dev server serves: each package registers its function in its init
// (fnkit.HTTP, fnkit.Event), and run starts them all. TestServesEveryFunction checks that none
// of fnlist.All is missing.
import (
	_ "github.com/privacyloket/privacyloket/functions/approvedecision"
	_ "github.com/privacyloket/privacyloket/functions/confirmrequest"
	_ "github.com/privacyloket/privacyloket/functions/downloadresult"
	_ "github.com/privacyloket/privacyloket/functions/requestform"
	_ "github.com/privacyloket/privacyloket/functions/requeststatus"
	_ "github.com/privacyloket/privacyloket/functions/searchtask"
	_ "github.com/privacyloket/privacyloket/functions/sendmail"
	_ "github.com/privacyloket/privacyloket/functions/staffcase"
	_ "github.com/privacyloket/privacyloket/functions/staffdesk"
	_ "github.com/privacyloket/privacyloket/functions/thirdpartyresponse"
	_ "github.com/privacyloket/privacyloket/functions/tick"
	_ "github.com/privacyloket/privacyloket/functions/uploadid"
)
