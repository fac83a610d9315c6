package compare

import (
	"errors"
	"strings"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// reusing streams ss through one value it overwrites for every service,
// as a store reading rows into one struct may.
func reusing(ss []model.Service) Services {
	return func(fn func(*model.Service) error) error {
		var s model.Service
		for i := range ss {
			s = ss[i]
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestCursorReusedValue: a stream that reuses its value is read as the
// sequence it is (each Cur a copy), its order checked against the
// service before, not against itself.
func TestCursorReusedValue(t *testing.T) {
	ss := []model.Service{
		svc("198.18.0.1", 443, "k8s", model.AuthRequired, "", "", ""),
		svc("198.18.0.1", 10250, "kubelet", model.AuthOpen, "", "", ""),
		svc("198.18.0.2", 443, "k8s", model.AuthUnknown, "", "", ""),
	}
	c, stop := Pull("A", reusing(ss))
	defer stop()
	var got []*model.Service
	for {
		if err := c.Advance(); err != nil {
			t.Fatal(err)
		}
		if c.Cur == nil {
			break
		}
		got = append(got, c.Cur)
	}
	if len(got) != len(ss) {
		t.Fatalf("read %d services, want %d", len(got), len(ss))
	}
	for i := range ss {
		if got[i].Key != ss[i].Key || got[i].Product != ss[i].Product {
			t.Errorf("service %d: %v %s, want %v %s", i, got[i].Key, got[i].Product, ss[i].Key, ss[i].Product)
		}
	}
}

// TestCursorErrors: a repeated service and a failing stream stop the
// cursor with errors naming the snapshot.
func TestCursorErrors(t *testing.T) {
	a := svc("198.18.0.1", 443, "k8s", model.AuthRequired, "", "", "")
	c, stop := Pull("B", reusing([]model.Service{a, a}))
	defer stop()
	if err := c.Advance(); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(); err == nil || !strings.Contains(err.Error(), "snapshot B: service #2 (198.18.0.1 port 443/tcp) arrived after 198.18.0.1 port 443/tcp") {
		t.Errorf("repeated service: %v", err)
	}
	boom := errors.New("disk on fire")
	c2, stop2 := Pull("C", func(func(*model.Service) error) error { return boom })
	defer stop2()
	if err := c2.Advance(); !errors.Is(err, boom) || !strings.Contains(err.Error(), "reading snapshot C") || c2.Cur != nil {
		t.Errorf("failing stream: %v, cur %v", err, c2.Cur)
	}
}
