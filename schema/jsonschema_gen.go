//go:build ignore

// Command jsonschema_gen writes sysconfig.schema.json from the template and
// the validator table (see package internal/jsonschema). Run it with
// "go generate ./schema".
package main

import (
	"log"
	"os"

	"github.com/go-sysconfig/sysconfig/internal/jsonschema"
)

func main() {
	data, err := jsonschema.Generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("sysconfig.schema.json", data, 0o644); err != nil {
		log.Fatal(err)
	}
}
