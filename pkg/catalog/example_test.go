package catalog_test

import (
	"fmt"
	"net/netip"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/model"
)

// A Shodan banner of a kube-apiserver that denies anonymous requests.
func ExampleCatalog_Classify() {
	c, err := catalog.Embedded()
	if err != nil {
		fmt.Println(err)
		return
	}
	o := &model.Observation{
		Engine: model.Shodan, Addr: netip.MustParseAddr("198.51.100.7"), Port: 6443, Transport: "tcp",
		HTTP: &model.HTTP{
			Status:  403,
			Headers: []model.Header{{Name: "Audit-Id", Value: "30151b30"}, {Name: "Content-Type", Value: "application/json"}},
			Body:    `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"system:anonymous\" cannot get path \"/\"","reason":"Forbidden","details":{},"code":403}`,
		},
	}
	cl, ok := c.Classify(o)
	fmt.Println(ok, cl.Product, cl.Auth, cl.Confidence)
	fmt.Println(cl.ProductEvidence)
	fmt.Println(cl.AuthEvidence)
	// Output:
	// true kubernetes-api auth_required high
	// Kubernetes Status JSON from the API server
	// 403 system:anonymous (anonymous requests are authenticated but denied by RBAC)
}
