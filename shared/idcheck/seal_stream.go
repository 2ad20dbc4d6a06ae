package idcheck

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Sealing in segments, for what is read back in pieces: a search extract of up to 10 MiB and
// an access package are streamed at download, one stored chunk at a time, and never held whole.
// The construction is the STREAM one that Tink's AES-GCM-HKDF streaming AEAD uses (Hoang,
// Reyhanitabar, Rogaway, Vizár, "Online Authenticated-Encryption and its Nonce-Reuse
// Misuse-Resistance", CRYPTO 2015), written here because tink-go's streaming package links its
// key registry and protobuf descriptors into every function that seals, and its start-up with
// them.
//
// A sealed stream is
//
//	header = "PLs1" || salt (32 random bytes) || nonce prefix (7 random bytes)
//	segment i = AES-256-GCM(k, nonce = prefix || uint32(i) || last, plaintext_i, aad = header)
//
// with k = HKDF-SHA256(the sealer's stream key, salt, "privacyloket sealed segments v1" ||
// reference): a key of its own for every stream, bound to the reference (a case reference with
// what the stream is, e.g. an extract's key). Every segment holds SegmentSize bytes of
// plaintext except the last, which is marked in its nonce and may be shorter or empty. So a
// segment moved to another position, another stream or another reference, a stream cut short
// (even at a segment boundary) or extended, and a wrong key all fail to open (ErrUnseal).

// SegmentSize is the plaintext of one sealed segment: 64 KiB, so a reader holds two segments'
// worth of buffers whatever the size of the stream.
const SegmentSize = 64 << 10

const (
	streamMagic     = "PLs1"
	streamSaltSize  = 32
	streamPrefixLen = 7
	// StreamHeaderSize is what a sealed stream starts with.
	StreamHeaderSize = len(streamMagic) + streamSaltSize + streamPrefixLen
	segmentTagSize   = 16
	sealedSegment    = SegmentSize + segmentTagSize
	streamInfo       = "privacyloket sealed segments v1\x00"
)

// SealedSize is how long the sealed stream of n plaintext bytes is.
func SealedSize(n int64) int64 {
	segments := n/SegmentSize + 1 // the last segment may be empty, never absent
	if n > 0 && n%SegmentSize == 0 {
		segments--
	}
	return int64(StreamHeaderSize) + n + segments*segmentTagSize
}

// streamAEAD derives the stream's own AES-256-GCM from its salt and reference.
func (s *Sealer) streamAEAD(salt []byte, reference string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, s.streamKey, salt, streamInfo+reference, KeySize)
	if err != nil {
		return nil, fmt.Errorf("idcheck: derive stream key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("idcheck: stream key: %w", err)
	}
	return cipher.NewGCM(block)
}

func segmentNonce(prefix []byte, i uint32, last bool) []byte {
	nonce := make([]byte, 12)
	copy(nonce, prefix)
	binary.BigEndian.PutUint32(nonce[streamPrefixLen:], i)
	if last {
		nonce[11] = 1
	}
	return nonce
}

// SealWriter returns a writer that seals what is written to it in segments for reference and
// writes them to w as each fills. Close seals the last segment; until then the stream cannot be
// opened. It does not close w.
func (s *Sealer) SealWriter(w io.Writer, reference string) (io.WriteCloser, error) {
	if reference == "" {
		return nil, ErrNoReference
	}
	header := make([]byte, StreamHeaderSize)
	copy(header, streamMagic)
	rand.Read(header[len(streamMagic):]) // never fails (crypto/rand)
	aead, err := s.streamAEAD(header[len(streamMagic):len(streamMagic)+streamSaltSize], reference)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(header); err != nil {
		return nil, err
	}
	return &sealWriter{w: w, aead: aead, header: header, prefix: header[len(streamMagic)+streamSaltSize:],
		buf: make([]byte, 0, SegmentSize), out: make([]byte, 0, sealedSegment)}, nil
}

type sealWriter struct {
	w              io.Writer
	aead           cipher.AEAD
	header, prefix []byte
	buf, out       []byte
	index          uint32
	closed         bool
	err            error
}

func (sw *sealWriter) Write(p []byte) (int, error) {
	if sw.err != nil {
		return 0, sw.err
	}
	if sw.closed {
		return 0, errors.New("idcheck: write to a closed seal")
	}
	n := 0
	for len(p) > 0 {
		if len(sw.buf) == SegmentSize {
			// A full segment is sealed only once more follows: the last one is marked so.
			if err := sw.emit(false); err != nil {
				return n, err
			}
		}
		k := copy(sw.buf[len(sw.buf):SegmentSize], p)
		sw.buf = sw.buf[:len(sw.buf)+k]
		p, n = p[k:], n+k
	}
	return n, nil
}

func (sw *sealWriter) emit(last bool) error {
	if sw.index == math.MaxUint32 && !last {
		sw.err = errors.New("idcheck: sealed stream too long")
		return sw.err
	}
	sw.out = sw.aead.Seal(sw.out[:0], segmentNonce(sw.prefix, sw.index, last), sw.buf, sw.header)
	if _, err := sw.w.Write(sw.out); err != nil {
		sw.err = err
		return err
	}
	sw.index++
	sw.buf = sw.buf[:0]
	return nil
}

// Close seals the last segment.
func (sw *sealWriter) Close() error {
	if sw.err != nil || sw.closed {
		return sw.err
	}
	sw.closed = true
	return sw.emit(true)
}

// OpenReader returns a reader of the plaintext of the sealed stream r for reference, opening
// one segment at a time. A stream that does not open (changed, cut short, extended, another
// reference or key) gives ErrUnseal from Read, at the first segment that shows it, and no
// plaintext of that segment; an error of r itself is passed on. What Read returned before an
// error is authentic but may be incomplete: a reader that acts on the whole must read to io.EOF.
func (s *Sealer) OpenReader(r io.Reader, reference string) (io.Reader, error) {
	if reference == "" {
		return nil, ErrNoReference
	}
	header := make([]byte, StreamHeaderSize)
	if _, err := io.ReadFull(r, header); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, ErrUnseal
		}
		return nil, err
	}
	if string(header[:len(streamMagic)]) != streamMagic {
		return nil, ErrUnseal
	}
	aead, err := s.streamAEAD(header[len(streamMagic):len(streamMagic)+streamSaltSize], reference)
	if err != nil {
		return nil, err
	}
	return &openReader{r: r, aead: aead, header: header, prefix: header[len(streamMagic)+streamSaltSize:],
		in: make([]byte, sealedSegment+1), plain: make([]byte, 0, SegmentSize)}, nil
}

type openReader struct {
	r              io.Reader
	aead           cipher.AEAD
	header, prefix []byte
	// in holds one sealed segment and one byte beyond it, which tells whether it is the last.
	in    []byte
	have  int
	plain []byte // opened, not yet read
	index uint32
	done  bool
	err   error
}

func (o *openReader) Read(p []byte) (int, error) {
	for len(o.plain) == 0 {
		switch {
		case o.err != nil:
			return 0, o.err
		case o.done:
			return 0, io.EOF
		}
		o.err = o.next()
	}
	n := copy(p, o.plain)
	o.plain = o.plain[n:]
	return n, nil
}

// next opens the next segment into o.plain.
func (o *openReader) next() error {
	m, err := io.ReadFull(o.r, o.in[o.have:])
	o.have += m
	last := false
	switch {
	case err == nil: // a full segment and more after it
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		last = true
	default:
		return err
	}
	n := sealedSegment
	if last {
		n = o.have
	}
	if n < segmentTagSize || (!last && o.index == math.MaxUint32) {
		return ErrUnseal
	}
	plain, oerr := o.aead.Open(o.plain[:0], segmentNonce(o.prefix, o.index, last), o.in[:n], o.header)
	if oerr != nil {
		return ErrUnseal
	}
	o.plain = plain
	o.index++
	if last {
		o.done = true
		return nil
	}
	o.in[0] = o.in[sealedSegment] // the byte read ahead starts the next segment
	o.have = 1
	return nil
}

// SealSegments seals plaintext as one stream for reference (SealWriter into memory).
func (s *Sealer) SealSegments(reference string, plaintext []byte) ([]byte, error) {
	var out sliceWriter
	out.b = make([]byte, 0, SealedSize(int64(len(plaintext))))
	w, err := s.SealWriter(&out, reference)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.b, nil
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
