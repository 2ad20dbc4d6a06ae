package inspect

// Removing active content from an extract (InspectExtractContext): what the
// parsed walk refuses in an ID copy is taken out of pdfcpu's object model
// instead, by the walk's own vocabulary, before pdfcpu validates and writes
// it. Removal never has the last word: the rewritten file goes through
// checkRewrittenPDF, the ID copy's final check, unchanged, so whatever
// removal misses is still refused.

import (
	"cmp"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// removeActive takes active content out of xt and returns the kinds removed
// (idcheck.RemovedScripts …), sorted, or a rejection code for what cannot be
// removed without losing the document: an XML form whose pages are only a
// placeholder for it (/NeedsRendering).
//
// The document is walked from its catalog, each object once. Entries that
// exist only in active content are deleted where they stand (scripts, the
// name trees of scripts and embedded files, XML forms, rich media, additional
// actions, a file specification's embedded files). Active objects (an action
// of an active type, a link to an unsafe address, an annotation that plays
// media or carries a file, an embedded file and its file specification) are
// unlinked: every entry and array element that points at one is removed, with
// its key in a name or number tree, so an action chained by /Next, an
// annotation in a page's /Annots and a structure tree's reference to it go
// alike. What nothing points at any longer is not written. An open action
// other than jumping to a page goes too.
func removeActive(xt *model.XRefTable) (removed []string, code string) {
	r := remover{
		pdfWalker:  pdfWalker{xt: xt, producerKeys: map[int]bool{}},
		kinds:      map[string]bool{},
		activeRefs: map[int]string{},
		seen:       map[int]bool{},
	}
	if xt.Root == nil {
		return nil, "" // pdfcpu's validation refuses it
	}
	root, err := xt.Catalog()
	if err != nil {
		return nil, ""
	}
	if r.xfaOnly(root) {
		return nil, idcheck.CodePDFActiveContent
	}
	// What object streams hold is parsed when first used: all of it now, so
	// that every object is judged and producer-keyed dictionaries are known
	// (what parsing it costs is charged: streamScan.syntax). An object that
	// does not parse stays as it is: not written if nothing uses it, refused
	// by pdfcpu's validation if something does.
	for nr, entry := range xt.Table {
		if entry == nil || entry.Free || entry.Generation == nil {
			continue
		}
		if _, lazy := entry.Object.(types.LazyObjectStreamObject); lazy {
			_, _ = xt.Dereference(*types.NewIndirectRef(nr, *entry.Generation))
		}
	}
	for _, entry := range xt.Table {
		if entry != nil && !entry.Free && entry.Object != nil {
			r.collectResourceNames(entry.Object, maxWalkDepth)
		}
	}
	// Objects are judged before any is changed: cleaning a file
	// specification takes its /EF, which makes it active where it is listed.
	// A structure tree's reference goes with what it refers to, so is judged
	// after.
	for _, objr := range []bool{false, true} {
		for nr, entry := range xt.Table {
			if entry == nil || entry.Free || entry.Object == nil {
				continue
			}
			if d, ok := asDict(entry.Object); ok && (r.name(d["Type"]) == "OBJR") == objr {
				if kind := r.kindOf(d); kind != "" {
					r.activeRefs[nr] = kind
				}
			}
		}
	}
	// Breadth first, so that no chain of references (a long outline's
	// /Next, say) is cut short by a depth limit.
	r.follow(*xt.Root)
	for len(r.queue) > 0 {
		nr := r.queue[0]
		r.queue = r.queue[1:]
		if entry, ok := xt.Table[nr]; ok && !entry.Free && entry.Object != nil {
			entry.Object = r.clean(entry.Object, r.producerKeys[nr], maxWalkDepth)
		}
	}
	for k, v := range root {
		switch decodePDFName(k) {
		case "OpenAction":
			if !safeOpenAction(xt, v) {
				delete(root, k)
				r.kinds[idcheck.RemovedActions] = true
			}
		case "NeedsRendering":
			delete(root, k) // what it asks for, an XML form, is gone
		}
	}
	for k := range r.kinds {
		removed = append(removed, k)
	}
	slices.Sort(removed)
	return removed, ""
}

type remover struct {
	pdfWalker
	kinds map[string]bool
	// activeRefs holds the kind of each active object stored as an object of
	// its own, by number, as it was before anything was removed.
	activeRefs map[int]string
	// seen and queue are the objects reached, and those still to clean.
	seen  map[int]bool
	queue []int
}

// follow has the object ref points at cleaned in its turn.
func (r *remover) follow(ref types.IndirectRef) {
	if nr := ref.ObjectNumber.Value(); !r.seen[nr] {
		r.seen[nr] = true
		r.queue = append(r.queue, nr)
	}
}

// clean removes active content from o and returns what is left of it.
// producerKeys says that o's own keys are names chosen by the producer, which
// are not judged as PDF vocabulary (as in pdfWalker.active). Deeper than the
// walk goes, o is left as it is, for the final check to refuse.
func (r *remover) clean(o types.Object, producerKeys bool, depth int) types.Object {
	if depth <= 0 {
		return o
	}
	switch v := o.(type) {
	case types.IndirectRef:
		r.follow(v)
	case types.Array:
		return r.cleanArray(v, 1, depth)
	default:
		if d, ok := asDict(o); ok {
			r.cleanDict(d, producerKeys, depth)
		}
	}
	return o
}

func (r *remover) cleanDict(d types.Dict, producerKeys bool, depth int) {
	producerKeys = producerKeys && !hasKey(d, "Type") && !hasKey(d, "Subtype")
	for k, v := range d {
		name := decodePDFName(k)
		if !producerKeys {
			if kinds := r.activeEntry(name, v); len(kinds) > 0 {
				r.remove(kinds...)
				delete(d, k)
				continue
			}
		}
		if kind := r.activeObject(v); kind != "" {
			r.remove(kind)
			delete(d, k)
			continue
		}
		if a, ok := v.(types.Array); ok && (name == "Names" || name == "Nums") && !producerKeys {
			// A name or number tree's leaf: keys and values in pairs.
			d[k] = r.cleanArray(a, 2, depth)
			continue
		}
		d[k] = r.clean(v, slices.Contains(producerKeyed, name), depth-1)
	}
}

// cleanArray drops from a every element (with stride 2: every key and value
// pair) whose last member is an active object, and cleans the rest.
func (r *remover) cleanArray(a types.Array, stride, depth int) types.Array {
	out := a[:0]
	for i := 0; i < len(a); i += stride {
		group := a[i:min(i+stride, len(a))]
		if kind := r.activeObject(group[len(group)-1]); kind != "" {
			r.remove(kind)
			continue
		}
		for _, e := range group {
			out = append(out, r.clean(e, false, depth-1))
		}
	}
	return out
}

func (r *remover) remove(kinds ...string) {
	for _, k := range kinds {
		r.kinds[k] = true
	}
}

// activeEntry names the kinds of active content an entry holds that exists
// only as active content: the keys of activeKeys, additional actions, a file
// specification's embedded files (pdfWalker.activeEntry's keys).
func (r *remover) activeEntry(key string, v types.Object) []string {
	switch key {
	case "JS", "JavaScript":
		return []string{idcheck.RemovedScripts}
	case "EmbeddedFiles":
		return []string{idcheck.RemovedAttachments}
	case "XFA":
		return []string{idcheck.RemovedForms}
	case "RichMediaContent", "RichMediaSettings":
		return []string{idcheck.RemovedMedia}
	case "EF":
		if _, isDict := r.deref(v).(types.Dict); isDict {
			return []string{idcheck.RemovedAttachments}
		}
	case "AA":
		if aa, isDict := r.deref(v).(types.Dict); isDict {
			return r.additionalActions(aa)
		}
	}
	return nil
}

// additionalActions names the kinds of the actions in aa, run when a page
// opens, a field changes and the like: always at least "actions".
func (r *remover) additionalActions(aa types.Dict) []string {
	kinds := []string{idcheck.RemovedActions}
	for _, v := range aa {
		if kind := r.activeObject(v); kind != "" && kind != idcheck.RemovedActions {
			kinds = append(kinds, kind)
		}
	}
	return kinds
}

// activeObject names the kind of active content o (dereferenced) is, or ""
// for none: an action of an active type, a dictionary with an unsafe /URI,
// an annotation of an active subtype, an embedded file stream, and a
// structure tree's reference to any of these (pdfWalker.activeEntry's
// /S, /URI, /Subtype and /Type).
func (r *remover) activeObject(o types.Object) string {
	if ref, ok := o.(types.IndirectRef); ok {
		return r.activeRefs[ref.ObjectNumber.Value()]
	}
	d, ok := asDict(o)
	if !ok {
		return ""
	}
	return r.kindOf(d)
}

// kindOf is activeObject's judgement of a dictionary.
func (r *remover) kindOf(d types.Dict) string {
	var kind string
	for k, v := range d {
		switch decodePDFName(k) {
		case "S":
			kind = cmp.Or(kind, actionKind(r.name(v)))
		case "URI":
			if !safeURI(r.deref(v)) {
				kind = cmp.Or(kind, idcheck.RemovedLinks)
			}
		case "Subtype":
			switch s := r.name(v); {
			case s == "FileAttachment":
				kind = cmp.Or(kind, idcheck.RemovedAttachments)
			case activeSubtypes[s]:
				kind = cmp.Or(kind, idcheck.RemovedMedia)
			}
		case "Type":
			if r.name(v) == "EmbeddedFile" {
				kind = cmp.Or(kind, idcheck.RemovedAttachments)
			}
		case "EF":
			// A file specification of an embedded file: listed as an
			// associated file (/AF), say, it is of no use without it.
			if _, isDict := r.deref(v).(types.Dict); isDict {
				kind = cmp.Or(kind, idcheck.RemovedAttachments)
			}
		}
	}
	if obj, ok := d["Obj"].(types.IndirectRef); ok && kind == "" && r.name(d["Type"]) == "OBJR" {
		kind = r.activeRefs[obj.ObjectNumber.Value()]
	}
	return kind
}

// actionKind is the kind of active content an action of type s is, or ""
// for an action that is not refused (activeActions).
func actionKind(s string) string {
	if !activeActions[s] {
		return ""
	}
	switch s {
	case "JavaScript":
		return idcheck.RemovedScripts
	case "SubmitForm", "ImportData":
		return idcheck.RemovedForms
	case "Launch", "GoToR", "GoToE":
		return idcheck.RemovedActions
	}
	return idcheck.RemovedMedia
}

// xfaOnly reports an XML form that the pages only stand in for: without it
// the document would show a placeholder ("please wait…") instead of what it
// holds, so it is refused rather than emptied.
func (r *remover) xfaOnly(root types.Dict) bool {
	var needs, xfa bool
	for k, v := range root {
		switch decodePDFName(k) {
		case "NeedsRendering":
			b, ok := r.deref(v).(types.Boolean)
			needs = ok && b.Value()
		case "AcroForm":
			if form, ok := r.deref(v).(types.Dict); ok {
				xfa = hasKey(form, "XFA")
			}
		}
	}
	return needs && xfa
}
