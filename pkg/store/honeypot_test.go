package store

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
)

// hostItem is an observation of product (of family) on port of addr,
// with the engine's honeypot markers.
func hostItem(addr string, port uint16, product, family string, marks model.Honeypot, seen time.Time) ingest.Item {
	o := shodanObs(addr, port, seen)
	o.QueryID = product + "/shodan/1"
	o.Honeypot = marks
	c := model.Classification{Product: product, Family: family, ProductEvidence: "test", Auth: model.AuthUnknown,
		AuthEvidence: "no auth rule matched", Confidence: model.Low}
	return item(o, c, awsTag)
}

// honeypotItems is a snapshot's worth of items: a Kubernetes node with
// five products of one family (not a honeypot), a host with five
// unrelated families (orchex's rule), a host Shodan tagged on one banner
// of three, a host Censys labelled a tarpit, and plain hosts.
func honeypotItems() []ingest.Item {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	return []ingest.Item{
		hostItem("52.1.0.1", 6443, "kubernetes-api", "kubernetes", 0, at(1)),
		hostItem("52.1.0.1", 10250, "kubelet", "kubernetes", 0, at(2)),
		hostItem("52.1.0.1", 2379, "etcd", "kubernetes", 0, at(3)),
		hostItem("52.1.0.1", 10256, "kubernetes-healthz", "kubernetes", 0, at(4)),
		hostItem("52.1.0.1", 30000, "kubernetes-dashboard", "kubernetes", 0, at(5)),
		hostItem("52.1.0.1", 8080, "swagger-ui", "swagger", 0, at(5)),

		hostItem("52.2.0.2", 6443, "kubernetes-api", "kubernetes", 0, at(6)),
		hostItem("52.2.0.2", 2375, "docker-engine", "docker", 0, at(7)),
		hostItem("52.2.0.2", 5050, "mesos-master", "mesos", 0, at(8)),
		hostItem("52.2.0.2", 9000, "portainer", "portainer", 0, at(9)),
		hostItem("52.2.0.2", 4646, "nomad", "nomad", 0, at(10)),

		hostItem("52.3.0.3", 6443, "kubernetes-api", "kubernetes", 0, at(11)),
		hostItem("52.3.0.3", 2375, "docker-engine", "docker", model.HoneypotShodanTag, at(12)),
		hostItem("52.3.0.3", 9000, "portainer", "portainer", 0, at(13)),

		hostItem("52.4.0.4", 8443, "kubernetes-dashboard", "kubernetes", model.HoneypotCensysTarpit, at(14)),

		hostItem("52.5.0.5", 6443, "kubernetes-api", "kubernetes", 0, at(15)),
		hostItem("52.5.0.5", 9443, "portainer", "portainer", 0, at(16)),
	}
}

// TestHoneypotHostRule: every service of a host takes the host's reasons
// (an engine's marker on one banner flags all of them; five unrelated
// families flag all of them; a Kubernetes node's five products of one
// family flag none), whatever the order and batching of the Puts, and the
// service groups follow.
func TestHoneypotHostRule(t *testing.T) {
	ctx := context.Background()
	want := map[string]model.Honeypot{
		"52.1.0.1": 0, "52.2.0.2": model.HoneypotManyFamilies, "52.3.0.3": model.HoneypotShodanTag,
		"52.4.0.4": model.HoneypotCensysTarpit, "52.5.0.5": 0,
	}
	var ref []model.Service
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 12 {
		s := openTemp(t)
		items := honeypotItems()
		r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		for lo := 0; lo < len(items); {
			hi := min(len(items), lo+1+r.IntN(4))
			if _, err := s.Put(ctx, "2026Q4", items[lo:hi], nil); err != nil {
				t.Fatal(err)
			}
			checkGroups(t, s, "2026Q4")
			lo = hi
		}
		// Putting everything again changes nothing.
		if st, err := s.Put(ctx, "2026Q4", honeypotItems(), nil); err != nil || st != (ingest.PutStats{}) {
			t.Fatalf("repeated put: %+v %v", st, err)
		}
		got := services(t, s, "2026Q4")
		for _, sv := range got {
			if w := want[sv.Addr.String()]; sv.Honeypot != w {
				t.Errorf("trial %d: %s port %d (%s): honeypot %v, want %v", trial, sv.Addr, sv.Port, sv.Product, sv.Honeypot, w)
			}
		}
		if trial == 0 {
			ref = got
		} else if !reflect.DeepEqual(got, ref) {
			t.Fatalf("trial %d: the snapshot depends on the order of Puts", trial)
		}
		hosts, n, err := s.HoneypotCounts(ctx, "2026Q4")
		if err != nil || hosts != 3 || n != 9 {
			t.Errorf("HoneypotCounts = %d hosts, %d services, %v; want 3, 9", hosts, n, err)
		}
	}
}

// TestHoneypotHostChanges: a host's reasons change with what it holds: a
// fifth family flags the stored services of the four others, and a
// merge that moves a service to a family the host has already (the
// product follows the winning verdict) clears the rule again.
func TestHoneypotHostChanges(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	four := []ingest.Item{
		hostItem("52.6.0.6", 6443, "kubernetes-api", "kubernetes", 0, at(1)),
		hostItem("52.6.0.6", 2375, "docker-engine", "docker", 0, at(2)),
		hostItem("52.6.0.6", 5050, "mesos-master", "mesos", 0, at(3)),
		hostItem("52.6.0.6", 9000, "portainer", "portainer", 0, at(4)),
	}
	if _, err := s.Put(ctx, "2026Q4", four, nil); err != nil {
		t.Fatal(err)
	}
	fifth := hostItem("52.6.0.6", 4646, "nomad", "nomad", 0, at(5))
	if _, err := s.Put(ctx, "2026Q4", []ingest.Item{fifth}, nil); err != nil {
		t.Fatal(err)
	}
	checkGroups(t, s, "2026Q4")
	for _, sv := range services(t, s, "2026Q4") {
		if sv.Honeypot != model.HoneypotManyFamilies {
			t.Errorf("after the fifth family, %s port %d: honeypot %v", sv.Addr, sv.Port, sv.Honeypot)
		}
	}
	// A stronger verdict on 4646 names another product, of a family the
	// host has: four families again.
	o := shodanObs("52.6.0.6", 4646, at(6))
	o.QueryID = "portainer/shodan/2"
	c := model.Classification{Product: "portainer", Family: "portainer", Auth: model.AuthRequired, AuthEvidence: "401", Confidence: model.High}
	if _, err := s.Put(ctx, "2026Q4", []ingest.Item{item(o, c, awsTag)}, nil); err != nil {
		t.Fatal(err)
	}
	checkGroups(t, s, "2026Q4")
	for _, sv := range services(t, s, "2026Q4") {
		if sv.Honeypot != 0 {
			t.Errorf("with four families again, %s port %d (%s): honeypot %v", sv.Addr, sv.Port, sv.Product, sv.Honeypot)
		}
	}
}

// TestLikelyOpenStored: a "likely open" verdict is stored as auth
// unknown with inferred 1 (so that counting auth = 'open' in the file
// counts proof only) and read back as likely_open, in the service, its
// group and its observation.
func TestLikelyOpenStored(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	o := shodanObs("52.7.0.7", 8080, t0)
	c := model.Classification{Product: "marathon", Family: "mesos", Auth: model.AuthLikelyOpen,
		AuthEvidence: "200 with X-Marathon-Leader (inferred from defaults)", Confidence: model.Low}
	if _, err := s.Put(ctx, "2026Q4", []ingest.Item{item(o, c, awsTag)}, nil); err != nil {
		t.Fatal(err)
	}
	sv := services(t, s, "2026Q4")
	if len(sv) != 1 || sv[0].Auth != model.AuthLikelyOpen || sv[0].Family != "mesos" {
		t.Fatalf("services %+v", sv)
	}
	var auth string
	var inferred int
	if err := s.db.QueryRow(`SELECT auth, inferred FROM services`).Scan(&auth, &inferred); err != nil || auth != "unknown" || inferred != 1 {
		t.Errorf("stored auth %q inferred %d (%v)", auth, inferred, err)
	}
	if err := s.db.QueryRow(`SELECT auth, inferred FROM observations`).Scan(&auth, &inferred); err != nil || auth != "unknown" || inferred != 1 {
		t.Errorf("stored observation auth %q inferred %d (%v)", auth, inferred, err)
	}
	obs := observationsOf(t, s, "2026Q4")
	if len(obs) != 1 || obs[0].Auth != model.AuthLikelyOpen {
		t.Errorf("observations %+v", obs)
	}
	checkGroups(t, s, "2026Q4")
	gs := storedGroups(t, s, "2026Q4")
	if len(gs) != 1 || gs[0].Auth != model.AuthLikelyOpen {
		t.Errorf("groups %+v", gs)
	}
}

// TestHoneypotCountsPerProduct: the honeypot hosts per product, which a
// report takes out of ProductHosts.
func TestHoneypotCountsPerProduct(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.Put(ctx, "2026Q4", honeypotItems(), nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.HoneypotProductHosts(ctx, "2026Q4")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"kubernetes-api": 2, "docker-engine": 2, "mesos-master": 1, "portainer": 2, "nomad": 1, "kubernetes-dashboard": 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HoneypotProductHosts = %v, want %v", got, want)
	}
}
