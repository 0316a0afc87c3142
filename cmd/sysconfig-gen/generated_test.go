package main

import (
	"testing"
)

// TestGeneratedIsFresh fails when generated/ no longer matches what
// sysconfig-gen produces from schema.example.yaml, which happens when
// either the schema or the generator changed without regenerating.
func TestGeneratedIsFresh(t *testing.T) {
	code, stdout, stderr := runGen("-schema", "../../schema.example.yaml", "-out", "../../generated",
		"-package", "generated", "-check")
	if code != 0 {
		t.Fatalf("generated/ is stale: run `make generate` and commit the result.\n%s\n%s", stderr, stdout)
	}
}

// TestGeneratedCompiles vets generated/ and runs its initialisation.
func TestGeneratedCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet and go run")
	}
	checkPackages(t, []generatedPackage{{
		importPath: "github.com/go-sysconfig/sysconfig/generated",
		schemaFile: "../../schema.example.yaml",
	}})
}
