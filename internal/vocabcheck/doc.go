// Package vocabcheck proves that a validator cannot be half-added. Its
// tests, built with the tag sysconfig_fakevalidator, add a fake validator
// to the table of package value (runtime/value/fake_validator.go) and
// check that every consumer handles it: the schema loader, the emitter
// (the generated code compiles), the docs, lint, the breaking-change
// report and the JSON Schema. A consumer that keeps its own list of
// validator names fails them. Run them with
//
//	go test -tags sysconfig_fakevalidator ./internal/vocabcheck/
//
// (make test does). The package has no code of its own.
package vocabcheck
