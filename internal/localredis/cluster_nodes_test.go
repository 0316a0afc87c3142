package localredis

import (
	"reflect"
	"testing"
)

func TestParseClusterNodes(t *testing.T) {
	const text = "" +
		"07c3 127.0.0.1:30004@40004 slave e7d1 0 1426238317239 4 connected\n" +
		"67ed 127.0.0.1:30002@40002,host.example master - 0 1426238316232 2 connected 5461-10922 12000 [77->-e7d1]\n" +
		"e7d1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460\n" +
		"9a1b :0@0 master,fail?,noaddr - 1426238316232 1426238316232 3 disconnected\n"
	view, err := parseClusterNodes(text)
	if err != nil {
		t.Fatal(err)
	}
	want := clusterView{
		{id: "07c3", addr: "127.0.0.1:30004", flags: []string{"slave"}, masterID: "e7d1", linkUp: true},
		{id: "67ed", addr: "127.0.0.1:30002", flags: []string{"master"}, linkUp: true, slots: []slotRange{{5461, 10922}, {12000, 12000}}},
		{id: "e7d1", addr: "127.0.0.1:30001", flags: []string{"myself", "master"}, linkUp: true, slots: []slotRange{{0, 5460}}},
		{id: "9a1b", addr: ":0", flags: []string{"master", "fail?", "noaddr"}},
	}
	if !reflect.DeepEqual(view, want) {
		t.Fatalf("parsed\n%+v\nwant\n%+v", view, want)
	}
	if m, ok := view.masterOf(12000); !ok || m.id != "67ed" {
		t.Errorf("masterOf(12000) = %v, %v; want 67ed", m.id, ok)
	}
	if _, ok := view.masterOf(16000); ok {
		t.Error("masterOf(16000) found a master; want none")
	}
	if view[3].healthy() || !view[0].healthy() {
		t.Error("healthy() wrong for a failing or a connected node")
	}
}

func TestParseClusterNodesRejectsGarbage(t *testing.T) {
	for _, text := range []string{"too few fields", "a b master - 0 0 1 connected 9-3"} {
		if _, err := parseClusterNodes(text); err == nil {
			t.Errorf("parseClusterNodes(%q) succeeded", text)
		}
	}
}
