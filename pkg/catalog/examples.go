package catalog

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/orchex/orchex/pkg/model"
)

// example is one observation that a product's YAML says how to classify:
// a test written next to the rules it tests, run by Load and Check with
// the whole catalog (so that a product of higher priority taking the
// observation is caught too).
type example struct {
	obs  model.Observation
	want expectation
	file string
	line int
	n    int // 1-based position among its product's examples
}

// expectation is what an example says Classify gives.
type expectation struct {
	product    string // "" when skipped
	skipped    bool   // no product matches
	auth       model.Auth
	version    string
	hasVersion bool
	confidence model.Confidence // "" when not stated
}

// example decodes one entry of a product's examples list.
func (p *parser) example(n *yaml.Node) (example, bool) {
	pairs, ok := p.mapping(n, "example", []string{"observation", "expect"})
	if !ok {
		return example{}, false
	}
	before := len(p.errs)
	x := example{file: p.file, line: n.Line}
	has := map[string]bool{}
	for _, kv := range pairs {
		has[kv.key] = true
		switch kv.key {
		case "observation":
			p.observation(kv.v, &x.obs)
		case "expect":
			p.expectation(kv.v, &x.want)
		}
	}
	for _, k := range []string{"observation", "expect"} {
		if !has[k] {
			p.errorf(n, "example is missing %q", k)
		}
	}
	return x, len(p.errs) == before
}

// observation builds an observation from a mapping of rule field names
// (docs/catalog.md, Fields) to values: strings, numbers, booleans, true
// for an object field reported empty, a list for a multi-valued field.
// The engine defaults to shodan and the transport to tcp; port is
// required. As the decoders do, http.server defaults to the Server header.
func (p *parser) observation(n *yaml.Node, o *model.Observation) {
	pairs, ok := p.mapping(n, "example observation", nil)
	if !ok {
		return
	}
	// Rules do not read addresses: every example is at 192.0.2.1 (TEST-NET-1).
	*o = model.Observation{Engine: model.Shodan, Addr: netip.AddrFrom4([4]byte{192, 0, 2, 1}), Transport: "tcp"}
	hasPort := false
	for _, kv := range pairs {
		l, ok := p.field(kv.kn)
		if !ok {
			continue
		}
		hasPort = hasPort || l.field == fPort
		p.setField(o, l, kv)
	}
	if !hasPort {
		p.errorf(n, "example observation is missing port")
	}
	if o.HTTP != nil && o.HTTP.Server == "" {
		o.HTTP.Server = o.HTTP.Header("Server")
	}
}

// setField sets the field of leaf l from the value of kv.
func (p *parser) setField(o *model.Observation, l leaf, kv pair) {
	name := kv.key
	switch l.kind {
	case kObject:
		if v, ok := p.boolean(kv.v, name); ok {
			if !v {
				p.errorf(kv.v, "%s: false is not a value; leave the field out when the engine did not report it", name)
				return
			}
			ensure(o, l.field)
		}
	case kBool:
		if l.field == fHTTPLookalike {
			p.errorf(kv.v, "%s is computed from the page: write the page's title and body instead", name)
			return
		}
		if v, ok := p.boolean(kv.v, name); ok {
			setBool(o, l.field, v)
		}
	case kInt:
		v, ok := p.integer(kv.v, name)
		if !ok {
			return
		}
		if l.field == fPort && (v < 1 || v > 65535) {
			p.errorf(kv.v, "port %d is not in 1..65535", v)
			return
		}
		if v < 0 || v > 1<<31-1 {
			p.errorf(kv.v, "%s %d is out of range", name, v)
			return
		}
		setInt(o, l.field, int(v))
	case kString:
		var vals []string
		if kv.v.Kind == yaml.SequenceNode {
			if !multiValued(l.field) {
				p.errorf(kv.v, "%s takes one value, not a list", name)
				return
			}
			items, ok := p.seq(kv.v, name)
			if !ok {
				return
			}
			for _, it := range items {
				if s, ok := p.str(it, "a value of "+name); ok {
					vals = append(vals, s)
				}
			}
		} else if s, ok := p.str(kv.v, name); ok {
			vals = []string{s}
		}
		switch {
		case len(vals) == 0:
		case l.field == fEngine && vals[0] != string(model.Shodan) && vals[0] != string(model.Censys):
			p.errorf(kv.v, "engine %q: want shodan or censys", vals[0])
		case l.field == fTransport && vals[0] != "tcp" && vals[0] != "udp":
			p.errorf(kv.v, "transport %q: want tcp or udp", vals[0])
		default:
			setStrings(o, l, kv.key, vals)
		}
	}
}

// multiValued reports whether a string field can hold several values.
func multiValued(f fieldID) bool {
	switch f {
	case fTLSSAN, fLabels, fSoftwareProduct, fSoftwareVendor, fSoftwareVersion, fHTTPHeader:
		return true
	}
	return false
}

// ensure creates the object that field f belongs to.
func ensure(o *model.Observation, f fieldID) {
	switch f {
	case fHTTP, fHTTPStatus, fHTTPTitle, fHTTPServer, fHTTPHeader, fHTTPBody:
		if o.HTTP == nil {
			o.HTTP = &model.HTTP{}
		}
	case fTLS, fTLSSubject, fTLSSubjectCN, fTLSIssuer, fTLSIssuerCN, fTLSSAN:
		if o.TLS == nil {
			o.TLS = &model.TLS{}
		}
	case fKubernetes, fKubernetesVersion, fKubernetesNodes, fKubernetesPods, fKubernetesDashboard:
		if o.Kubernetes == nil {
			o.Kubernetes = &model.Kubernetes{}
		}
	case fEtcd, fEtcdVersion, fEtcdV2Auth, fEtcdV3Auth:
		if o.Etcd == nil {
			o.Etcd = &model.Etcd{}
		}
	case fDocker, fDockerVersion, fDockerAPIVersion, fDockerOS, fDockerContainers:
		if o.Docker == nil {
			o.Docker = &model.Docker{}
		}
	}
}

func setBool(o *model.Observation, f fieldID, v bool) {
	ensure(o, f)
	switch f {
	case fKubernetesDashboard:
		o.Kubernetes.DashboardFound = v
	case fEtcdV2Auth:
		o.Etcd.V2Auth = &v
	case fEtcdV3Auth:
		o.Etcd.V3Auth = &v
	}
}

func setInt(o *model.Observation, f fieldID, v int) {
	ensure(o, f)
	switch f {
	case fPort:
		o.Port = uint16(v)
	case fHTTPStatus:
		o.HTTP.Status = v
	case fKubernetesNodes:
		o.Kubernetes.Nodes = v
	case fKubernetesPods:
		o.Kubernetes.Pods = v
	case fDockerContainers:
		o.Docker.Containers = v
	}
}

// setStrings sets a string field; vals has one value unless the field is
// multi-valued. name is the field as written (for a header's name).
func setStrings(o *model.Observation, l leaf, name string, vals []string) {
	ensure(o, l.field)
	s := vals[0]
	switch l.field {
	case fEngine:
		o.Engine = model.Engine(s)
	case fTransport:
		o.Transport = s
	case fHTTPTitle:
		o.HTTP.Title = s
	case fHTTPServer:
		o.HTTP.Server = s
	case fHTTPBody:
		o.HTTP.Body = s
	case fHTTPHeader:
		header := name[len(headerPrefix):] // as written, not lower-cased
		for _, v := range vals {
			o.HTTP.Headers = append(o.HTTP.Headers, model.Header{Name: header, Value: v})
		}
	case fTLSSubject:
		o.TLS.Subject = s
	case fTLSSubjectCN:
		o.TLS.SubjectCN = s
	case fTLSIssuer:
		o.TLS.Issuer = s
	case fTLSIssuerCN:
		o.TLS.IssuerCN = s
	case fTLSSAN:
		o.TLS.SANs = append(o.TLS.SANs, vals...)
	case fProduct:
		o.Product = s
	case fVersion:
		o.Version = s
	case fModule:
		o.Module = s
	case fProtocol:
		o.Protocol = s
	case fSoftwareProduct, fSoftwareVendor, fSoftwareVersion:
		// The i-th values of software.vendor, .product and .version
		// describe the i-th software entry.
		for len(o.Software) < len(vals) {
			o.Software = append(o.Software, model.Software{})
		}
		for i, v := range vals {
			switch l.field {
			case fSoftwareProduct:
				o.Software[i].Product = v
			case fSoftwareVendor:
				o.Software[i].Vendor = v
			default:
				o.Software[i].Version = v
			}
		}
	case fLabels:
		o.Labels = append(o.Labels, vals...)
	case fKubernetesVersion:
		o.Kubernetes.Version = s
	case fEtcdVersion:
		o.Etcd.Version = s
	case fDockerVersion:
		o.Docker.Version = s
	case fDockerAPIVersion:
		o.Docker.APIVersion = s
	case fDockerOS:
		o.Docker.OS = s
	case fBanner:
		o.Banner = s
	}
}

// expectation decodes an example's expect mapping.
func (p *parser) expectation(n *yaml.Node, w *expectation) {
	pairs, ok := p.mapping(n, "expect", []string{"product", "skipped", "auth", "version", "confidence"})
	if !ok {
		return
	}
	has := map[string]*yaml.Node{}
	for _, kv := range pairs {
		has[kv.key] = kv.kn
		switch kv.key {
		case "product":
			w.product, _ = p.str(kv.v, "expect.product")
		case "skipped":
			if v, ok := p.boolean(kv.v, "expect.skipped"); ok {
				if !v {
					p.errorf(kv.v, "expect.skipped: false is the default; leave it out")
				}
				w.skipped = v
			}
		case "auth":
			w.auth, _ = p.verdict(kv.v, "expect.auth")
		case "version":
			w.version, w.hasVersion = p.str(kv.v, "expect.version")
		case "confidence":
			w.confidence, _ = p.confidence(kv.v, "expect.confidence")
		}
	}
	if w.skipped {
		for _, k := range []string{"product", "auth", "version", "confidence"} {
			if kn := has[k]; kn != nil {
				p.errorf(kn, "expect: %s does not go with skipped (no product names a skipped observation)", k)
			}
		}
		return
	}
	if has["auth"] == nil {
		p.errorf(n, "expect is missing auth (open, likely_open, auth_required or unknown), or skipped: true")
	}
}

// runExamples classifies every example with the whole catalog and
// returns one error per example that does not give what it expects.
func (c *Catalog) runExamples() []error {
	var errs []error
	for _, id := range sortedKeys(c.products) {
		for _, x := range c.products[id].examples {
			c.examples++
			if msg := c.runExample(&x); msg != "" {
				errs = append(errs, &Error{x.file, x.line, fmt.Sprintf("example %d of product %q: %s", x.n, id, msg)})
			}
		}
	}
	return errs
}

// runExample returns what is wrong with the classification of x, or "".
func (c *Catalog) runExample(x *example) string {
	w := &x.want
	if w.product != "" {
		if _, ok := c.products[w.product]; !ok {
			return fmt.Sprintf("expects unknown product %q", w.product)
		}
	}
	p, m, a := c.classify(&x.obs)
	cl, _ := c.Classify(&x.obs)
	switch {
	case w.skipped && p == nil:
		return ""
	case w.skipped:
		return "want no product (skipped); got " + describe(p, m, a, cl)
	case p == nil:
		return "want " + w.String() + "; got no product (skipped)"
	}
	if p.ID == w.product && cl.Auth == w.auth && (!w.hasVersion || cl.Version == w.version) &&
		(w.confidence == "" || cl.Confidence == w.confidence) {
		return ""
	}
	return "want " + w.String() + "; got " + describe(p, m, a, cl)
}

func (w *expectation) String() string {
	s := w.product + ", auth " + string(w.auth)
	if w.confidence != "" {
		s += " (" + string(w.confidence) + ")"
	}
	if w.hasVersion {
		s += ", version " + strconv.Quote(w.version)
	}
	return s
}

// describe renders a classification with the rules that gave it, so that
// a failing example points at the rule to look at.
func describe(p *product, m, a *Rule, cl model.Classification) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (product rule at %s:%d %q), auth %s (%s)", p.ID, m.File, m.Line, m.Evidence, cl.Auth, cl.Confidence)
	if a != nil {
		fmt.Fprintf(&b, " by the rule at %s:%d %q", a.File, a.Line, a.Evidence)
	} else {
		b.WriteString(" by no auth rule")
	}
	fmt.Fprintf(&b, ", version %q", cl.Version)
	return b.String()
}
