package terraform_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"os"
	"path"
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

	functions "github.com/privacyloket/privacyloket/functions/handlers"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/config"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
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

// platformEnv are variables Terraform may set that the code does not read.
var platformEnv = []string{"LOG_EXECUTION_ID"}

// repo is what the checks need to know about the Go module next to this directory.
type repo struct {
	module    string // module path from go.mod
	goMinor   int    // 26 for "go 1.26.x"
	sourceDir string // directory of the functions package, relative to the module root
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
	// The functions package, which the buildpack builds, registers the handlers of its
	// handlers subpackage, where Definition lives.
	pkg := path.Dir(reflect.TypeFor[functions.Definition]().PkgPath())
	dir, ok := strings.CutPrefix(pkg, r.module+"/")
	if r.module == "" || !ok {
		return repo{}, fmt.Errorf("package %s is not inside module %q", pkg, r.module)
	}
	r.sourceDir = dir
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
	"TRUST_PROXY_HEADER":         "X-Forwarded-For",
	"LOG_EXECUTION_ID":           "true",
	config.SecretSendGridKey:     "SG.sample",
	config.SecretLinkSigningKey:  key32,
	config.SecretIDEncryptionKey: key32,
}

// deployedEnv is the environment Terraform gives a function, with sample values: its plain
// variables and its mounted secrets (the platform adds FUNCTION_TARGET and PORT).
func (m *module) deployedEnv(fn *block) (map[string]string, error) {
	sc := block1(fn.body, "service_config")
	names := m.objectKeys(attr(sc, "environment_variables"))
	for _, s := range blocks(sc, "secret_environment_variables") {
		if k, ok := m.str(attr(s, "key")); ok {
			names = append(names, k)
		}
	}
	env := map[string]string{}
	for _, n := range names {
		v, ok := sampleEnv[n]
		if !ok {
			return nil, fmt.Errorf("%s sets %s, which has no sample value in sampleEnv", fn.addr, n)
		}
		env[n] = v
	}
	return env, nil
}

// check cross-checks the Terraform configuration in dir against the Go code and returns every
// problem at once, each naming what is missing or wrong.
func check(dir string) []error {
	r, err := repoFacts()
	if err != nil {
		return []error{err}
	}
	m, errs := load(dir)
	if m == nil {
		return errs
	}
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	errs = append(errs, m.checkVariables()...)

	topics := map[string]*block{} // literal name => topic
	for _, b := range m.byType["google_pubsub_topic"] {
		if n, ok := m.str(attr(b.body, "name")); ok {
			topics[n] = b
		}
	}
	for _, t := range app.Topics {
		if topics[t] == nil {
			bad("topic %q (app.Topics): no google_pubsub_topic named %q", t, t)
		}
	}

	byEntry := map[string]*block{}
	for _, b := range m.byType["google_cloudfunctions2_function"] {
		ep, ok := m.str(attr(block1(b.body, "build_config"), "entry_point"))
		if !ok {
			bad("%s: build_config.entry_point must be a literal function name", b.addr)
			continue
		}
		if prev := byEntry[ep]; prev != nil {
			bad("%s and %s both deploy entry point %q", prev.addr, b.addr, ep)
		}
		byEntry[ep] = b
	}
	defined := map[string]bool{}
	for _, d := range functions.Definitions {
		defined[d.Name] = true
	}
	for _, b := range m.byType["google_cloudfunctions2_function"] {
		if ep, _ := m.str(attr(block1(b.body, "build_config"), "entry_point")); ep != "" && !defined[ep] {
			bad("%s: entry_point %q is not in functions.Definitions", b.addr, ep)
		}
	}

	iam := m.iamMembers()
	public := m.publicInvokers()
	saUsers := map[string][]string{} // service account => "Name (runtime|trigger)"

	for _, d := range functions.Definitions {
		fn := byEntry[d.Name]
		if fn == nil {
			bad("function %s: no google_cloudfunctions2_function with entry_point %q", d.Name, d.Name)
			continue
		}
		errs = append(errs, m.checkFunction(r, d, fn, iam, public[fn.addr], saUsers)...)
	}

	for _, sa := range slices.Sorted(maps.Keys(saUsers)) {
		if users := saUsers[sa]; len(users) > 1 {
			slices.Sort(users)
			bad("service account %s is used by %s: each function and each trigger needs its own", sa, strings.Join(users, " and "))
		}
	}

	errs = append(errs, m.checkLoadBalancer(byEntry)...)
	errs = append(errs, m.checkScheduler(topics)...)
	errs = append(errs, m.checkFirestore()...)
	return errs
}

// checkFunction checks one deployed function against its Definition and records the service
// accounts it uses in saUsers.
func (m *module) checkFunction(r repo, d functions.Definition, fn *block, iam map[string][]grant, public bool, saUsers map[string][]string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	bc := block1(fn.body, "build_config")
	sc := block1(fn.body, "service_config")

	// The buildpack must find the package, and build it with a Go at least as new as go.mod's.
	if env, ok := m.strMap(attr(bc, "environment_variables")); !ok || env["GOOGLE_FUNCTION_SOURCE"] != r.sourceDir {
		bad("function %s: build_config.environment_variables must set GOOGLE_FUNCTION_SOURCE = %q (the functions package)", d.Name, r.sourceDir)
	}
	if rt, ok := m.evalStr(attr(bc, "runtime")); !ok {
		bad("function %s: build_config.runtime must be a literal or a variable with a default", d.Name)
	} else if minor, err := strconv.Atoi(strings.TrimPrefix(rt, "go1")); !strings.HasPrefix(rt, "go1") || err != nil || minor < r.goMinor {
		bad("function %s: runtime %q cannot build go 1.%d (go.mod)", d.Name, rt, r.goMinor)
	}
	if len(refsTo(attr(block1(block1(bc, "source"), "storage_source"), "object"), "google_storage_bucket_object")) == 0 {
		bad("function %s: build_config.source.storage_source.object must be the uploaded source object", d.Name)
	}

	// Its own identity, holding only the project roles every function needs.
	sa := first(refsTo(attr(sc, "service_account_email"), "google_service_account"))
	if sa == "" {
		bad("function %s: service_config.service_account_email must be a google_service_account of its own", d.Name)
	} else {
		saUsers[sa] = append(saUsers[sa], d.Name+" (runtime)")
		var roles []string
		for _, g := range iam[sa] {
			if g.b.typ == "google_project_iam_member" {
				roles = append(roles, g.roles...)
			}
		}
		for _, role := range roles {
			if !slices.Contains(runtimeRoles, role) {
				bad("function %s: its service account holds project role %s; grant it on the resource instead", d.Name, role)
			}
		}
		if !slices.Contains(roles, "roles/datastore.user") {
			bad("function %s: its service account lacks roles/datastore.user (Firestore)", d.Name)
		}
	}

	errs = append(errs, m.checkSecrets(d, fn, sa, iam)...)
	errs = append(errs, m.checkEnv(d, fn)...)

	et := block1(fn.body, "event_trigger")
	switch {
	case d.Topic == "" && et != nil:
		bad("function %s is an HTTP function but has an event_trigger", d.Name)
	case d.Topic != "" && et == nil:
		bad("function %s: no event_trigger on topic %q", d.Name, d.Topic)
	case d.Topic != "":
		got := ""
		for _, t := range refsTo(attr(et, "pubsub_topic"), "google_pubsub_topic") {
			if b := m.resources[t]; b != nil {
				got, _ = m.str(attr(b.body, "name"))
			}
		}
		if got != d.Topic {
			bad("function %s: event_trigger is on topic %q, want %q", d.Name, got, d.Topic)
		}
		if v, _ := m.str(attr(et, "event_type")); v != pubsubEvent {
			bad("function %s: event_trigger.event_type is %q, want %q", d.Name, v, pubsubEvent)
		}
		if v, _ := m.str(attr(et, "retry_policy")); v != retryOnFailure {
			bad("function %s: event_trigger.retry_policy is %q, want %q: a failed message must be retried", d.Name, v, retryOnFailure)
		}
		trig := first(refsTo(attr(et, "service_account_email"), "google_service_account"))
		switch {
		case trig == "":
			bad("function %s: event_trigger.service_account_email must be a google_service_account of its own", d.Name)
		case trig == sa:
			bad("function %s: its trigger must not push as the function's own service account %s", d.Name, sa)
		default:
			saUsers[trig] = append(saUsers[trig], d.Name+" (trigger)")
			invokes := false
			for _, g := range iam[trig] {
				if g.b.typ == "google_cloud_run_v2_service_iam_member" && slices.Equal(g.roles, []string{runInvoker}) && refersTo(attr(g.b.body, "name"), fn.addr) {
					invokes = true
					continue
				}
				bad("function %s: trigger service account %s also holds %s (%s); it may only invoke this function", d.Name, trig, strings.Join(g.roles, ", "), g.b.addr)
			}
			if !invokes {
				bad("function %s: trigger service account %s cannot invoke it (%s on the function's service)", d.Name, trig, runInvoker)
			}
		}
		if !m.hasDeadLetter(d.Topic, fn.addr) {
			bad("function %s: no dead-letter policy for topic %q (local.dead_letter)", d.Name, d.Topic)
		}
	}

	if public != d.Public {
		if d.Public {
			bad("function %s is public but no google_cloud_run_v2_service_iam_member lets allUsers invoke it", d.Name)
		} else {
			bad("function %s is not public but allUsers may invoke it", d.Name)
		}
	}
	return errs
}

// checkSecrets: the function mounts exactly config.SecretsByFunction[Name], each from the
// Secret Manager secret of that name, and its account may read exactly those.
func (m *module) checkSecrets(d functions.Definition, fn *block, sa string, iam map[string][]grant) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	var mounted []string
	for _, s := range blocks(block1(fn.body, "service_config"), "secret_environment_variables") {
		key, ok := m.str(attr(s, "key"))
		if !ok {
			bad("function %s: secret_environment_variables.key must be a literal variable name", d.Name)
			continue
		}
		mounted = append(mounted, key)
		src := refs(attr(s, "secret"))
		if len(src) == 0 || !strings.HasPrefix(src[0].addr, "google_secret_manager_secret.") {
			bad("function %s: secret %s must come from a google_secret_manager_secret", d.Name, key)
			continue
		}
		res := m.resources[src[0].addr]
		switch {
		case res == nil:
			bad("function %s: secret %s comes from %s, which is not declared", d.Name, key, src[0].addr)
		case src[0].key != "" && src[0].key != key:
			bad("function %s: mounts %s[%q] as %s", d.Name, src[0].addr, src[0].key, key)
		case src[0].key != "":
			if items, ok := m.objectItems(attr(res.body, "for_each")); ok && items[key] == nil {
				bad("function %s: secret %s is not among %s's for_each", d.Name, key, res.addr)
			}
		}
	}
	slices.Sort(mounted)
	want := slices.Sorted(slices.Values(config.SecretsByFunction[d.Name]))
	for _, s := range want {
		if !slices.Contains(mounted, s) {
			bad("function %s: secret %s is not mounted (secret_environment_variables)", d.Name, s)
		}
	}
	for _, s := range mounted {
		if !slices.Contains(want, s) {
			bad("function %s: mounts secret %s, which config.SecretsByFunction does not give it", d.Name, s)
		}
	}

	if sa == "" {
		return errs
	}
	var readable []string
	for _, g := range iam[sa] {
		if g.b.typ == "google_secret_manager_secret_iam_member" && slices.Contains(g.roles, secretAccessor) {
			readable = append(readable, g.secrets...)
		}
	}
	for _, s := range mounted {
		if !slices.Contains(readable, s) {
			bad("function %s: its service account cannot read secret %s (%s)", d.Name, s, secretAccessor)
		}
	}
	for _, s := range readable {
		if !slices.Contains(mounted, s) {
			bad("function %s: its service account may read secret %s, which it does not mount", d.Name, s)
		}
	}
	return errs
}

// checkEnv: the function gets only variables the code reads, never a secret in plain text,
// and with them (and its secrets) the code's own start-up validation passes.
func (m *module) checkEnv(d functions.Definition, fn *block) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	plain := m.objectKeys(attr(block1(fn.body, "service_config"), "environment_variables"))
	if len(plain) == 0 {
		bad("function %s: service_config.environment_variables sets nothing", d.Name)
	}
	known := append(configEnv(), platformEnv...)
	secrets := []string{config.SecretSendGridKey, config.SecretLinkSigningKey, config.SecretIDEncryptionKey}
	unknown := false
	for _, n := range plain {
		switch {
		case n == "FUNCTION_TARGET":
			bad("function %s: sets FUNCTION_TARGET; the platform sets it to the entry point", d.Name)
		case slices.Contains(secrets, n):
			bad("function %s: %s is a secret: mount it from Secret Manager, not as a plain variable", d.Name, n)
		case !slices.Contains(known, n):
			bad("function %s: sets %s, which shared/config does not read", d.Name, n)
			unknown = true
		}
	}
	if unknown {
		return errs
	}
	env, err := m.deployedEnv(fn)
	if err != nil {
		return append(errs, err)
	}
	env["FUNCTION_TARGET"] = d.Name
	if _, err := config.LoadFrom(context.Background(), envconfig.MapLookuper(env)); err != nil {
		bad("function %s: the environment Terraform gives it fails start-up: %v", d.Name, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return errs
}

// grant is one *_iam_member resource: the roles it grants and, for secret access, on which
// secrets (by environment variable name).
type grant struct {
	b       *block
	roles   []string
	secrets []string
}

// iamMembers indexes every *_iam_member resource by the service accounts its member names.
func (m *module) iamMembers() map[string][]grant {
	out := map[string][]grant{}
	for _, b := range m.resources {
		if !strings.HasSuffix(b.typ, "_iam_member") {
			continue
		}
		g := grant{b: b}
		set, hasSet := m.forEach(b)
		if role, ok := m.str(attr(b.body, "role")); ok {
			g.roles = []string{role}
		} else if hasSet && usesEach(attr(b.body, "role")) {
			g.roles = set
		}
		if sid := attr(b.body, "secret_id"); sid != nil {
			if hasSet && usesEach(sid) {
				g.secrets = set
			} else {
				for _, r := range refs(sid) {
					if r.key != "" {
						g.secrets = append(g.secrets, r.key)
					}
				}
			}
		}
		for _, sa := range refsTo(attr(b.body, "member"), "google_service_account") {
			out[sa] = append(out[sa], g)
		}
	}
	return out
}

// usesEach reports whether an expression depends on each.key or each.value.
func usesEach(e hclsyntax.Expression) bool {
	if e == nil {
		return false
	}
	return slices.ContainsFunc(e.Variables(), func(t hcl.Traversal) bool { return t.RootName() == "each" })
}

// publicInvokers returns the functions anyone may invoke: an IAM member for allUsers (or
// allAuthenticatedUsers) with an invoker role that names the function.
func (m *module) publicInvokers() map[string]bool {
	out := map[string]bool{}
	for _, b := range m.resources {
		if !strings.HasSuffix(b.typ, "_iam_member") && !strings.HasSuffix(b.typ, "_iam_binding") {
			continue
		}
		role, _ := m.str(attr(b.body, "role"))
		if role != runInvoker && role != "roles/cloudfunctions.invoker" {
			continue
		}
		members := []string{}
		if v, ok := m.str(attr(b.body, "member")); ok {
			members = append(members, v)
		}
		if vs, ok := m.strList(attr(b.body, "members")); ok {
			members = append(members, vs...)
		}
		if !slices.Contains(members, "allUsers") && !slices.Contains(members, "allAuthenticatedUsers") {
			continue
		}
		for _, a := range b.body.Attributes {
			for _, fn := range refsTo(a.Expr, "google_cloudfunctions2_function") {
				out[fn] = true
			}
		}
	}
	return out
}

// hasDeadLetter reports whether local.dead_letter has an entry for topic that names the
// function's trigger, and the dead-letter topic and its wiring are made for every entry.
func (m *module) hasDeadLetter(topic, fnAddr string) bool {
	items, ok := m.objectItems(m.locals["dead_letter"])
	if !ok || items[topic] == nil || !refersTo(items[topic], fnAddr) {
		return false
	}
	for _, typ := range []string{"google_pubsub_topic", "terraform_data"} {
		if !m.forEachOverLocal(typ, "dead_letter") {
			return false
		}
	}
	return true
}

// forEachOverLocal reports whether some resource of typ has for_each = local.<name>.
func (m *module) forEachOverLocal(typ, name string) bool {
	for _, b := range m.byType[typ] {
		if st, ok := attr(b.body, "for_each").(*hclsyntax.ScopeTraversalExpr); ok && len(st.Traversal) == 2 && st.Traversal.RootName() == "local" {
			if a, ok := st.Traversal[1].(hcl.TraverseAttr); ok && a.Name == name {
				return true
			}
		}
	}
	return false
}

// checkLoadBalancer: the load balancer routes /<Name> for exactly the public functions.
func (m *module) checkLoadBalancer(byEntry map[string]*block) []error {
	items, ok := m.objectItems(m.locals["public_functions"])
	if !ok {
		return []error{fmt.Errorf("local.public_functions (the load balancer's /<Name> routes) is missing or not a literal object")}
	}
	var errs []error
	for _, d := range functions.Definitions {
		e, routed := items[d.Name]
		switch {
		case d.Public && !routed:
			errs = append(errs, fmt.Errorf("function %s is public but the load balancer does not route /%s (local.public_functions)", d.Name, d.Name))
		case d.Public && byEntry[d.Name] != nil && !refersTo(e, byEntry[d.Name].addr):
			errs = append(errs, fmt.Errorf("local.public_functions routes /%s to another function than %s", d.Name, byEntry[d.Name].addr))
		}
	}
	for name := range items {
		if !slices.ContainsFunc(functions.Definitions, func(d functions.Definition) bool { return d.Name == name && d.Public }) {
			errs = append(errs, fmt.Errorf("local.public_functions routes /%s, which is not a public function", name))
		}
	}
	return errs
}

// checkScheduler: something publishes the heartbeat the Tick function lives on.
func (m *module) checkScheduler(topics map[string]*block) []error {
	t := topics[app.TopicTicks]
	if t == nil {
		return nil // reported with the topics
	}
	for _, b := range m.byType["google_cloud_scheduler_job"] {
		if refersTo(attr(block1(b.body, "pubsub_target"), "topic_name"), t.addr) {
			return nil
		}
	}
	return []error{fmt.Errorf("no google_cloud_scheduler_job publishes to topic %q (the Tick heartbeat)", app.TopicTicks)}
}

// checkFirestore: the default database, every composite index the queries need, in field
// order and direction, and every TTL policy.
func (m *module) checkFirestore() []error {
	var errs []error
	hasDefault := false
	for _, b := range m.byType["google_firestore_database"] {
		if n, _ := m.str(attr(b.body, "name")); n == "(default)" {
			hasDefault = true
		}
	}
	if !hasDefault {
		errs = append(errs, fmt.Errorf(`no google_firestore_database named "(default)", the database the code opens`))
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
