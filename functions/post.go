package functions

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/privacyloket/privacyloket/shared/web"
)

// post is a decoded POST body: fields and, for multipart, files.
type post struct {
	url.Values
	files map[string][]*multipart.FileHeader
}

// file returns the named upload's bytes (nil when absent), reading at most max+1 bytes.
func (p post) file(name string, max int64) ([]byte, error) {
	fhs := p.files[name]
	if len(fhs) == 0 || fhs[0].Size == 0 {
		return nil, nil
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max+1))
}

// readPost decodes a bounded POST body in any of the accepted encodings and refuses
// cross-site browser posts. On failure it has answered already.
func (h *Handlers) readPost(w http.ResponseWriter, r *http.Request, lang string, limit int64) (post, bool) {
	if !web.SameOrigin(r) {
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.cross_site", nil)
		return post{}, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		h.web.Problem(w, r, http.StatusUnsupportedMediaType, lang, "err.media_type", nil)
		return post{}, false
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			h.web.Problem(w, r, tooLargeOr(err, http.StatusBadRequest), lang, "err.invalid", nil)
			return post{}, false
		}
		return post{Values: r.PostForm}, true
	case "multipart/form-data":
		// All in memory: an ID copy never touches the disk.
		if err := r.ParseMultipartForm(limit); err != nil {
			h.web.Problem(w, r, tooLargeOr(err, http.StatusBadRequest), lang, "err.invalid", nil)
			return post{}, false
		}
		return post{Values: r.MultipartForm.Value, files: r.MultipartForm.File}, true
	case "application/json":
		var m map[string]any
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			h.web.Problem(w, r, tooLargeOr(err, http.StatusBadRequest), lang, "err.invalid", nil)
			return post{}, false
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			h.web.Problem(w, r, http.StatusBadRequest, lang, "err.invalid", nil)
			return post{}, false
		}
		v := url.Values{}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			case []any:
				for _, e := range x {
					v.Add(k, fmt.Sprint(e))
				}
			case nil:
			default:
				v.Set(k, fmt.Sprint(x))
			}
		}
		return post{Values: v}, true
	default:
		h.web.Problem(w, r, http.StatusUnsupportedMediaType, lang, "err.media_type", nil)
		return post{}, false
	}
}
