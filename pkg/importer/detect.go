package importer

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/orchex/orchex/internal/jsonscan"
)

// kind is the shape of one JSON object: a record or an envelope of records.
type kind int

const (
	kindUnknown      kind = iota
	kindBanner            // a Shodan banner
	kindShodanSearch      // {"matches": [...]}
	kindShodanHost        // {"ip_str", "data": [...]}
	kindV3Hit             // {"host_v1" | "webproperty_v1" | "certificate_v1": ...}
	kindV3Host            // a v3 Host resource, or {"resource": host}
	kindV3Envelope        // {"result": {...}} (v3 search response or host view)
	kindV2Host            // a v2 host (view result or search hit)
	kindV2Envelope        // {"code", "status", "result": {...}}
	kindExport            // an orchex export line
	kindAPIError          // {"error": ...}: an API error body
)

func (k kind) String() string {
	switch k {
	case kindBanner:
		return "a Shodan banner"
	case kindShodanSearch:
		return "a Shodan search response"
	case kindShodanHost:
		return "a Shodan host response"
	case kindV3Hit:
		return "a Censys v3 search hit"
	case kindV3Host:
		return "a Censys v3 host"
	case kindV3Envelope:
		return "a Censys v3 response"
	case kindV2Host:
		return "a Censys v2 host"
	case kindV2Envelope:
		return "a Censys v2 response"
	case kindExport:
		return "an orchex export record"
	case kindAPIError:
		return "an API error response"
	}
	return "an unknown object"
}

func engineOf(k kind) string {
	switch k {
	case kindBanner, kindShodanSearch, kindShodanHost:
		return EngineShodan
	case kindV3Hit, kindV3Host, kindV3Envelope, kindV2Host, kindV2Envelope:
		return EngineCensys
	case kindExport:
		return EngineOrchex
	}
	return ""
}

// ndjsonFormat is the format of an NDJSON file whose first line is k; ""
// for lines that are whole API responses, whose format the response sets.
func ndjsonFormat(k kind) Format {
	switch k {
	case kindBanner:
		return ShodanDownload
	case kindV3Hit, kindV3Host, kindV2Host:
		return CensysNDJSON
	case kindExport:
		return OrchexExport
	}
	return ""
}

// detect names the shape of the JSON object b from its top-level keys
// (and, for hosts, the keys of its first service). It does not decode
// values; b need not be valid JSON (an invalid b gives kindUnknown or a
// kind whose decoder then reports the error).
func detect(b []byte) kind {
	var has struct {
		orchex, hit, matches, result, code, errorKey, shodan, port, ipStr, ip, services, resource bool
		dataArray, ports                                                                          bool
	}
	ok := members(b, func(key string, val []byte) bool {
		switch key {
		case "orchex":
			has.orchex = true
		case "host_v1", "webproperty_v1", "certificate_v1":
			has.hit = true
		case "matches":
			has.matches = true
		case "result":
			has.result = len(val) > 0 && val[0] == '{'
		case "code":
			has.code = true
		case "error":
			has.errorKey = true
		case "_shodan":
			has.shodan = true
		case "port":
			has.port = true
		case "ip_str", "ipv6":
			has.ipStr = true
		case "ip":
			has.ip = true
		case "services":
			has.services = true
		case "resource":
			has.resource = true
		case "data":
			has.dataArray = len(val) > 0 && val[0] == '['
		case "ports":
			has.ports = true
		}
		return true
	})
	if !ok {
		return kindUnknown
	}
	switch {
	case has.orchex:
		return kindExport
	case has.hit:
		return kindV3Hit
	case has.matches:
		return kindShodanSearch
	case has.result && has.code:
		return kindV2Envelope
	case has.result:
		return kindV3Envelope
	case has.dataArray && (has.ipStr || has.ports):
		return kindShodanHost
	case has.shodan || (has.port && !has.services && (has.ipStr || has.ip)):
		return kindBanner
	case has.resource:
		return kindV3Host
	case has.services && has.ip:
		return censysHostKind(b)
	case has.errorKey:
		return kindAPIError
	}
	return kindUnknown
}

// censysHostKind tells a v2 host from a v3 host by the shape of its first
// service: v2 services have service_name, observed_at or upper-case
// transports; v3 services have protocol, scan_time and lower-case ones.
func censysHostKind(b []byte) kind {
	var services []byte
	v2hint, v3hint := false, false
	members(b, func(key string, val []byte) bool {
		switch key {
		case "services":
			services = val
		case "last_updated_at", "location_updated_at":
			v2hint = true
		case "service_count":
			v3hint = true
		}
		return true
	})
	if len(services) > 1 && services[0] == '[' {
		if first, ok := jsonscan.First(services); ok {
			k := kindUnknown
			members(first, func(key string, val []byte) bool {
				switch key {
				case "service_name", "extended_service_name", "observed_at", "_decoded", "perspective_id":
					k = kindV2Host
					return false
				case "protocol", "scan_time", "endpoints":
					k = kindV3Host
					return false
				case "transport_protocol":
					if s := string(val); s == `"TCP"` || s == `"UDP"` || s == `"QUIC"` {
						k = kindV2Host
						return false
					}
				}
				return true
			})
			if k != kindUnknown {
				return k
			}
		}
	}
	switch {
	case v2hint:
		return kindV2Host
	case v3hint:
		return kindV3Host
	}
	return kindV3Host
}

// members calls fn with each top-level member of the JSON object b (the
// key as written between its quotes, the raw value; see jsonscan.Members)
// until fn returns false. It reports false when b is not a well-formed
// object; keys are compared unescaped only when they contain no escapes.
func members(b []byte, fn func(key string, val []byte) bool) bool {
	return jsonscan.Members(b, func(key, val []byte) bool {
		return fn(string(key[1:len(key)-1]), val)
	})
}

// validObject reports whether b is one complete JSON object.
func validObject(b []byte) bool {
	i := jsonscan.WS(b, 0)
	return i < len(b) && b[i] == '{' && jsonscan.Valid(b)
}

// keyList renders the top-level keys of b for an error message, sorted,
// quoted and capped.
func keyList(b []byte) string {
	var keys []string
	if !members(b, func(key string, _ []byte) bool {
		keys = append(keys, fmt.Sprintf("%q", clip(key, 40)))
		return len(keys) < 20
	}) {
		return "(not a well-formed JSON object)"
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return "(none)"
	}
	return "[" + strings.Join(keys, " ") + "]"
}

// apiErrorText quotes the message of an API error body, capped.
func apiErrorText(b []byte) string {
	var e struct {
		Error  json.RawMessage `json:"error"`
		Status json.RawMessage `json:"status"`
		Code   json.RawMessage `json:"code"`
	}
	_ = json.Unmarshal(b, &e)
	msg := string(e.Error)
	var s string
	if json.Unmarshal(e.Error, &s) == nil {
		msg = s
	}
	out := fmt.Sprintf("%q", clip(msg, 200))
	if len(e.Code) > 0 {
		out += " (code " + clip(string(e.Code), 10) + ")"
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// envelope reports whether the JSON object that b starts, which b may
// show only in part, is an API response around records rather than a
// record: among the members b shows (up to the first one whose value runs
// past its end) one is "matches", "result" holding an object, or "data"
// holding an array, the members detect reads as a Shodan search, a Censys
// response and a Shodan host response.
func envelope(b []byte) bool {
	i := jsonscan.WS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = jsonscan.WS(b, i+1)
	for i < len(b) && b[i] == '"' {
		kend := jsonscan.End(b, i)
		if kend < 0 {
			return false
		}
		key := string(b[i+1 : kend-1])
		if i = jsonscan.WS(b, kend); i >= len(b) || b[i] != ':' {
			return false
		}
		if i = jsonscan.WS(b, i+1); i >= len(b) {
			return false
		}
		switch {
		case key == "matches",
			key == "result" && b[i] == '{',
			key == "data" && b[i] == '[':
			return true
		}
		end := jsonscan.End(b, i)
		if end < 0 {
			return false // this value runs past what b shows
		}
		if i = jsonscan.WS(b, end); i >= len(b) || b[i] != ',' {
			return false
		}
		i = jsonscan.WS(b, i+1)
	}
	return false
}
