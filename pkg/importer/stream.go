package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// errRecordTooLarge is returned by lineCounter.Read when the decoder reads
// past the record size limit.
var errRecordTooLarge = errors.New("record too large")

// lineCounter passes bytes through to the JSON decoder while remembering
// where the newlines are, so that a decoder offset can be turned into a
// line number, and stops the decoder from reading a record past a limit.
type lineCounter struct {
	r      io.Reader
	off    int64   // bytes delivered
	nl     []int64 // offsets of newlines delivered and not yet passed by line()
	before int     // newlines before those in nl
	limit  int64   // no byte at or past this offset is delivered; 0 = no limit
}

func (c *lineCounter) Read(p []byte) (int, error) {
	if c.limit > 0 {
		if c.off >= c.limit {
			return 0, errRecordTooLarge
		}
		if rest := c.limit - c.off; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n, err := c.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		c.nl = append(c.nl, c.off+int64(i+j))
		i += j + 1
	}
	c.off += int64(n)
	return n, err
}

// line returns the 1-based line of offset off. Offsets passed must not
// decrease from one call to the next.
func (c *lineCounter) line(off int64) int {
	i := 0
	for i < len(c.nl) && c.nl[i] < off {
		i++
	}
	c.before += i
	if i == len(c.nl) {
		c.nl = c.nl[:0]
	} else {
		c.nl = c.nl[i:]
	}
	return c.before + 1
}

// recordSlack is what the decoder may have read ahead of a record's start.
const recordSlack = 1 << 20

// document streams a JSON document (or several concatenated): records
// inside the envelopes' arrays are decoded one at a time, never the whole
// document.
func (r *run) document(rd io.Reader) error {
	r.lc = &lineCounter{r: rd}
	dec := json.NewDecoder(r.lc)
	dec.UseNumber()
	for {
		start := dec.InputOffset()
		r.guard(start)
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return r.decodeBroken(dec, err)
		}
		line := r.lineAt(max(start, dec.InputOffset()-1))
		switch tok {
		case json.Delim('['):
			if err := r.setFormat(JSONArray, ""); err != nil {
				return err
			}
			if err := r.array(dec, kindUnknown); err != nil {
				return err
			}
		case json.Delim('{'):
			if err := r.object(dec, line); err != nil {
				return err
			}
		default:
			return fmt.Errorf("import %s:%d: %w: a top-level JSON %s where an object or array was expected; %s",
				r.res.File, line, ErrUnknownFormat, tokenKind(tok), expected)
		}
	}
}

func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "value"
}

// guard limits how far the decoder may read for the value starting at off.
func (r *run) guard(off int64) {
	r.lc.limit = max(off, r.lc.off) + int64(r.opts.MaxRecord) + recordSlack
}

func (r *run) lineAt(off int64) int { return r.base + r.lc.line(off) }

// decodeBroken reports a decoder error: the document cannot be resumed.
func (r *run) decodeBroken(dec *json.Decoder, err error) error {
	if err == io.EOF { // inside a value: the document was cut short
		err = io.ErrUnexpectedEOF
	}
	line := r.lineAt(dec.InputOffset())
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line = r.lineAt(max(se.Offset, dec.InputOffset()))
		e := r.broken(line, r.res.Read+1, "malformed JSON ("+err.Error()+"); the rest of the document cannot be read", err)
		// The malformed record counts as read and bad (Bad <= Read), after
		// the reason has counted the records kept before it.
		r.res.Read++
		r.res.Bad++
		return e
	}
	return r.broken(line, r.res.Read+1, r.breakReason(err), err)
}

// object reads an object whose '{' was just read: an envelope whose
// record arrays are streamed, or one record.
func (r *run) object(dec *json.Decoder, line int) error {
	acc := []byte{'{'}
	streamed, sawResult := false, false
	for dec.More() {
		off := dec.InputOffset()
		r.guard(off)
		kt, err := dec.Token()
		if err != nil {
			return r.decodeBroken(dec, err)
		}
		key, _ := kt.(string)
		switch key {
		case "matches", "data", "hits", "result":
			vt, err := dec.Token()
			if err != nil {
				return r.decodeBroken(dec, err)
			}
			switch {
			case vt == json.Delim('[') && key == "matches":
				if err := r.setFormat(ShodanSearch, EngineShodan); err != nil {
					return err
				}
				streamed = true
				err = r.array(dec, kindBanner)
			case vt == json.Delim('[') && key == "data":
				if err := r.setFormat(ShodanHost, EngineShodan); err != nil {
					return err
				}
				streamed = true
				err = r.array(dec, kindBanner)
			case vt == json.Delim('[') && key == "hits":
				streamed = true
				err = r.array(dec, kindUnknown)
			case vt == json.Delim('{') && key == "result":
				streamed, sawResult = true, true
				err = r.result(dec, line)
			case vt == json.Delim('[') || vt == json.Delim('{'):
				if err := skipRest(dec); err != nil {
					return r.decodeBroken(dec, err)
				}
			default: // a scalar, e.g. a banner's "data" string
				acc = appendMember(acc, key, tokenJSON(vt))
			}
			if err != nil {
				return err
			}
		default:
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return r.decodeBroken(dec, err)
			}
			acc = appendMember(acc, key, raw)
		}
		if len(acc) > r.opts.MaxRecord {
			return r.broken(line, r.res.Read+1, r.breakReason(errRecordTooLarge), errRecordTooLarge)
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return r.decodeBroken(dec, err)
	}
	rec := append(acc, '}')
	if sawResult && r.res.Format == "" { // a search response without hits
		f := CensysV3Search
		if detect(append(rec[:len(rec)-1:len(rec)-1], []byte(`,"result":{}}`)...)) == kindV2Envelope {
			f = CensysV2Search
		}
		if err := r.setFormat(f, EngineCensys); err != nil {
			return err
		}
	}
	if streamed {
		return nil
	}
	return r.single(rec, line)
}

// single handles an object that is one record, not an envelope.
func (r *run) single(rec []byte, line int) error {
	k := detect(rec)
	if k == kindUnknown {
		k = r.forced(rec)
	}
	if (k == kindUnknown || k == kindAPIError) && r.res.Read == 0 {
		return r.unknown(rec)
	}
	switch k {
	case kindShodanSearch, kindShodanHost, kindV3Envelope, kindV2Envelope:
		// An envelope whose record list is null or missing: no records.
		return r.setFormat(map[kind]Format{kindShodanSearch: ShodanSearch, kindShodanHost: ShodanHost,
			kindV3Envelope: CensysV3Search, kindV2Envelope: CensysV2Search}[k], engineOf(k))
	}
	f := map[kind]Format{
		kindBanner: ShodanBanner, kindV3Hit: CensysV3Host, kindV3Host: CensysV3Host,
		kindV2Host: CensysV2Host, kindExport: OrchexExport,
	}[k]
	if err := r.setFormat(f, engineOf(k)); err != nil {
		return err
	}
	return r.record(rec, line, k)
}

// result reads a Censys "result" object whose '{' was just read: search
// hits are streamed; a host view's resource, or a bare v2 host, is one
// record.
func (r *run) result(dec *json.Decoder, line int) error {
	acc := []byte{'{'}
	streamed := false
	for dec.More() {
		r.guard(dec.InputOffset())
		kt, err := dec.Token()
		if err != nil {
			return r.decodeBroken(dec, err)
		}
		key, _ := kt.(string)
		switch key {
		case "hits":
			vt, err := dec.Token()
			if err != nil {
				return r.decodeBroken(dec, err)
			}
			if vt != json.Delim('[') {
				return fmt.Errorf("import %s:%d: %w: result.hits is not an array; %s", r.res.File, line, ErrUnknownFormat, expected)
			}
			streamed = true
			if err := r.array(dec, kindUnknown); err != nil {
				return err
			}
		case "resource":
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return r.decodeBroken(dec, err)
			}
			streamed = true
			if err := r.setFormat(CensysV3Host, EngineCensys); err != nil {
				return err
			}
			if err := r.record(raw, r.lineAt(dec.InputOffset()-int64(len(raw))), kindV3Host); err != nil {
				return err
			}
		default:
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return r.decodeBroken(dec, err)
			}
			acc = appendMember(acc, key, raw)
			if len(acc) > r.opts.MaxRecord {
				return r.broken(line, r.res.Read+1, r.breakReason(errRecordTooLarge), errRecordTooLarge)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return r.decodeBroken(dec, err)
	}
	if streamed {
		return nil
	}
	rec := append(acc, '}')
	k := detect(rec)
	if k != kindV2Host && k != kindV3Host {
		if r.res.Read == 0 {
			return fmt.Errorf("import %s:%d: %w: a Censys response whose result has keys %s is not a search or host view response; %s",
				r.res.File, line, ErrUnknownFormat, keyList(rec), expected)
		}
		return r.bad(line, r.res.Read+1, "a Censys result that is neither search hits nor a host", nil)
	}
	f := CensysV2Host
	if k == kindV3Host {
		f = CensysV3Host
	}
	if err := r.setFormat(f, EngineCensys); err != nil {
		return err
	}
	return r.record(rec, line, k)
}

// array streams the elements of an array whose '[' was just read; each is
// a record of kind k, or of its detected kind when k is kindUnknown.
func (r *run) array(dec *json.Decoder, k kind) error {
	for dec.More() {
		r.guard(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return r.decodeBroken(dec, err)
		}
		line := r.lineAt(dec.InputOffset() - int64(len(raw)))
		kk := k
		if kk == kindUnknown {
			kk = detect(raw)
			if kk == kindUnknown {
				kk = r.forced(raw)
			}
			switch kk {
			case kindV3Hit:
				_ = r.setFormat(CensysV3Search, EngineCensys)
			case kindV2Host:
				_ = r.setFormat(CensysV2Search, EngineCensys)
			}
		}
		if err := r.record(raw, line, kk); err != nil {
			return err
		}
		if r.res.Read%256 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return r.decodeBroken(dec, err)
	}
	return nil
}

// skipRest consumes the rest of an array or object whose opening
// delimiter was just read.
func skipRest(dec *json.Decoder) error {
	depth := 1
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

func appendMember(acc []byte, key string, val []byte) []byte {
	if len(acc) > 1 {
		acc = append(acc, ',')
	}
	kb, _ := json.Marshal(key)
	acc = append(acc, kb...)
	acc = append(acc, ':')
	return append(acc, val...)
}

// tokenJSON renders a scalar token back to JSON.
func tokenJSON(t json.Token) []byte {
	b, err := json.Marshal(t)
	if err != nil {
		return []byte("null")
	}
	return b
}
