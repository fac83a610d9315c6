package demo

import (
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// EarlierBy is how long before a population its Earlier one was observed.
const EarlierBy = 91 * 24 * time.Hour

// Earlier returns the population of the quarter before cfg's, for a
// briefing's changes (orchex brief --since): the same generator stopped
// at nine services in ten, so every earlier service is one of cfg's at
// the same address (the tenth are new), observed EarlierBy sooner. Every
// other open service (kubelets aside: an open kubelet's port differs)
// showed a banner that did not tell then, and became open; one
// Kubernetes API server in twenty that demands credentials now was open
// then, and was fixed (the API server's banners show both states). One
// web panel in ten (Portainer, Rancher, Argo CD, Swagger UI,
// whose banners do not depend on the port) listened on the next port
// then: that service is gone, and the one on its port now is new. Noise
// is left out.
func Earlier(cfg Config) *Population {
	cfg = cfg.withDefaults()
	at := cfg.At
	taken := map[model.Key]bool{}
	for _, s := range Generate(cfg).Services {
		taken[model.Key{Addr: s.Addr, Port: s.Port, Transport: "tcp"}] = true
	}
	cfg.Size = cfg.Size * 9 / 10
	p := Generate(cfg)
	p.Config.At = at.Add(-EarlierBy)
	p.Noise = nil
	open, required, moved := 0, 0, 0
	for i := range p.Services {
		s := &p.Services[i]
		s.SeenAt = s.SeenAt.Add(-EarlierBy)
		switch s.Product {
		case "portainer", "rancher", "argocd", "swagger-ui":
			k := model.Key{Addr: s.Addr, Port: s.Port + 1, Transport: "tcp"}
			if moved++; moved%10 == 0 && !taken[k] {
				s.Port++
				taken[k] = true
			}
		}
		switch {
		case s.Auth == model.AuthOpen && s.Product != "kubelet":
			if open++; open%2 == 1 {
				s.Auth = model.AuthUnknown
			}
		case s.Auth == model.AuthRequired && s.Product == "kubernetes-api":
			if required++; required%20 == 0 {
				s.Auth = model.AuthOpen
			}
		}
	}
	return p
}
