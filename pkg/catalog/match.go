package catalog

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/orchex/orchex/pkg/model"
)

// kind is the value type of a field.
type kind uint8

const (
	kString kind = iota + 1
	kInt
	kBool   // a tri-state: reported true, reported false, not reported
	kObject // presence only
)

// fieldID names one normalized field of a model.Observation.
type fieldID uint8

const (
	fEngine fieldID = iota + 1
	fTransport
	fPort
	fHTTP
	fHTTPStatus
	fHTTPTitle
	fHTTPServer
	fHTTPHeader // http.header.<Name>
	fHTTPBody
	fTLS
	fTLSSubject
	fTLSSubjectCN
	fTLSIssuer
	fTLSIssuerCN
	fTLSSAN
	fProduct
	fVersion
	fModule
	fProtocol
	fSoftwareProduct
	fSoftwareVendor
	fSoftwareVersion
	fLabels
	fKubernetes
	fKubernetesVersion
	fKubernetesNodes
	fKubernetesPods
	fKubernetesDashboard
	fEtcd
	fEtcdVersion
	fEtcdV2Auth
	fEtcdV3Auth
	fDocker
	fDockerVersion
	fDockerAPIVersion
	fDockerOS
	fDockerContainers
	fBanner
	fHTTPLookalike // computed: the page is a blog, docs, code host or search page (lookalike.go)
)

// fieldSpec describes a field name usable in a rule.
type fieldSpec struct {
	id   fieldID
	kind kind
}

// headerPrefix starts the names of header fields: http.header.<Name>.
const headerPrefix = "http.header."

// fields maps rule field names to their specs. It is built by a function,
// not a package variable, so that nothing at package level is mutable.
func fieldSpecs() map[string]fieldSpec {
	return map[string]fieldSpec{
		"engine":                     {fEngine, kString},
		"transport":                  {fTransport, kString},
		"port":                       {fPort, kInt},
		"http":                       {fHTTP, kObject},
		"http.status":                {fHTTPStatus, kInt},
		"http.title":                 {fHTTPTitle, kString},
		"http.server":                {fHTTPServer, kString},
		"http.body":                  {fHTTPBody, kString},
		"tls":                        {fTLS, kObject},
		"tls.subject":                {fTLSSubject, kString},
		"tls.subject_cn":             {fTLSSubjectCN, kString},
		"tls.issuer":                 {fTLSIssuer, kString},
		"tls.issuer_cn":              {fTLSIssuerCN, kString},
		"tls.san":                    {fTLSSAN, kString},
		"product":                    {fProduct, kString},
		"version":                    {fVersion, kString},
		"module":                     {fModule, kString},
		"protocol":                   {fProtocol, kString},
		"software.product":           {fSoftwareProduct, kString},
		"software.vendor":            {fSoftwareVendor, kString},
		"software.version":           {fSoftwareVersion, kString},
		"labels":                     {fLabels, kString},
		"kubernetes":                 {fKubernetes, kObject},
		"kubernetes.version":         {fKubernetesVersion, kString},
		"kubernetes.nodes":           {fKubernetesNodes, kInt},
		"kubernetes.pods":            {fKubernetesPods, kInt},
		"kubernetes.dashboard_found": {fKubernetesDashboard, kBool},
		"etcd":                       {fEtcd, kObject},
		"etcd.version":               {fEtcdVersion, kString},
		"etcd.v2_auth":               {fEtcdV2Auth, kBool},
		"etcd.v3_auth":               {fEtcdV3Auth, kBool},
		"docker":                     {fDocker, kObject},
		"docker.version":             {fDockerVersion, kString},
		"docker.api_version":         {fDockerAPIVersion, kString},
		"docker.os":                  {fDockerOS, kString},
		"docker.containers":          {fDockerContainers, kInt},
		"banner":                     {fBanner, kString},
		"http.lookalike":             {fHTTPLookalike, kBool},
	}
}

// op is a leaf comparison.
type op uint8

const (
	opEquals op = iota + 1
	opContains
	opPrefix
	opRegex
	opExists
	opIn
	opGT
	opGE
	opLT
	opLE
)

// opNames maps the YAML keys of the comparisons to ops.
func opNames() map[string]op {
	return map[string]op{
		"equals": opEquals, "contains": opContains, "prefix": opPrefix, "regex": opRegex,
		"exists": opExists, "in": opIn, "gt": opGT, "ge": opGE, "lt": opLT, "le": opLE,
	}
}

// cond is a compiled condition: a combinator (all, any, not) or a leaf.
type cond struct {
	all  []*cond
	any  []*cond
	not  *cond
	leaf *leaf
}

// leaf compares one field with a constant. Strings compared
// case-insensitively are stored lower-cased (ASCII).
type leaf struct {
	field  fieldID
	kind   kind
	header string // for fHTTPHeader
	op     op
	cs     bool // case-sensitive string comparison
	str    string
	anchor int // containsFold anchor of str
	strs   []string
	num    int64
	nums   []int64
	b      bool
	re     *regexp.Regexp
	// anchored: re can only match at the start of the text (a JSON
	// body's first byte), so it is as cheap as a prefix test.
	anchored bool
	// need is text every match of re contains, lower-cased ("" when
	// none; see requiredLiteral): text without it is rejected before the
	// regexp engine runs, and needAnchor is its containsFold anchor.
	need       string
	needAnchor int
}

// cost estimates the work of evaluating c, to order all/any children.
func (c *cond) cost() int {
	switch {
	case c.leaf != nil:
		l := c.leaf
		switch {
		case l.field == fHTTPLookalike:
			return 1000 // scans the page for a dozen markers: after everything else
		case l.kind != kString || l.op == opExists:
			return 1
		case l.op == opRegex && l.anchored:
			return 3
		case l.field == fHTTPBody || l.field == fBanner:
			if l.op == opRegex {
				return 40
			}
			return 20
		case l.op == opRegex:
			return 4
		}
		return 2
	case c.not != nil:
		return c.not.cost()
	}
	n := 0
	for _, x := range c.all {
		n += x.cost()
	}
	for _, x := range c.any {
		n += x.cost()
	}
	return n
}

func (c *cond) eval(o *model.Observation) bool {
	switch {
	case c.leaf != nil:
		return c.leaf.eval(o)
	case c.not != nil:
		return !c.not.eval(o)
	case c.all != nil:
		for _, x := range c.all {
			if !x.eval(o) {
				return false
			}
		}
		return true
	case c.any != nil:
		for _, x := range c.any {
			if x.eval(o) {
				return true
			}
		}
	}
	return false
}

func (l *leaf) eval(o *model.Observation) bool {
	switch l.kind {
	case kObject:
		return objectPresent(o, l.field)
	case kBool:
		v, ok := boolValue(o, l.field)
		if l.op == opExists {
			return ok
		}
		return ok && v == l.b
	case kInt:
		v, ok := intValue(o, l.field)
		if !ok {
			return false
		}
		return l.compareInt(v)
	}
	// Strings: a multi-valued field matches when any value does.
	n := stringCount(o, l.field)
	for i := 0; i < n; i++ {
		s, ok := stringAt(o, l, i)
		if ok && l.compareString(s) {
			return true
		}
	}
	return false
}

func (l *leaf) compareInt(v int64) bool {
	switch l.op {
	case opExists:
		return true
	case opEquals:
		return v == l.num
	case opIn:
		for _, x := range l.nums {
			if v == x {
				return true
			}
		}
		return false
	case opGT:
		return v > l.num
	case opGE:
		return v >= l.num
	case opLT:
		return v < l.num
	case opLE:
		return v <= l.num
	}
	return false
}

func (l *leaf) compareString(s string) bool {
	switch l.op {
	case opExists:
		return s != ""
	case opEquals:
		if l.cs {
			return s == l.str
		}
		return equalFoldASCII(s, l.str)
	case opContains:
		if l.cs {
			return strings.Contains(s, l.str)
		}
		return containsFold(s, l.str, l.anchor)
	case opPrefix:
		if l.cs {
			return strings.HasPrefix(s, l.str)
		}
		return len(s) >= len(l.str) && equalFoldASCII(s[:len(l.str)], l.str)
	case opRegex:
		if l.need != "" && !containsFold(s, l.need, l.needAnchor) {
			return false
		}
		return l.re.MatchString(s)
	case opIn:
		for _, x := range l.strs {
			if (l.cs && s == x) || (!l.cs && equalFoldASCII(s, x)) {
				return true
			}
		}
	}
	return false
}

func objectPresent(o *model.Observation, f fieldID) bool {
	switch f {
	case fHTTP:
		return o.HTTP != nil
	case fTLS:
		return o.TLS != nil
	case fKubernetes:
		return o.Kubernetes != nil
	case fEtcd:
		return o.Etcd != nil
	case fDocker:
		return o.Docker != nil
	}
	return false
}

func boolValue(o *model.Observation, f fieldID) (v, ok bool) {
	switch f {
	case fKubernetesDashboard:
		if o.Kubernetes != nil {
			return o.Kubernetes.DashboardFound, true
		}
	case fEtcdV2Auth:
		if o.Etcd != nil && o.Etcd.V2Auth != nil {
			return *o.Etcd.V2Auth, true
		}
	case fEtcdV3Auth:
		if o.Etcd != nil && o.Etcd.V3Auth != nil {
			return *o.Etcd.V3Auth, true
		}
	case fHTTPLookalike:
		if o.HTTP != nil {
			return lookalike(o.HTTP), true
		}
	}
	return false, false
}

// intValue returns a numeric field; ok is false when the engine did not
// report it (an HTTP status of 0, a missing object).
func intValue(o *model.Observation, f fieldID) (int64, bool) {
	switch f {
	case fPort:
		return int64(o.Port), true
	case fHTTPStatus:
		if o.HTTP != nil && o.HTTP.Status != 0 {
			return int64(o.HTTP.Status), true
		}
	case fKubernetesNodes:
		if o.Kubernetes != nil {
			return int64(o.Kubernetes.Nodes), true
		}
	case fKubernetesPods:
		if o.Kubernetes != nil {
			return int64(o.Kubernetes.Pods), true
		}
	case fDockerContainers:
		if o.Docker != nil {
			return int64(o.Docker.Containers), true
		}
	}
	return 0, false
}

// stringCount returns how many values a string field has.
func stringCount(o *model.Observation, f fieldID) int {
	switch f {
	case fTLSSAN:
		if o.TLS != nil {
			return len(o.TLS.SANs)
		}
		return 0
	case fSoftwareProduct, fSoftwareVendor, fSoftwareVersion:
		return len(o.Software)
	case fLabels:
		return len(o.Labels)
	case fHTTPHeader:
		if o.HTTP != nil {
			return len(o.HTTP.Headers)
		}
		return 0
	}
	return 1
}

// stringAt returns the i-th value of a string field; ok is false when the
// value does not belong to the field (a header of another name).
func stringAt(o *model.Observation, l *leaf, i int) (string, bool) {
	switch l.field {
	case fEngine:
		return string(o.Engine), true
	case fTransport:
		return o.Transport, true
	case fHTTPTitle, fHTTPServer, fHTTPBody:
		if o.HTTP == nil {
			return "", false
		}
		switch l.field {
		case fHTTPTitle:
			return o.HTTP.Title, true
		case fHTTPServer:
			return o.HTTP.Server, true
		}
		return o.HTTP.Body, true
	case fHTTPHeader:
		h := o.HTTP.Headers[i]
		return h.Value, equalFoldASCII(h.Name, l.header)
	case fTLSSubject, fTLSSubjectCN, fTLSIssuer, fTLSIssuerCN:
		if o.TLS == nil {
			return "", false
		}
		switch l.field {
		case fTLSSubject:
			return o.TLS.Subject, true
		case fTLSSubjectCN:
			return o.TLS.SubjectCN, true
		case fTLSIssuer:
			return o.TLS.Issuer, true
		}
		return o.TLS.IssuerCN, true
	case fTLSSAN:
		return o.TLS.SANs[i], true
	case fProduct:
		return o.Product, true
	case fVersion:
		return o.Version, true
	case fModule:
		return o.Module, true
	case fProtocol:
		return o.Protocol, true
	case fSoftwareProduct:
		return o.Software[i].Product, true
	case fSoftwareVendor:
		return o.Software[i].Vendor, true
	case fSoftwareVersion:
		return o.Software[i].Version, true
	case fLabels:
		return o.Labels[i], true
	case fKubernetesVersion:
		if o.Kubernetes != nil {
			return o.Kubernetes.Version, true
		}
	case fEtcdVersion:
		if o.Etcd != nil {
			return o.Etcd.Version, true
		}
	case fDockerVersion, fDockerAPIVersion, fDockerOS:
		if o.Docker == nil {
			return "", false
		}
		switch l.field {
		case fDockerVersion:
			return o.Docker.Version, true
		case fDockerAPIVersion:
			return o.Docker.APIVersion, true
		}
		return o.Docker.OS, true
	case fBanner:
		return o.Banner, true
	}
	return "", false
}

// lowerASCII lower-cases the ASCII letters of s.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func foldByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFoldASCII reports whether s equals the lower-cased t, ignoring ASCII
// case in s.
func equalFoldASCII(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if foldByte(s[i]) != foldByte(t[i]) {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains the lower-cased needle n,
// ignoring ASCII case in s. It does not allocate.
//
// Candidates are found with strings.IndexByte on n[k], the anchor, chosen
// at load as the byte of n least likely in banners (see anchorOf); a
// letter anchor is searched in both cases, keeping the next position of
// each so that s is scanned once per case.
func containsFold(s, n string, k int) bool {
	if n == "" {
		return true
	}
	if len(s) < len(n) {
		return false
	}
	lo, up := n[k], n[k]
	if 'a' <= lo && lo <= 'z' {
		up = lo - ('a' - 'A')
	}
	hay := s[:len(s)-len(n)+k+1] // the anchor of the last candidate
	nextLo, nextUp := -1, -1     // next anchor position of each case; len(s) when none
	if lo == up {
		nextUp = len(s)
	}
	for i := k; i < len(hay); {
		if nextLo < i {
			nextLo = indexFrom(hay, lo, i, len(s))
		}
		if nextUp < i {
			nextUp = indexFrom(hay, up, i, len(s))
		}
		j := min(nextLo, nextUp)
		if j == len(s) {
			return false
		}
		if equalFoldASCII(s[j-k:j-k+len(n)], n) {
			return true
		}
		i = j + 1
	}
	return false
}

// anchorOf returns the index of the byte of the lower-cased needle n that
// is rarest in banners, by a fixed rank: rare punctuation and digits first,
// then uncommon letters, common markup and letters, space last.
func anchorOf(n string) int {
	const order = "@()[]{}|\\^~$#!?;*+&%0123456789_:-qzxjkvbwyfgpm,'.=/<>\"uclhdrsnoiate "
	best, rank := 0, len(order)+1
	for i := 0; i < len(n); i++ {
		r := strings.IndexByte(order, n[i])
		if r < 0 {
			r = 0 // bytes outside the table (non-ASCII) are rare
		}
		if r < rank {
			best, rank = i, r
		}
	}
	return best
}

// indexFrom returns the index of b in hay at or after from, or none.
func indexFrom(hay string, b byte, from, none int) int {
	if j := strings.IndexByte(hay[from:], b); j >= 0 {
		return from + j
	}
	return none
}

// maxVersion caps an extracted version string, in bytes.
const maxVersion = 64

// cleanVersion returns s if it is a plausible version string: valid UTF-8,
// no control or bidi characters, at most maxVersion bytes. It returns ""
// otherwise, so that a hostile banner cannot smuggle text through the
// version column. It does not allocate.
func cleanVersion(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxVersion || !utf8.ValidString(s) {
		return ""
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202A && r <= 0x202E) ||
			(r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C {
			return ""
		}
	}
	return s
}
