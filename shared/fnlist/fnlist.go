// Package fnlist is the list of Privacyloket's functions: for each, its name, its trigger, who
// may call it, the secrets it gets and how Terraform deploys it. Everything else follows from
// it: the package under functions/ that registers the function (Source), the secrets
// shared/config requires at its start-up, what shared/fnkit builds for it, and
// terraform/functions.json, which `go test ./terraform -run TestFunctionsData -update` writes
// from this list. It imports nothing of the product, so anything may import it.
package fnlist

import (
	"slices"
	"strings"
	"unicode"
)

// Topics: a function with a Topic is triggered by the messages published to it.
const (
	TopicMail  = "mail"  // one letter to send
	TopicTicks = "ticks" // the scheduled sweep, once a minute
)

// Secrets: environment variables that Terraform mounts from Secret Manager into exactly the
// functions whose Secrets name them; shared/config requires exactly those at start-up.
const (
	SecretSendGridKey     = "SENDGRID_API_KEY"
	SecretLinkSigningKey  = "LINK_SIGNING_KEY"
	SecretIDEncryptionKey = "ID_ENCRYPTION_KEY"
	// SecretPseudonymKey keys the hashes that stand in for IP and e-mail addresses (rate
	// limits), letter ids, desk sessions and sign-out records. Every function has its own
	// secret for it: derived from the link key, a link-key rotation would end every desk session
	// and forget every sign-out, so links made before a sign-out would open the desk again.
	SecretPseudonymKey = "PSEUDONYM_KEY"
)

// Firestore roles a function's account is given: read-only or read-write.
const (
	FirestoreRead  = "roles/datastore.viewer"
	FirestoreWrite = "roles/datastore.user"
)

// Function is one deployed function.
type Function struct {
	// Name is the entry point (FUNCTION_TARGET) and the path it is served at locally (/<Name>).
	Name string
	// Topic triggers an event function; "" for an HTTP function.
	Topic string
	// Public: anyone may invoke it (the pages and their forms; the links carry the authority).
	Public bool
	// Secrets are mounted into it and required at its start-up.
	Secrets []string
	// InspectsUploads: it opens uploaded ID copies, so it links the inspector (pdfcpu, image
	// codecs) and its memory leaves room for one; no other function does either.
	InspectsUploads bool
	// Publishes lists the topics it may publish to.
	Publishes []string
	// Firestore is the role its account holds: FirestoreRead or FirestoreWrite.
	Firestore string
	// Memory, Concurrency, TimeoutSeconds and MaxInstances size the Cloud Run service;
	// MaxInstances 0 leaves it to var.max_instances.
	Memory         string
	Concurrency    int
	TimeoutSeconds int
	MaxInstances   int
	// Note says what it does and why it is sized so (the service's description).
	Note string
}

// The functions, in the order Terraform lists them.
var (
	RequestForm = Function{Name: "RequestForm", Public: true, InspectsUploads: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey, SecretIDEncryptionKey}, Publishes: []string{TopicMail}, Firestore: FirestoreWrite,
		Memory: "1Gi", Concurrency: 20, TimeoutSeconds: 60,
		Note: "The public request form. 1Gi leaves room for a 10 MiB ID copy while it is sniffed, decoded, re-encoded and sealed."}
	ConfirmRequest = Function{Name: "ConfirmRequest", Public: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey}, Publishes: []string{TopicMail}, Firestore: FirestoreWrite,
		Memory: "256Mi", Concurrency: 40, TimeoutSeconds: 60,
		Note: "The requester confirms the address through a signed link; the receipt and the staff letters are queued."}
	UploadID = Function{Name: "UploadID", Public: true, InspectsUploads: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey, SecretIDEncryptionKey}, Firestore: FirestoreWrite,
		Memory: "1Gi", Concurrency: 20, TimeoutSeconds: 60,
		Note: "The requester uploads a masked ID copy, sealed at rest. Queues no letters. 1Gi as RequestForm."}
	RequestStatus = Function{Name: "RequestStatus", Public: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey}, Firestore: FirestoreRead,
		Memory: "256Mi", Concurrency: 40, TimeoutSeconds: 60,
		Note: "The requester's status page. It only reads: read-only Firestore role, no publishing."}
	StaffCase = Function{Name: "StaffCase", Public: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey, SecretIDEncryptionKey}, Publishes: []string{TopicMail}, Firestore: FirestoreWrite,
		Memory: "512Mi", Concurrency: 10, TimeoutSeconds: 60,
		Note: "A staff member's page for one case. A grant stores the access package's plan and reads only each extract's header (8 systems with a 10 MiB CSV extract each: 52 MiB resident at the peak, 13 above the floor, docs/casework.md); 512Mi leaves room for staff's own 5 MiB result file on several decisions at once."}
	ThirdPartyResponse = Function{Name: "ThirdPartyResponse", Public: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey}, Firestore: FirestoreWrite,
		Memory: "256Mi", Concurrency: 40, TimeoutSeconds: 60,
		Note: "A consulted third party agrees or objects. Changes the case, queues no letter."}
	DownloadResult = Function{Name: "DownloadResult", Public: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey, SecretIDEncryptionKey}, Firestore: FirestoreWrite,
		Memory: "512Mi", Concurrency: 20, TimeoutSeconds: 600,
		Note: "The requester downloads the access result, streamed from the sealed extracts as it is written; each download is recorded. One download of 8 × 10 MiB extracts holds about 22 MiB above the floor (docs/casework.md), so 512Mi serves 20 at once; 600 s lets a phone on a slow connection receive the whole package."}
	StaffDesk = Function{Name: "StaffDesk", Public: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey, SecretIDEncryptionKey}, Publishes: []string{TopicMail}, Firestore: FirestoreWrite,
		Memory: "256Mi", Concurrency: 40, TimeoutSeconds: 60,
		Note: "The privacy desk: sign-in by e-mail link, the overview of open cases, intake from every channel, letters by post, the accountability report. 256Mi: one report or overview (a few thousand cases) in memory."}
	SearchTask = Function{Name: "SearchTask", Public: true, InspectsUploads: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey, SecretIDEncryptionKey}, Firestore: FirestoreWrite,
		Memory: "1Gi", Concurrency: 20, TimeoutSeconds: 60,
		Note: "A system owner's search task: the page and the answer, one extract per POST (up to 10 MiB and 1 500 000 cells of JSON/CSV parsed, one at a time per instance, or a PDF of up to 500 pages inspected with its active content removed), sealed in segments at rest. 1Gi as UploadID."}
	ApproveDecision = Function{Name: "ApproveDecision", Public: true,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey}, Publishes: []string{TopicMail}, Firestore: FirestoreWrite,
		Memory: "256Mi", Concurrency: 40, TimeoutSeconds: 60,
		Note: "Four eyes: a second staff member reads a drafted decision letter as it will go and approves it (its letters are queued) or returns it with a comment."}
	SendMail = Function{Name: "SendMail", Topic: TopicMail,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey, SecretSendGridKey}, Firestore: FirestoreWrite,
		Memory: "256Mi", Concurrency: 10, TimeoutSeconds: 60, MaxInstances: 5,
		Note: "Sends the letter named by each mail message through SendGrid; a failure is retried, then dead-lettered."}
	Tick = Function{Name: "Tick", Topic: TopicTicks,
		Secrets: []string{SecretLinkSigningKey, SecretPseudonymKey}, Publishes: []string{TopicMail}, Firestore: FirestoreWrite,
		Memory: "256Mi", Concurrency: 1, TimeoutSeconds: 540, MaxInstances: 1,
		Note: "Reminders, escalations, expiry, retention and the outbox relay, once a minute. One instance, one sweep at a time."}
)

// All lists every function of the product.
var All = []Function{RequestForm, ConfirmRequest, UploadID, RequestStatus, StaffCase, ThirdPartyResponse, DownloadResult, StaffDesk, SearchTask, ApproveDecision, SendMail, Tick}

// Topics lists the topics the functions are triggered by or publish to.
var Topics = []string{TopicMail, TopicTicks}

// Named returns the function called name.
func Named(name string) (Function, bool) {
	i := slices.IndexFunc(All, func(f Function) bool { return f.Name == name })
	if i < 0 {
		return Function{}, false
	}
	return All[i], true
}

// Source is the package directory that registers f, relative to the module root: what
// Terraform gives the buildpack as GOOGLE_FUNCTION_SOURCE.
func (f Function) Source() string { return "functions/" + strings.ToLower(f.Name) }

// Service is f's Cloud Run service name: RequestForm is request-form, UploadID upload-id.
func (f Function) Service() string {
	var b strings.Builder
	for i, r := range f.Name {
		upper := 'A' <= r && r <= 'Z'
		if upper && i > 0 {
			prev, next := f.Name[i-1], byte(0)
			if i+1 < len(f.Name) {
				next = f.Name[i+1]
			}
			// A word starts here: after a small letter, or as the last capital of an
			// acronym that a small letter follows (HTTPServer: http-server).
			if 'a' <= prev && prev <= 'z' || 'a' <= next && next <= 'z' {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Needs reports whether f gets the secret.
func (f Function) Needs(secret string) bool { return slices.Contains(f.Secrets, secret) }
