package terraform_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/sethvargo/go-envconfig"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/config"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/policy"
)

const (
	runInvoker     = "roles/run.invoker"
	secretAccessor = "roles/secretmanager.secretAccessor"
	pubsubEvent    = "google.cloud.pubsub.topic.v1.messagePublished"
	retryOnFailure = "RETRY_POLICY_RETRY"
)

// runtimeRoles are the only project-level roles a function's own service account may hold;
// everything else is granted on the topic or secret it concerns.
var runtimeRoles = []string{"roles/datastore.user"}

// platformEnv are variables Terraform may set that the code does not read: the platform's and
// the Go runtime's.
var platformEnv = []string{"LOG_EXECUTION_ID", "GOGC"}

// repo is what the checks need to know about the Go module next to this directory.
type repo struct {
	module  string // module path from go.mod
	goMinor int    // 26 for "go 1.26.x"
}

var repoFacts = sync.OnceValues(func() (repo, error) {
	data, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		return repo{}, err
	}
	var r repo
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "module":
			r.module = f[1]
		case len(f) == 2 && f[0] == "go":
			parts := strings.Split(f[1], ".")
			if len(parts) < 2 {
				return repo{}, fmt.Errorf("go.mod: cannot read go version %q", f[1])
			}
			if r.goMinor, err = strconv.Atoi(parts[1]); err != nil {
				return repo{}, fmt.Errorf("go.mod: cannot read go version %q", f[1])
			}
		}
	}
	if r.module == "" {
		return repo{}, fmt.Errorf("go.mod names no module")
	}
	return r, nil
})

// configEnv returns the environment variables shared/config reads.
func configEnv() []string {
	var names []string
	for f := range reflect.TypeFor[config.Config]().Fields() {
		if tag := f.Tag.Get("env"); tag != "" {
			names = append(names, strings.TrimSpace(strings.Split(tag, ",")[0]))
		}
	}
	return names
}

// key32 is a valid sample for a key that must decode to 32 bytes.
var key32 = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

// sampleEnv gives a valid value for each variable Terraform may set, so that the names
// Terraform provides can be run through config.Load. None of these is a real secret.
var sampleEnv = map[string]string{
	"GOOGLE_CLOUD_PROJECT":       "demo-terraform",
	"PUBLIC_BASE_URL":            "https://privacy.example.nl",
	"ORG_PROFILE":                "vallei-wonen",
	"STAFF_EMAILS":               "privacy@example.nl",
	"SENDGRID_API_HOST":          "https://api.sendgrid.com",
	"RATE_LIMIT_PER_IP":          "5",
	"RATE_LIMIT_PER_EMAIL":       "3",
	"TRUSTED_PROXY_HOPS":         "2",
	"LOG_EXECUTION_ID":           "true",
	"GOGC":                       "200",
	fnlist.SecretSendGridKey:     "SG.sample",
	fnlist.SecretLinkSigningKey:  key32,
	fnlist.SecretIDEncryptionKey: key32,
	fnlist.SecretPseudonymKey:    key32,
}

// deployedEnv is the environment Terraform gives the function called name, with sample
// values: the plain variables every function gets and its mounted secrets (the platform adds
// FUNCTION_TARGET and PORT).
func (m *module) deployedEnv(name string, specs map[string]fnSpec) (map[string]string, error) {
	names := m.objectKeys(m.locals["runtime_env"])
	names = append(names, specs[name].Secrets...)
	env := map[string]string{}
	for _, n := range names {
		v, ok := sampleEnv[n]
		if !ok {
			return nil, fmt.Errorf("function %s gets %s, which has no sample value in sampleEnv", name, n)
		}
		env[n] = v
	}
	return env, nil
}

// functionModule is the directory of the module every function is an instance of.
const functionModule = "modules/function"

// check cross-checks the Terraform configuration in dir (the root and its function module)
// against the Go code and returns every problem at once, each naming what is missing or wrong.
func check(dir string) []error {
	r, err := repoFacts()
	if err != nil {
		return []error{err}
	}
	root, errs := load(dir)
	mod, modErrs := load(filepath.Join(dir, filepath.FromSlash(functionModule)))
	errs = append(errs, modErrs...)
	if root == nil || mod == nil {
		return errs
	}
	errs = append(errs, root.checkVariables()...)
	errs = append(errs, checkFunctionsData(dir)...)
	errs = append(errs, root.checkModuleCall(r, mod)...)
	errs = append(errs, mod.checkFunctionModule()...)
	if specs, _, err := readFunctions(dir); err == nil {
		errs = append(errs, root.checkEnv(specs)...)
	}
	errs = append(errs, root.checkTopics()...)
	errs = append(errs, root.checkScheduler()...)
	errs = append(errs, root.checkFirestore()...)
	errs = append(errs, root.checkEdge()...)
	errs = append(errs, root.checkBuildAccount()...)
	return errs
}

// traversalIs reports whether e is exactly the reference want, e.g. "var.secrets".
func traversalIs(e hclsyntax.Expression, want string) bool {
	st, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return false
	}
	var parts []string
	for _, t := range st.Traversal {
		switch t := t.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, t.Name)
		case hcl.TraverseAttr:
			parts = append(parts, t.Name)
		default:
			return false
		}
	}
	return strings.Join(parts, ".") == want
}

// mentions reports whether e refers to the variable or attribute path want (a prefix of one of
// its references), e.g. "var.secret_versions" or "google_service_account.push".
func mentions(e hclsyntax.Expression, want string) bool {
	if e == nil {
		return false
	}
	for _, t := range e.Variables() {
		var parts []string
		for _, p := range t {
			switch p := p.(type) {
			case hcl.TraverseRoot:
				parts = append(parts, p.Name)
			case hcl.TraverseAttr:
				parts = append(parts, p.Name)
			}
		}
		if s := strings.Join(parts, "."); s == want || strings.HasPrefix(s, want+".") {
			return true
		}
	}
	return false
}

// checkModuleCall: one module call, for_each over the functions from functions.json, with the
// build the buildpack needs and every variable the module requires.
func (m *module) checkModuleCall(r repo, mod *module) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	var call *block
	for _, b := range m.modules {
		if src, _ := m.str(attr(b.body, "source")); src == "./"+functionModule {
			if call != nil {
				bad("%s and %s both instantiate %s: one module call with for_each deploys every function", call.addr, b.addr, functionModule)
			}
			call = b
		}
	}
	if call == nil {
		return []error{fmt.Errorf("no module call with source = \"./%s\"", functionModule)}
	}
	if !traversalIs(attr(call.body, "for_each"), "local.functions") {
		bad("%s: for_each must be local.functions", call.addr)
	}
	if fs := m.locals["functions"]; fs == nil || !strings.Contains(exprText(fs), functionsFile) {
		bad("local.functions must be read from %s", functionsFile)
	}
	if !traversalIs(attr(call.body, "name"), "each.key") {
		bad("%s: name must be each.key, the function's name in the code", call.addr)
	}
	if items, ok := m.objectItems(attr(call.body, "build_environment")); !ok || len(items) != 1 || !traversalIs(items["GOOGLE_FUNCTION_SOURCE"], "each.value.source") {
		bad("%s: build_environment must be { GOOGLE_FUNCTION_SOURCE = each.value.source } (the function's own package)", call.addr)
	}
	if !strings.Contains(exprText(m.locals["functions"]), "f.source") {
		bad("local.functions must carry each function's source from %s", functionsFile)
	}
	if rt, ok := m.evalStr(attr(call.body, "runtime")); !ok {
		bad("%s: runtime must be a literal or a variable with a default", call.addr)
	} else if minor, err := strconv.Atoi(strings.TrimPrefix(rt, "go1")); !strings.HasPrefix(rt, "go1") || err != nil || minor < r.goMinor {
		bad("%s: runtime %q cannot build go 1.%d (go.mod)", call.addr, rt, r.goMinor)
	}
	if !traversalIs(attr(call.body, "environment"), "local.runtime_env") {
		bad("%s: environment must be local.runtime_env", call.addr)
	}
	if !mentions(attr(call.body, "secret_versions"), "var.secret_versions") {
		bad("%s: secret_versions must come from var.secret_versions (pinned versions)", call.addr)
	}
	if !mentions(attr(call.body, "source_object"), "google_storage_bucket_object.source") {
		bad("%s: source_object must be the uploaded source object", call.addr)
	}
	for name, v := range mod.variables {
		if attr(v.body, "default") == nil && attr(call.body, name) == nil {
			bad("%s: module variable %s has no default and is not set", call.addr, name)
		}
	}
	for name := range call.body.Attributes {
		switch name {
		case "source", "for_each", "depends_on", "providers", "count":
			continue
		}
		if mod.variables[name] == nil {
			bad("%s sets %s, which %s does not declare", call.addr, name, functionModule)
		}
	}
	return errs
}

// checkFunctionModule: what every function gets from the module: its own identity holding only
// its Firestore role, topics and secrets; its secrets mounted at pinned versions; public
// invocation only when public; for a topic function a push subscription with an OIDC token,
// retries and a dead-letter policy, and the grants Pub/Sub needs to move dead letters.
func (m *module) checkFunctionModule() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	where := functionModule
	fns := m.byType["google_cloudfunctions2_function"]
	if len(fns) != 1 {
		return []error{fmt.Errorf("%s must declare exactly one google_cloudfunctions2_function, has %d", where, len(fns))}
	}
	fn := fns[0]
	bc, sc := block1(fn.body, "build_config"), block1(fn.body, "service_config")
	if !traversalIs(attr(bc, "entry_point"), "var.name") {
		bad("%s: build_config.entry_point must be var.name", where)
	}
	if !traversalIs(attr(bc, "environment_variables"), "var.build_environment") {
		bad("%s: build_config.environment_variables must be var.build_environment", where)
	}
	if env := attr(sc, "environment_variables"); !mentions(env, "var.environment") || !mentions(env, "local.go_env") {
		bad("%s: service_config.environment_variables must be var.environment with local.go_env (GOMEMLIMIT)", where)
	}
	if block1(fn.body, "event_trigger") != nil {
		bad("%s: no event_trigger: a topic function is reached by its own push subscription", where)
	}
	runtime := first(refsTo(attr(sc, "service_account_email"), "google_service_account"))
	if runtime == "" {
		bad("%s: service_config.service_account_email must be the module's own google_service_account", where)
	}

	// Secrets: one mount per var.secrets entry, at the pinned version.
	var mount *hclsyntax.Block
	for _, b := range sc.Blocks {
		if b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == "secret_environment_variables" {
			mount = b
		}
	}
	switch {
	case mount == nil:
		bad("%s: secrets must be mounted with dynamic \"secret_environment_variables\" over var.secrets", where)
	case !traversalIs(attr(mount.Body, "for_each"), "var.secrets"):
		bad("%s: the secret mounts must iterate var.secrets", where)
	default:
		content := block1(mount.Body, "content")
		if v := attr(content, "version"); !mentions(v, "var.secret_versions") {
			bad("%s: each secret must be mounted at its pinned version (var.secret_versions), not latest", where)
		}
	}
	if len(blocks(sc, "secret_environment_variables")) > 0 {
		bad("%s: a literal secret_environment_variables block mounts a secret outside var.secrets", where)
	}

	// IAM: every grant to the runtime account, by type.
	iam := m.iamMembers()
	for _, g := range iam[runtime] {
		switch g.b.typ {
		case "google_project_iam_member":
			if !traversalIs(attr(g.b.body, "role"), "var.firestore_role") {
				bad("%s: %s grants the function a project role other than var.firestore_role", where, g.b.addr)
			}
		case "google_secret_manager_secret_iam_member":
			if !traversalIs(attr(g.b.body, "for_each"), "var.secrets") || !slices.Equal(g.roles, []string{secretAccessor}) {
				bad("%s: %s must grant %s on exactly var.secrets", where, g.b.addr, secretAccessor)
			}
		case "google_pubsub_topic_iam_member":
			if !mentions(attr(g.b.body, "for_each"), "var.publishes") || !slices.Equal(g.roles, []string{"roles/pubsub.publisher"}) {
				bad("%s: %s must grant roles/pubsub.publisher on exactly var.publishes", where, g.b.addr)
			}
		default:
			bad("%s: %s grants the function's account %s", where, g.b.addr, strings.Join(g.roles, ", "))
		}
	}

	// Invokers: allUsers only when var.public; the push account only for topic functions.
	for _, b := range m.byType["google_cloud_run_v2_service_iam_member"] {
		member, _ := m.str(attr(b.body, "member"))
		cnt := exprText(attr(b.body, "count"))
		switch {
		case member == "allUsers" && !strings.Contains(cnt, "var.public"):
			bad("%s: %s lets allUsers invoke every function; it must depend on var.public", where, b.addr)
		case member != "allUsers" && !mentions(attr(b.body, "member"), "google_service_account.push"):
			bad("%s: %s lets %s invoke the function", where, b.addr, exprText(attr(b.body, "member")))
		}
	}

	// The push subscription.
	var push *block
	for _, b := range m.byType["google_pubsub_subscription"] {
		if block1(b.body, "push_config") != nil {
			push = b
		}
	}
	if push == nil {
		return append(errs, fmt.Errorf("%s: no push subscription (google_pubsub_subscription with push_config) for topic functions", where))
	}
	if !mentions(attr(push.body, "topic"), "var.topic") {
		bad("%s: %s must subscribe to var.topic", where, push.addr)
	}
	pc := block1(push.body, "push_config")
	if !refersTo(attr(pc, "push_endpoint"), fn.addr) {
		bad("%s: %s must push to the function's URL", where, push.addr)
	}
	oidc := block1(pc, "oidc_token")
	if oidc == nil || !mentions(attr(oidc, "service_account_email"), "google_service_account.push") {
		bad("%s: %s must push with an OIDC token of the push service account", where, push.addr)
	}
	if block1(push.body, "retry_policy") == nil {
		bad("%s: %s needs a retry_policy (backoff between deliveries)", where, push.addr)
	}
	dlp := block1(push.body, "dead_letter_policy")
	if dlp == nil || !mentions(attr(dlp, "dead_letter_topic"), "google_pubsub_topic.dead_letter") || attr(dlp, "max_delivery_attempts") == nil {
		bad("%s: %s needs a dead_letter_policy to google_pubsub_topic.dead_letter with max_delivery_attempts", where, push.addr)
	}
	held := false
	for _, b := range m.byType["google_pubsub_subscription"] {
		if b != push && mentions(attr(b.body, "topic"), "google_pubsub_topic.dead_letter") {
			held = true
		}
	}
	if !held {
		bad("%s: no subscription holds the dead letters for an operator", where)
	}
	agentMoves := map[string]bool{}
	for _, typ := range []string{"google_pubsub_topic_iam_member", "google_pubsub_subscription_iam_member"} {
		for _, b := range m.byType[typ] {
			if mentions(attr(b.body, "member"), "var.pubsub_service_agent") {
				agentMoves[typ] = true
			}
		}
	}
	if !agentMoves["google_pubsub_topic_iam_member"] || !agentMoves["google_pubsub_subscription_iam_member"] {
		bad("%s: the Pub/Sub service agent needs publisher on the dead-letter topic and subscriber on the push subscription", where)
	}
	return errs
}

// checkEnv: every function gets only variables the code reads, never a secret in plain text,
// and with them (and its secrets) the code's own start-up validation passes.
func (m *module) checkEnv(specs map[string]fnSpec) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	plain := m.objectKeys(m.locals["runtime_env"])
	if len(plain) == 0 {
		return []error{fmt.Errorf("local.runtime_env sets nothing")}
	}
	known := append(configEnv(), platformEnv...)
	secrets := []string{fnlist.SecretSendGridKey, fnlist.SecretLinkSigningKey, fnlist.SecretIDEncryptionKey, fnlist.SecretPseudonymKey}
	for _, n := range plain {
		switch {
		case n == "FUNCTION_TARGET":
			bad("local.runtime_env sets FUNCTION_TARGET; the platform sets it to the entry point")
		case slices.Contains(secrets, n):
			bad("local.runtime_env: %s is a secret: mount it from Secret Manager, not as a plain variable", n)
		case !slices.Contains(known, n):
			bad("local.runtime_env sets %s, which shared/config does not read", n)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if items, ok := m.objectItems(m.locals["secret_ids"]); !ok || len(items) != len(secrets) {
		bad("local.secret_ids must name a secret for each of %q", secrets)
	} else {
		for _, s := range secrets {
			if items[s] == nil {
				bad("local.secret_ids has no secret for %s", s)
			}
		}
	}
	for _, d := range fnlist.All {
		if _, ok := specs[d.Name]; !ok {
			continue // reported by checkFunctionsData
		}
		env, err := m.deployedEnv(d.Name, specs)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, err := config.LoadFrom(context.Background(), envconfig.MapLookuper(env), d.Secrets); err != nil {
			bad("function %s: the environment Terraform gives it fails start-up: %v", d.Name, strings.ReplaceAll(err.Error(), "\n", "; "))
		}
	}
	if def, ok := m.str(attr(m.variables["sendgrid_api_host"].body, "default")); !ok || def != euSendGrid {
		bad("variable sendgrid_api_host: default must be SendGrid's EU host %s (A §11)", euSendGrid)
	}
	return errs
}

// euSendGrid is SendGrid's API host for EU regional subusers.
const euSendGrid = "https://api.eu.sendgrid.com"

// grant is one *_iam_member resource and the role it grants.
type grant struct {
	b     *block
	roles []string
}

// iamMembers indexes every *_iam_member resource by the service accounts its member names.
func (m *module) iamMembers() map[string][]grant {
	out := map[string][]grant{}
	for _, b := range m.resources {
		if !strings.HasSuffix(b.typ, "_iam_member") {
			continue
		}
		g := grant{b: b}
		if role, ok := m.str(attr(b.body, "role")); ok {
			g.roles = []string{role}
		}
		for _, sa := range refsTo(attr(b.body, "member"), "google_service_account") {
			out[sa] = append(out[sa], g)
		}
	}
	return out
}

// exprText returns the source text of an expression, for checks that look for a name in it.
func exprText(e hclsyntax.Expression) string {
	if e == nil {
		return ""
	}
	r := e.Range()
	src, err := os.ReadFile(r.Filename)
	if err != nil || r.End.Byte > len(src) {
		return ""
	}
	return string(src[r.Start.Byte:r.End.Byte])
}

// checkTopics: local.topics is app.Topics, and a topic is declared for each.
func (m *module) checkTopics() []error {
	got, ok := m.strList(m.locals["topics"])
	if !ok {
		return []error{fmt.Errorf("local.topics must be a literal list of the topics (app.Topics)")}
	}
	var errs []error
	for _, t := range app.Topics {
		if !slices.Contains(got, t) {
			errs = append(errs, fmt.Errorf("topic %q (app.Topics): not in local.topics", t))
		}
	}
	for _, t := range got {
		if !slices.Contains(app.Topics, t) {
			errs = append(errs, fmt.Errorf("local.topics has %q, which is not in app.Topics", t))
		}
	}
	if !m.forEachOverLocal("google_pubsub_topic", "topics") {
		errs = append(errs, fmt.Errorf("no google_pubsub_topic with for_each over local.topics"))
	}
	return errs
}

// forEachOverLocal reports whether some resource of typ has for_each = local.<name> (or
// toset(local.<name>)).
func (m *module) forEachOverLocal(typ, name string) bool {
	for _, b := range m.byType[typ] {
		e := attr(b.body, "for_each")
		if fc, ok := e.(*hclsyntax.FunctionCallExpr); ok && fc.Name == "toset" && len(fc.Args) == 1 {
			e = fc.Args[0]
		}
		if traversalIs(e, "local."+name) {
			return true
		}
	}
	return false
}

// checkScheduler: something publishes the heartbeat the Tick function lives on.
func (m *module) checkScheduler() []error {
	for _, b := range m.byType["google_cloud_scheduler_job"] {
		for _, r := range refs(attr(block1(b.body, "pubsub_target"), "topic_name")) {
			if r.addr == "google_pubsub_topic.app" && r.key == app.TopicTicks {
				return nil
			}
		}
	}
	return []error{fmt.Errorf("no google_cloud_scheduler_job publishes to topic %q (the Tick heartbeat)", app.TopicTicks)}
}

// checkFirestore: the default database with point-in-time recovery and delete protection, a
// backup schedule, every composite index the queries need, in field order and direction, and
// every TTL policy.
func (m *module) checkFirestore() []error {
	var errs []error
	var db *block
	for _, b := range m.byType["google_firestore_database"] {
		if n, _ := m.str(attr(b.body, "name")); n == "(default)" {
			db = b
		}
	}
	if db == nil {
		errs = append(errs, fmt.Errorf(`no google_firestore_database named "(default)", the database the code opens`))
	} else {
		if v, _ := m.str(attr(db.body, "point_in_time_recovery_enablement")); v != "POINT_IN_TIME_RECOVERY_ENABLED" {
			errs = append(errs, fmt.Errorf("%s: point-in-time recovery must be enabled", db.addr))
		}
		if v, _ := m.str(attr(db.body, "delete_protection_state")); v != "DELETE_PROTECTION_ENABLED" {
			errs = append(errs, fmt.Errorf("%s: delete protection must be enabled", db.addr))
		}
	}
	backups := false
	for _, b := range m.byType["google_firestore_backup_schedule"] {
		if mentions(attr(b.body, "retention"), "var.backup_retention_days") {
			backups = true
		}
	}
	if !backups {
		errs = append(errs, fmt.Errorf("no google_firestore_backup_schedule with retention from var.backup_retention_days"))
	}

	type field struct{ path, order string }
	var declared [][]field
	var collections []string
	for _, b := range m.byType["google_firestore_index"] {
		c, _ := m.str(attr(b.body, "collection"))
		scope, _ := m.str(attr(b.body, "query_scope"))
		if scope != "" && scope != "COLLECTION" {
			continue // collection-group indexes serve other queries
		}
		var fs []field
		for _, f := range blocks(b.body, "fields") {
			p, _ := m.str(attr(f, "field_path"))
			o, _ := m.str(attr(f, "order"))
			fs = append(fs, field{p, o})
		}
		declared = append(declared, fs)
		collections = append(collections, c)
	}
	for _, idx := range firestoredb.Indexes {
		want := make([]field, len(idx.Fields))
		names := make([]string, len(idx.Fields))
		for i, f := range idx.Fields {
			want[i] = field{f.Path, "ASCENDING"}
			if f.Descending {
				want[i].order = "DESCENDING"
			}
			names[i] = f.Path + " " + want[i].order[:3]
		}
		found := false
		for i := range declared {
			if collections[i] == idx.Collection && slices.Equal(declared[i], want) {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("firestore index %s(%s) (firestoredb.Indexes): no google_firestore_index with these fields in this order", idx.Collection, strings.Join(names, ", ")))
		}
	}

	for _, ttl := range firestoredb.TTLFields {
		found := false
		for _, b := range m.byType["google_firestore_field"] {
			c, _ := m.str(attr(b.body, "collection"))
			f, _ := m.str(attr(b.body, "field"))
			if c == ttl.Collection && f == ttl.Field && block1(b.body, "ttl_config") != nil {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("TTL field %s.%s (firestoredb.TTLFields): no google_firestore_field with ttl_config", ttl.Collection, ttl.Field))
		}
	}
	for _, u := range firestoredb.UnindexedFields {
		found := false
		for _, b := range m.byType["google_firestore_field"] {
			c, _ := m.str(attr(b.body, "collection"))
			f, _ := m.str(attr(b.body, "field"))
			ic := block1(b.body, "index_config")
			if c == u.Collection && f == u.Field && ic != nil && len(ic.Blocks) == 0 && block1(b.body, "ttl_config") == nil {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("unindexed field %s.%s (firestoredb.UnindexedFields): no google_firestore_field with an empty index_config", u.Collection, u.Field))
		}
	}
	return errs
}

// checkEdge: the load balancer serves exactly the public functions, speaks TLS 1.2 or newer,
// rate-limits through Cloud Armor, and no request log keeps the links' tokens.
func (m *module) checkEdge() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if pf := exprText(m.locals["public_functions"]); !strings.Contains(pf, "local.functions") || !strings.Contains(pf, ".public") {
		bad("local.public_functions (the load balancer's /<Name> routes) must be the public entries of local.functions")
	}
	tls := false
	for _, b := range m.byType["google_compute_ssl_policy"] {
		if v, _ := m.str(attr(b.body, "min_tls_version")); v == "TLS_1_2" || v == "TLS_1_3" {
			tls = true
		}
	}
	for _, b := range m.byType["google_compute_target_https_proxy"] {
		if !tls || len(refsTo(attr(b.body, "ssl_policy"), "google_compute_ssl_policy")) == 0 {
			bad("%s: needs an ssl_policy with min_tls_version TLS_1_2", b.addr)
		}
	}
	for _, b := range m.byType["google_compute_backend_service"] {
		if len(refsTo(attr(b.body, "security_policy"), "google_compute_security_policy")) == 0 {
			bad("%s: needs a Cloud Armor security_policy", b.addr)
		}
		if lc := block1(b.body, "log_config"); lc == nil || exprText(attr(lc, "enable")) != "false" {
			bad("%s: request logging must be off (log_config.enable = false): URLs carry tokens", b.addr)
		}
	}
	throttled := false
	for _, b := range m.byType["google_compute_security_policy"] {
		for _, r := range blocks(b.body, "rule") {
			if block1(r, "rate_limit_options") != nil {
				throttled = true
			}
		}
	}
	if !throttled {
		bad("no google_compute_security_policy rule with rate_limit_options")
	}
	excluded := false
	for _, b := range m.byType["google_logging_project_exclusion"] {
		if strings.Contains(exprText(attr(b.body, "filter")), "run.googleapis.com/requests") {
			excluded = true
		}
	}
	if !excluded {
		bad("no google_logging_project_exclusion for run.googleapis.com/requests: request URLs carry tokens")
	}
	return errs
}

// checkVariables: every variable says what it is for, has a type and rejects bad values, and
// the profiles org_profile accepts are the ones the code embeds.
func (m *module) checkVariables() []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(m.variables)) {
		v := m.variables[name]
		if d, ok := m.str(attr(v.body, "description")); !ok || d == "" {
			errs = append(errs, fmt.Errorf("variable %s: needs a description", name))
		}
		if attr(v.body, "type") == nil {
			errs = append(errs, fmt.Errorf("variable %s: needs a type", name))
		}
		if len(blocks(v.body, "validation")) == 0 {
			errs = append(errs, fmt.Errorf("variable %s: needs a validation block", name))
		}
	}
	v := m.variables["org_profile"]
	if v == nil {
		return append(errs, fmt.Errorf("variable org_profile (ORG_PROFILE) is missing"))
	}
	var allowed []string
	for _, val := range blocks(v.body, "validation") {
		hclsyntax.VisitAll(attr(val, "condition"), func(n hclsyntax.Node) hcl.Diagnostics {
			if tc, ok := n.(*hclsyntax.TupleConsExpr); ok {
				if l, ok := m.strList(tc); ok {
					allowed = append(allowed, l...)
				}
			}
			return nil
		})
	}
	slices.Sort(allowed)
	if want := policy.Names(); !slices.Equal(allowed, want) {
		errs = append(errs, fmt.Errorf("variable org_profile accepts %q, want the embedded profiles %q (policy.Names)", allowed, want))
	}
	if def, ok := m.str(attr(v.body, "default")); ok && !slices.Contains(policy.Names(), def) {
		errs = append(errs, fmt.Errorf("variable org_profile: default %q is not an embedded profile", def))
	}
	return errs
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func TestConfigurationMatchesCode(t *testing.T) {
	t.Parallel()
	for _, err := range check(".") {
		t.Error(err)
	}
}
