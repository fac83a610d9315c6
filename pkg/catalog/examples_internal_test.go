package catalog

import (
	"fmt"
	"slices"
	"testing"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/queries"
)

func embedded(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load(queries.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEmbeddedExamples runs every example of the shipped catalog as a
// subtest (Load has run them already; this names each one).
func TestEmbeddedExamples(t *testing.T) {
	c := embedded(t)
	n := 0
	for _, id := range sortedKeys(c.products) {
		for _, x := range c.products[id].examples {
			n++
			t.Run(fmt.Sprintf("%s/%d", id, x.n), func(t *testing.T) {
				if msg := c.runExample(&x); msg != "" {
					t.Errorf("%s:%d: %s", x.file, x.line, msg)
				}
			})
		}
	}
	if n != c.Examples() || n < 2*len(c.products) {
		t.Errorf("%d examples run, Examples() = %d, %d products", n, c.Examples(), len(c.products))
	}
}

// TestEmbeddedExamplesCoverVerdicts checks that every product of the
// shipped catalog has an example of each verdict its own auth rules can
// give (each from a banner documented in docs/fingerprints.md).
func TestEmbeddedExamplesCoverVerdicts(t *testing.T) {
	c := embedded(t)
	for _, id := range sortedKeys(c.products) {
		p := c.products[id]
		have := map[model.Auth]bool{}
		for _, x := range p.examples {
			if x.want.product == id {
				have[x.want.auth] = true
			}
		}
		var verdicts []model.Auth
		for _, r := range p.Auth {
			if !slices.Contains(verdicts, r.Verdict) {
				verdicts = append(verdicts, r.Verdict)
			}
		}
		for _, v := range verdicts {
			if !have[v] {
				t.Errorf("%s (%s:%d): an auth rule gives %s, but no example expects it", id, p.File, p.Line, v)
			}
		}
	}
}

// TestEmbeddedExamplesNeverOpenWithoutEvidence strips every example down
// to what cannot prove access (port, certificate, title, the engine's
// product and protocol fields, a Kubernetes version) and checks that none
// is then open: open needs positive evidence (docs/catalog.md).
func TestEmbeddedExamplesNeverOpenWithoutEvidence(t *testing.T) {
	c := embedded(t)
	for _, id := range sortedKeys(c.products) {
		for _, x := range c.products[id].examples {
			o := x.obs
			o.Banner = ""
			if o.HTTP != nil {
				o.HTTP = &model.HTTP{Title: o.HTTP.Title}
			}
			if o.Kubernetes != nil {
				o.Kubernetes = &model.Kubernetes{Version: o.Kubernetes.Version, DashboardFound: o.Kubernetes.DashboardFound}
			}
			o.Etcd, o.Docker = nil, nil
			if cl, ok := c.Classify(&o); ok && cl.Auth == model.AuthOpen {
				t.Errorf("%s:%d: example %d of %s, stripped, is open: %+v", x.file, x.line, x.n, id, cl)
			}
		}
	}
}

// TestEmbeddedPriorityOrder pins the order in which the shipped products
// are tried. Before priorities had to be distinct, the products of one
// priority were tried by ID; the renumbering kept that order, so that no
// classification changed.
func TestEmbeddedPriorityOrder(t *testing.T) {
	c := embedded(t)
	var got []string
	for _, p := range c.order {
		got = append(got, p.ID)
	}
	want := []string{
		"openshift-api",
		// formerly all 90, by ID:
		"argocd", "kubernetes-dashboard", "nomad", "openshift-console", "portainer", "rancher", "swarmpit",
		"kong-admin", "docker-swarm", "kubelet",
		"etcd", "marathon", // formerly 60
		"kubernetes-healthz",
		"docker-engine", "kubernetes-api", "mesos-master", // formerly 50
		"swagger-ui",
	}
	if !slices.Equal(got, want) {
		t.Errorf("classification order\n%v\nwant\n%v", got, want)
	}
}
