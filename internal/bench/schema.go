package main

import (
	"fmt"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// The schema of the read and write figures: app "bench".
var (
	titleField = runtime.StringField("title", "Default title", runtime.Meta{Validators: []value.Validator{value.MinLength(2)}})
	countField = runtime.IntField("count", 7, runtime.Meta{Validators: []value.Validator{value.NonNegative()}})

	benchSchema = runtime.NewSchema("bench", runtime.NewSection("main", "Main", "", titleField, countField))
)

// The schema of the propagation figure, shared by leader and follower: app
// "prop", so that other figures' writes never wake the follower.
var (
	propField  = runtime.IntField("n", 0, runtime.Meta{})
	propSchema = runtime.NewSchema("prop", runtime.NewSection("main", "Main", "", propField))

	// The schema of figure 9: writes given up at their deadline.
	giveUpField  = runtime.IntField("n", 0, runtime.Meta{})
	giveUpSchema = runtime.NewSchema("giveup", runtime.NewSection("main", "Main", "", giveUpField))
)

// wideSchema declares a schema of n fields for the cold start, in sections
// of 100, cycling through four kinds so that decoding costs what it does in
// a real schema.
func wideSchema(n int) *runtime.Schema {
	var sections []*runtime.Section
	for s := 0; s*100 < n; s++ {
		var fields []runtime.Descriptor
		for i := s * 100; i < min(n, (s+1)*100); i++ {
			fields = append(fields, wideField(i))
		}
		sections = append(sections, runtime.NewSection(fmt.Sprintf("s%03d", s), "", "", fields...))
	}
	return runtime.NewSchema("wide", sections...)
}

// wideField declares field i of the wide schema.
func wideField(i int) runtime.Descriptor {
	name := fmt.Sprintf("f%05d", i)
	switch i % 4 {
	case 0:
		return runtime.IntField(name, int64(i), runtime.Meta{})
	case 1:
		return runtime.StringField(name, "default "+name, runtime.Meta{})
	case 2:
		return runtime.BoolField(name, i%3 == 0, runtime.Meta{})
	}
	return runtime.DurationField(name, time.Duration(i)*time.Second, runtime.Meta{})
}

// overrideText returns the canonical text of the override of field i of
// the wide schema.
func overrideText(i int) string {
	switch i % 4 {
	case 0:
		return fmt.Sprint(-i)
	case 1:
		return fmt.Sprintf("override %d", i)
	case 2:
		return fmt.Sprint(i%3 != 0)
	}
	return (time.Duration(i) * time.Minute).String()
}
