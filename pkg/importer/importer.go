package importer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/shodan"
)

// Engines accepted by [Options.Engine].
const (
	EngineShodan = "shodan"
	EngineCensys = "censys"
	EngineOrchex = "orchex"
)

// MaxErrors is the number of record errors a [Result] keeps; Bad counts
// them all.
const MaxErrors = 100

// ErrUnknownFormat is wrapped by the error Import returns for a file that
// is none of the known formats.
var ErrUnknownFormat = errors.New("unknown format")

// Options controls one import.
type Options struct {
	// Engine forces the engine whose records the file holds: "shodan",
	// "censys", "orchex" (an orchex export) or "" to detect it. A file
	// whose records are recognisably another engine's is then an error;
	// records of no recognisable shape are decoded as the forced engine's
	// (Shodan banners, Censys v3 or v2 hosts).
	Engine string
	// Strict makes the first bad record, or a file that ends early, an
	// error. The whole file is then checked before emit is first called,
	// so a strict import of a bad file emits nothing.
	Strict bool
	// MaxRecord is the largest record, in bytes, that is decoded; a larger
	// one is reported as bad (NDJSON) or ends the import of the file
	// (inside a JSON document, which cannot be resynchronised). 0 means
	// model.MaxRecord (16 MiB).
	MaxRecord int
	// Input, when set, is read instead of opening the path, which then
	// only names the input in errors and the Result (standard input, or a
	// file the caller opened to watch its progress). It is read once, so
	// Strict, which reads the input twice, cannot be used with it.
	Input io.Reader
	// Products, when set, says whether a product id is in the catalog the
	// import classifies with. An orchex export line naming another
	// product (a forged export, or one written with another catalog) is
	// then a bad record: its classification would be trusted whole.
	Products func(id string) bool
}

// Format names a detected file format.
type Format string

// The formats Import detects. An NDJSON file whose lines are whole API
// responses (one search page per line) has the format of the response.
const (
	ShodanDownload Format = "shodan-download"  // NDJSON banners, `shodan download`
	ShodanSearch   Format = "shodan-search"    // {"matches": [banners], "total": n}
	ShodanHost     Format = "shodan-host"      // {"ip_str", ..., "data": [banners]}
	ShodanBanner   Format = "shodan-banner"    // one banner as a JSON document
	CensysV3Search Format = "censys-v3-search" // {"result": {"hits": [{"host_v1": ...}]}}
	CensysV3Host   Format = "censys-v3-host"   // {"result": {"resource": host}}, or a bare host or hit
	CensysV2Search Format = "censys-v2-search" // {"code": 200, "result": {"hits": [...], "links": ...}}
	CensysV2Host   Format = "censys-v2-host"   // {"code": 200, "result": host}, or a bare host
	CensysNDJSON   Format = "censys-ndjson"    // one v3 hit, v3 host or v2 host per line
	OrchexExport   Format = "orchex-export"    // [ExportRecord] lines
	JSONArray      Format = "json-array"       // a JSON array of records of one of the above
)

// Result says what one import read.
type Result struct {
	File    string
	Format  Format
	Engine  string // "shodan", "censys" or "orchex"
	Read    int    // records read, good or bad: banners, hits, hosts, export lines
	Kept    int    // observations emitted
	Ignored int    // records that are not hosts (Censys web-property and certificate hits)
	Bad     int    // records skipped as malformed
	// Errors holds the first MaxErrors bad records, in file order.
	Errors []RecordError
	// Truncated is set when the file ended early (a truncated .gz, a JSON
	// document cut short, a record too big to skip); TruncatedReason says
	// where and how many records were read before the break.
	Truncated       bool
	TruncatedReason string
	// SHA256 is the hex SHA-256 of the file's bytes as stored (compressed
	// for a .gz), computed while streaming.
	SHA256 string
	Bytes  int64 // size of the file as stored
}

// RecordError is one bad record: where it is and why it was skipped.
type RecordError struct {
	File   string
	Line   int // 1-based line in the (decompressed) file
	Record int // 1-based index of the record in the file
	Reason string
	Err    error // the decoder's error, when there is one
}

// Error implements error.
func (e *RecordError) Error() string {
	return fmt.Sprintf("%s:%d: record %d: %s", e.File, e.Line, e.Record, e.Reason)
}

// Unwrap returns the decoder's error.
func (e *RecordError) Unwrap() error { return e.Err }

// Import streams the file at path, detects its format, decodes every
// record and calls emit with each observation (o is only valid during the
// call; emit copies what it keeps). A bad record is counted and listed in
// the Result and skipped. The error is non-nil when the file cannot be
// read or is of no known format (wrapping [ErrUnknownFormat]), when emit
// or ctx fails, and, with opts.Strict, at the first bad record (a
// *RecordError). The Result is filled as far as the import went.
func Import(ctx context.Context, path string, opts Options, emit func(*model.Observation) error) (Result, error) {
	switch opts.Engine {
	case "", EngineShodan, EngineCensys, EngineOrchex:
	default:
		return Result{File: path}, fmt.Errorf("import %s: unknown engine %q: use shodan, censys or orchex", path, opts.Engine)
	}
	if opts.MaxRecord <= 0 {
		opts.MaxRecord = model.MaxRecord
	}
	if opts.Strict && opts.Input != nil {
		return Result{File: path}, fmt.Errorf("import %s: a strict import reads its input twice and cannot take a stream", path)
	}
	if opts.Strict {
		res, err := importOnce(ctx, path, opts, nil)
		if err != nil {
			return res, err
		}
	}
	return importOnce(ctx, path, opts, emit)
}

// importOnce makes one pass over the file; emit nil only checks.
func importOnce(ctx context.Context, path string, opts Options, emit func(*model.Observation) error) (Result, error) {
	return importRun(ctx, path, opts, emit, nil)
}

// importRun makes one pass over the file; par, when not nil, reads banner
// NDJSON after its first record.
func importRun(ctx context.Context, path string, opts Options, emit func(*model.Observation) error, par bannerLines) (Result, error) {
	r := &run{ctx: ctx, opts: opts, emit: emit, res: Result{File: path}, par: par}
	in := opts.Input
	if in == nil {
		f, err := os.Open(path)
		if err != nil {
			return r.res, fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		in = f
	}
	h := sha256.New()
	counted := &countReader{ctx: ctx, r: in}
	raw := bufio.NewReaderSize(io.TeeReader(counted, h), 64<<10)
	err := r.read(raw)
	if errors.Is(err, errStopped) {
		err = nil
	}
	// Hash the whole file even when the import stopped early at a bad
	// record (the import is recorded with the file's hash), but not a file
	// refused as no known format, nor after ctx ended: /dev/zero would
	// never end.
	if err == nil {
		if _, cerr := io.Copy(io.Discard, raw); cerr != nil {
			err = fmt.Errorf("import %s: reading: %w", path, cerr)
		}
	}
	r.finish(h, counted.n)
	return r.res, err
}

// countReader counts the bytes read from the file and ends the read with
// ctx's error once ctx is done: every loop that reads the file (detection,
// decoding, the parallel reader, hashing) stops at its next read, at most
// one buffer (64 KiB of the file) after a signal.
type countReader struct {
	ctx context.Context
	r   io.Reader
	n   int64
}

func (c *countReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ctxReader ends a read with ctx's error once ctx is done. It wraps the
// decompressed stream, which a gzip bomb can make long without reading
// more of the file.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// run is the state of one pass over one file.
type run struct {
	ctx  context.Context
	opts Options
	emit func(*model.Observation) error
	res  Result
	gz   bool
	line int // current NDJSON line, for errors
	// base is added to document line numbers when a document is one line
	// of an NDJSON file.
	base int
	lc   *lineCounter
	par  bannerLines // the parallel banner path, or nil
}

func (r *run) finish(h hash.Hash, n int64) {
	r.res.SHA256 = hex.EncodeToString(h.Sum(nil))
	r.res.Bytes = n
}

// read detects compression and layout and reads the file.
func (r *run) read(raw *bufio.Reader) error {
	var src io.Reader = raw
	if magic, _ := raw.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return fmt.Errorf("import %s: starts like gzip but its header is unreadable: %w", r.res.File, err)
		}
		defer zr.Close()
		r.gz = true
		src = zr
	}
	br := bufio.NewReaderSize(ctxReader{r.ctx, src}, 1<<20)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	peek, perr := br.Peek(1 << 20)
	if err := r.ctx.Err(); err != nil {
		return err
	}
	start := skipSpace(peek)
	if start == len(peek) {
		switch {
		case perr != nil && perr != io.EOF:
			return r.broken(1, 0, fmt.Sprintf("the file ends before its first record: %v", perr), perr)
		case perr == nil:
			return fmt.Errorf("import %s: %w: the first %d bytes are all white space; %s", r.res.File, ErrUnknownFormat, len(peek), expected)
		}
		return fmt.Errorf("import %s: %w: the file is empty", r.res.File, ErrUnknownFormat)
	}
	if n, of := binary(peek); n > 0 {
		return fmt.Errorf("import %s: %w: binary data, not JSON: %d of the first %d bytes are control characters that JSON text never holds (first bytes %q); %s",
			r.res.File, ErrUnknownFormat, n, of, clipBytes(peek[start:], 16), expected)
	}
	switch peek[start] {
	case '{':
		nd, rd := r.layout(br, start, peek, perr != nil)
		if nd {
			return r.ndjson(rd)
		}
		return r.document(rd)
	case '[':
		return r.document(br)
	}
	return fmt.Errorf("import %s: %w: the file does not start with a JSON object or array (first bytes %q); %s",
		r.res.File, ErrUnknownFormat, clipBytes(peek[start:], 16), expected)
}

// binarySample is how much of the start of a file binary looks at.
const binarySample = 64 << 10

// binary counts, in the first binarySample bytes of head, the control
// characters other than JSON white space (NUL included), which JSON text
// never holds raw; it returns 0 unless they are more than 1% of them
// (a record broken by a stray byte is a bad record, not a binary file).
// of is the number of bytes looked at.
func binary(head []byte) (n, of int) {
	head = head[:min(len(head), binarySample)]
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			n++
		}
	}
	if n*100 <= len(head) {
		return 0, len(head)
	}
	return n, len(head)
}

// layout tells NDJSON from a JSON document in a file whose first record
// starts at peek[start] with '{' (peek is the first 1 MiB of br; whole
// says it is the whole file), and returns the reader to go on with. The
// format never depends on how long the first record is: NDJSON when the
// first line is a complete JSON object, or when it is not (a bad first
// record) but the second line is one (isNDJSON). A first line longer
// than the 1 MiB peek is looked at in full, up to the record limit,
// through a larger buffer; one longer than the record limit is NDJSON
// (its first record is then reported as too long and skipped, the rest
// kept) unless its first members show an API response around records
// ("matches", "result": {...}, "data": [...]), which is streamed as a
// document.
func (r *run) layout(br *bufio.Reader, start int, peek []byte, whole bool) (ndjson bool, rd *bufio.Reader) {
	if whole || bytes.IndexByte(peek[start:], '\n') >= 0 {
		return isNDJSON(peek[start:], whole), br
	}
	big := bufio.NewReaderSize(br, start+r.opts.MaxRecord+2)
	peek, err := big.Peek(start + r.opts.MaxRecord + 2)
	whole = err != nil
	if whole || bytes.IndexByte(peek[start:], '\n') >= 0 {
		return isNDJSON(peek[start:], whole), big
	}
	return !envelope(peek[start:]), big
}

// isNDJSON tells NDJSON from a JSON document by the first lines of b
// (which starts with '{' and holds the whole first line, or the whole
// file when whole is set): NDJSON when the first line is a complete JSON
// object, or when it is not (a bad first record) but the second line is
// one starting in column 0. A pretty-printed document starts with a line
// holding only "{" and indents what follows.
func isNDJSON(b []byte, whole bool) bool {
	first, rest, found := bytes.Cut(b, []byte("\n"))
	if validObject(first) {
		return true
	}
	if t := bytes.TrimSpace(first); len(t) <= 1 || !found {
		return false
	}
	second, _, found := bytes.Cut(rest, []byte("\n"))
	return (found || whole) && len(second) > 0 && second[0] == '{' && validObject(second)
}

// expected lists the accepted formats for error messages.
const expected = "expected a `shodan download` file (NDJSON, plain or .gz), a Shodan search or host response, " +
	"a Censys v3 search response or host view, a Censys v2 search or view response, NDJSON of Censys hits or hosts, " +
	"or an orchex export"

// ndjson reads one record per line.
func (r *run) ndjson(br *bufio.Reader) error {
	var buf []byte
	first := kindUnknown
	for {
		line, tooLong, err := readLine(br, r.opts.MaxRecord, buf[:0])
		buf = line
		if err != nil && err != io.EOF {
			// The stream broke: the partial line is not a record.
			return r.broken(r.line+1, r.res.Read+1, r.breakReason(err), err)
		}
		if len(line) > 0 || tooLong || err == nil {
			r.line++
		}
		rec := bytes.TrimSpace(line)
		switch {
		case tooLong:
			r.res.Read++
			if e := r.bad(r.line, r.res.Read, fmt.Sprintf("record is longer than the %d-byte limit", r.opts.MaxRecord), nil); e != nil {
				return e
			}
		case len(rec) > 0 && first == kindUnknown && !json.Valid(rec):
			// A broken record before the first good one: the format
			// comes from the next line.
			r.res.Read++
			if e := r.bad(r.line, r.res.Read, "not valid JSON", nil); e != nil {
				return e
			}
		case len(rec) > 0:
			if first == kindUnknown {
				first = detect(rec)
				if first == kindUnknown {
					first = r.forced(rec)
				}
				if first == kindUnknown || first == kindAPIError {
					return r.unknown(rec)
				}
				if err := r.setFormat(ndjsonFormat(first), engineOf(first)); err != nil { // "" for envelopes: set by document
					return err
				}
			}
			if err := r.lineRecord(rec, first); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if first == kindBanner && r.par != nil {
			return r.par.banners(r, br)
		}
		if r.res.Read%256 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// lineRecord decodes one NDJSON line.
func (r *run) lineRecord(rec []byte, first kind) error {
	k := first
	if k != kindBanner { // banners, the hot path, are not sniffed
		k = detect(rec)
		if k == kindUnknown {
			if fk := r.forced(rec); fk != kindUnknown {
				k = fk
			}
		}
	}
	switch k {
	case kindShodanSearch, kindShodanHost, kindV3Envelope, kindV2Envelope:
		if !json.Valid(rec) { // a broken line must not stop the file
			r.res.Read++
			return r.bad(r.line, r.res.Read, "not valid JSON", nil)
		}
		saved, savedLC := r.base, r.lc
		r.base = r.line - 1
		err := r.document(bufio.NewReader(bytes.NewReader(rec)))
		r.base, r.lc = saved, savedLC
		return err
	}
	return r.record(rec, r.line, k)
}

// forced returns the kind to decode an unrecognised record as when the
// engine is forced.
func (r *run) forced(rec []byte) kind {
	switch r.opts.Engine {
	case EngineShodan:
		return kindBanner
	case EngineCensys:
		if k := censysHostKind(rec); k != kindUnknown {
			return k
		}
		return kindV3Host
	case EngineOrchex:
		return kindExport
	}
	return kindUnknown
}

// record decodes one complete record of kind k found at line and emits
// its observations.
func (r *run) record(rec []byte, line int, k kind) error {
	r.res.Read++
	idx := r.res.Read
	if len(rec) > r.opts.MaxRecord {
		return r.bad(line, idx, fmt.Sprintf("record is longer than the %d-byte limit", r.opts.MaxRecord), nil)
	}
	if r.opts.Engine != "" && k != kindUnknown && k != kindAPIError && engineOf(k) != r.opts.Engine {
		reason := fmt.Sprintf("this is %s, but the engine was forced to %s", k, r.opts.Engine)
		if idx == 1 {
			return fmt.Errorf("import %s:%d: %s", r.res.File, line, reason)
		}
		return r.bad(line, idx, reason, nil)
	}
	var obs []model.Observation
	var err error
	switch k {
	case kindBanner:
		var o model.Observation
		if o, err = shodan.DecodeBanner(rec); err == nil {
			obs = []model.Observation{o}
		}
	case kindV3Hit:
		var hk string
		obs, hk, err = censys.DecodeV3Hit(rec)
		if err == nil && hk != censys.HitHost {
			r.res.Ignored++
		}
	case kindV3Host:
		obs, err = censys.DecodeV3Host(rec)
	case kindV2Host:
		obs, err = censys.DecodeV2Host(rec)
	case kindExport:
		obs, err = decodeExport(rec)
		if err == nil && r.opts.Products != nil {
			err = knownProducts(obs, r.opts.Products)
		}
	case kindAPIError:
		err = fmt.Errorf("an API error response, not a record: %s", apiErrorText(rec))
	default:
		err = fmt.Errorf("not a record orchex knows (object keys: %s)", keyList(rec))
	}
	if err != nil {
		return r.bad(line, idx, err.Error(), err)
	}
	if r.res.Engine == "" {
		r.res.Engine = engineOf(k)
	}
	for i := range obs {
		r.res.Kept++
		if r.emit != nil {
			if err := r.emit(&obs[i]); err != nil {
				return fmt.Errorf("import %s:%d: record %d: %w", r.res.File, line, idx, err)
			}
		}
	}
	return nil
}

// bad records a bad record; it returns the error to stop on in strict mode.
func (r *run) bad(line, idx int, reason string, err error) error {
	e := RecordError{File: r.res.File, Line: line, Record: idx, Reason: reason, Err: err}
	r.res.Bad++
	if len(r.res.Errors) < MaxErrors {
		r.res.Errors = append(r.res.Errors, e)
	}
	if r.opts.Strict {
		return &e
	}
	return nil
}

// broken records that the file ended early at line; the records before
// the break are kept.
func (r *run) broken(line, idx int, reason string, err error) error {
	if cerr := r.ctx.Err(); cerr != nil && errors.Is(err, cerr) {
		return cerr // stopped, not truncated: what was read is kept
	}
	r.res.Truncated = true
	r.res.TruncatedReason = fmt.Sprintf("%s:%d: %s; %d records were read before the break and kept", r.res.File, line, reason, r.res.Read)
	e := RecordError{File: r.res.File, Line: line, Record: idx, Reason: reason, Err: err}
	if len(r.res.Errors) < MaxErrors {
		r.res.Errors = append(r.res.Errors, e)
	}
	if r.opts.Strict {
		return &e
	}
	return errStopped
}

// errStopped unwinds the readers after broken; Import does not return it.
var errStopped = errors.New("import stopped at a break")

// breakReason explains a read error that ended the file early.
func (r *run) breakReason(err error) string {
	switch {
	case r.gz && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader)):
		return fmt.Sprintf("the gzip stream is truncated or corrupt (%v): re-download or re-compress the file", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends in the middle of a record: it is truncated"
	case errors.Is(err, errRecordTooLarge):
		return fmt.Sprintf("the record after this point is longer than the %d-byte limit; a JSON document cannot be resumed after it", r.opts.MaxRecord)
	}
	return fmt.Sprintf("reading stopped: %v", err)
}

// setFormat records the file's format and engine, once.
func (r *run) setFormat(f Format, engine string) error {
	if r.res.Format == "" {
		r.res.Format = f
	}
	if r.res.Engine == "" {
		r.res.Engine = engine
	}
	if r.opts.Engine != "" && engine != "" && engine != r.opts.Engine && r.res.Read == 0 {
		return fmt.Errorf("import %s: the file looks like %s (%s), but the engine was forced to %s", r.res.File, f, engine, r.opts.Engine)
	}
	return nil
}

// unknown is the error for a file whose first record is of no known kind.
func (r *run) unknown(rec []byte) error {
	if detect(rec) == kindAPIError {
		return fmt.Errorf("import %s: %w: the file holds an API error response, not records: %s", r.res.File, ErrUnknownFormat, apiErrorText(rec))
	}
	return fmt.Errorf("import %s: %w: the first object has keys %s; %s", r.res.File, ErrUnknownFormat, keyList(rec), expected)
}

// readLine appends one line (without its newline) to buf and returns the
// longer buf. A line longer than max is consumed and reported tooLong,
// with nothing appended. err is io.EOF after the last line.
func readLine(br *bufio.Reader, max int, buf []byte) (out []byte, tooLong bool, err error) {
	base := len(buf)
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)-base+len(chunk) > max+1 {
				tooLong = true
				buf = buf[:base]
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch err {
		case nil:
			if !tooLong {
				buf = bytes.TrimSuffix(buf, []byte("\n"))
			}
			return buf, tooLong, nil
		case bufio.ErrBufferFull:
			continue
		default:
			return buf, tooLong, err
		}
	}
}

func skipSpace(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

func clipBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
